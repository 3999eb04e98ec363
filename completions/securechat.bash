#!/bin/bash

__securechat_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__securechat_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__securechat_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__securechat_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_securechat() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __securechat_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    keygen|room|invite-qr|encrypt|decrypt|inspect|serve|connect|help)
        # Offer subcommand argument completions
        "_securechat_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'keygen room invite-qr encrypt decrypt inspect serve connect help' -- "${cur}"))
        ;;
    esac
}

_securechat_keygen() {
    repeating_flags=()
    non_repeating_flags=(--fernet --pq --passphrase -p --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--output -o -y --passphrase-fd --work-factor)
    __securechat_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--output'|'-o')
        __securechat_add_completions -f
        return
        ;;
    '-y')
        __securechat_add_completions -f
        return
        ;;
    '--passphrase-fd')
        return
        ;;
    '--work-factor')
        return
        ;;
    esac
}

_securechat_room() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __securechat_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|list|show|delete)
        # Offer subcommand argument completions
        "_securechat_room_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create list show delete' -- "${cur}"))
        ;;
    esac
}

_securechat_room_create() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--policy --ttl --max-members --server --name -i --identity --output -o --tls-fingerprint)
    __securechat_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--policy')
        __securechat_add_completions -W 'open'$'\n''approval'
        return
        ;;
    '--ttl')
        return
        ;;
    '--max-members')
        return
        ;;
    '--server')
        return
        ;;
    '--name')
        return
        ;;
    '-i'|'--identity')
        __securechat_add_completions -f
        return
        ;;
    '--output'|'-o')
        __securechat_add_completions -o plusdirs -fX '!*.@(json)'
        return
        ;;
    '--tls-fingerprint')
        return
        ;;
    esac
}

_securechat_room_list() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=()
    __securechat_offer_flags_options 0
}

_securechat_room_show() {
    repeating_flags=()
    non_repeating_flags=(--show-key --json --version -h --help)
    repeating_options=()
    non_repeating_options=()
    __securechat_offer_flags_options 1

    # Offer positional completions
    case "${positional_number}" in
    1)
        __securechat_add_completions -W "$(__securechat_custom_complete ---completion room show -- positional@0 "${COMP_CWORD}" "$(__securechat_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_securechat_room_delete() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __securechat_offer_flags_options 1

    # Offer positional completions
    case "${positional_number}" in
    1)
        __securechat_add_completions -W "$(__securechat_custom_complete ---completion room delete -- positional@0 "${COMP_CWORD}" "$(__securechat_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_securechat_invite-qr() {
    repeating_flags=()
    non_repeating_flags=(--inverted --raw --version -h --help)
    repeating_options=()
    non_repeating_options=(--room --output -o -t --type -l --level -s --size -m --margin --foreground --background)
    __securechat_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--room')
        __securechat_add_completions -W "$(__securechat_custom_complete ---completion invite-qr -- --room "${COMP_CWORD}" "$(__securechat_cursor_index_in_current_word)")"
        return
        ;;
    '--output'|'-o')
        __securechat_add_completions -o plusdirs -fX '!*.@(png|svg|txt)'
        return
        ;;
    '-t'|'--type')
        return
        ;;
    '-l'|'--level')
        __securechat_add_completions -W 'L'$'\n''M'$'\n''Q'$'\n''H'
        return
        ;;
    '-s'|'--size')
        return
        ;;
    '-m'|'--margin')
        return
        ;;
    '--foreground')
        return
        ;;
    '--background')
        return
        ;;
    esac
}

_securechat_encrypt() {
    repeating_flags=()
    non_repeating_flags=(--passphrase -p --armor -a --quiet -q --version -h --help)
    repeating_options=(-r -R -i)
    non_repeating_options=(-k --key-file --key-fd --room --invite --passphrase-fd --work-factor --output -o)
    __securechat_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-k'|'--key-file')
        __securechat_add_completions -f
        return
        ;;
    '--key-fd')
        return
        ;;
    '--room')
        __securechat_add_completions -W "$(__securechat_custom_complete ---completion encrypt -- --room "${COMP_CWORD}" "$(__securechat_cursor_index_in_current_word)")"
        return
        ;;
    '--invite')
        return
        ;;
    '-r')
        return
        ;;
    '-R')
        __securechat_add_completions -f
        return
        ;;
    '-i')
        __securechat_add_completions -f
        return
        ;;
    '--passphrase-fd')
        return
        ;;
    '--work-factor')
        return
        ;;
    '--output'|'-o')
        __securechat_add_completions -f
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __securechat_add_completions -f
        return
        ;;
    esac
}

_securechat_decrypt() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --version -h --help)
    repeating_options=(-i)
    non_repeating_options=(-k --key-file --key-fd --room --invite --passphrase-fd --max-work-factor --ttl --output -o)
    __securechat_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-k'|'--key-file')
        __securechat_add_completions -f
        return
        ;;
    '--key-fd')
        return
        ;;
    '--room')
        __securechat_add_completions -W "$(__securechat_custom_complete ---completion decrypt -- --room "${COMP_CWORD}" "$(__securechat_cursor_index_in_current_word)")"
        return
        ;;
    '--invite')
        return
        ;;
    '-i')
        __securechat_add_completions -f
        return
        ;;
    '--passphrase-fd')
        return
        ;;
    '--max-work-factor')
        return
        ;;
    '--ttl')
        return
        ;;
    '--output'|'-o')
        __securechat_add_completions -f
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __securechat_add_completions -f
        return
        ;;
    esac
}

_securechat_inspect() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--web --tls-fingerprint)
    __securechat_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--web')
        return
        ;;
    '--tls-fingerprint')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __securechat_add_completions -f
        return
        ;;
    esac
}

_securechat_serve() {
    repeating_flags=()
    non_repeating_flags=(--tls-self-signed --json --version -h --help)
    repeating_options=(--public-url --trusted-proxy --metrics-allow)
    non_repeating_options=(--host --port --db --db-password-file --tls-cert --tls-key --forwarded-header --max-frame --max-members --rate --burst --rooms-per-address --connections-per-address --knocks-per-minute --code-attempts --code-interval --knock-timeout --default-ttl --max-ttl --history-messages --history-bytes --exports-per-minute --log-level --log-format --room)
    __securechat_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--host')
        return
        ;;
    '--port')
        return
        ;;
    '--db')
        __securechat_add_completions -f
        return
        ;;
    '--db-password-file')
        __securechat_add_completions -f
        return
        ;;
    '--tls-cert')
        __securechat_add_completions -f
        return
        ;;
    '--tls-key')
        __securechat_add_completions -f
        return
        ;;
    '--public-url')
        return
        ;;
    '--trusted-proxy')
        return
        ;;
    '--forwarded-header')
        return
        ;;
    '--metrics-allow')
        return
        ;;
    '--max-frame')
        return
        ;;
    '--max-members')
        return
        ;;
    '--rate')
        return
        ;;
    '--burst')
        return
        ;;
    '--rooms-per-address')
        return
        ;;
    '--connections-per-address')
        return
        ;;
    '--knocks-per-minute')
        return
        ;;
    '--code-attempts')
        return
        ;;
    '--code-interval')
        return
        ;;
    '--knock-timeout')
        return
        ;;
    '--default-ttl')
        return
        ;;
    '--max-ttl')
        return
        ;;
    '--history-messages')
        return
        ;;
    '--history-bytes')
        return
        ;;
    '--exports-per-minute')
        return
        ;;
    '--log-level')
        return
        ;;
    '--log-format')
        return
        ;;
    '--room')
        return
        ;;
    esac
}

_securechat_connect() {
    repeating_flags=()
    non_repeating_flags=(--listen --history --json --quiet -q --version -h --help)
    repeating_options=(--send)
    non_repeating_options=(--room --code --server -i --identity --name --send-file --count --note --timeout --tls-fingerprint)
    __securechat_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--room')
        return
        ;;
    '--code')
        return
        ;;
    '--server')
        return
        ;;
    '-i'|'--identity')
        __securechat_add_completions -f
        return
        ;;
    '--name')
        return
        ;;
    '--send')
        return
        ;;
    '--send-file')
        __securechat_add_completions -f
        return
        ;;
    '--count')
        return
        ;;
    '--note')
        return
        ;;
    '--timeout')
        return
        ;;
    '--tls-fingerprint')
        return
        ;;
    esac
}

_securechat_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __securechat_offer_flags_options -1
}

complete -o filenames -F _securechat securechat
