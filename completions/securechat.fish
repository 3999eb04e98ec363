function __securechat_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __securechat_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __securechat_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __securechat_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __securechat_parse_tokens -S
    set -l unparsed_tokens (__securechat_tokens -pc)
    switch $unparsed_tokens[1]
    case 'securechat'
        __securechat_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'encrypt'
            __securechat_parse_subcommand 1 'k/key-file=' 'key-fd=' 'o/output=' 'version' 'h/help'
        case 'decrypt'
            __securechat_parse_subcommand 1 'k/key-file=' 'key-fd=' 'ttl=' 'o/output=' 'version' 'h/help'
        case 'serve'
            __securechat_parse_subcommand 0 'host=' 'port=' 'db=' 'tls-cert=' 'tls-key=' 'max-frame=' 'max-members=' 'rate=' 'burst=' 'rooms-per-address=' 'connections-per-address=' 'knocks-per-minute=' 'code-attempts=' 'code-interval=' 'knock-timeout=' 'default-ttl=' 'max-ttl=' 'log-level=' 'json' 'version' 'h/help'
        case 'help'
            __securechat_parse_subcommand -r 1 'version'
        end
    end
end

function __securechat_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __securechat_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __securechat_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __securechat_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__securechat_tokens -p)
    if test -z "$(__securechat_tokens -t)"
        set -l index (count (__securechat_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'securechat' -f
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat" version' -l 'version' -d 'Show the version.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat" -eq 1' -fa 'encrypt' -d 'Encrypt a message or file with a room key (Fernet token).'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat" -eq 1' -fa 'decrypt' -d 'Decrypt Fernet tokens with a room key.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat" -eq 1' -fa 'serve' -d 'Run a relay that stores and forwards ciphertext for end-to-end encrypted rooms.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt" k key-file' -s 'k' -l 'key-file' -d 'Read the room key(s) from FILE, one per line, newest first.' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt" key-fd' -l 'key-fd' -d 'Read the room key(s) from file descriptor N (e.g. 3 with \'3<room.key\').' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt" o output' -l 'output' -s 'o' -d 'Write to FILE instead of standard output (\'-\' for stdout).' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat encrypt" -eq 1' -F
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt" version' -l 'version' -d 'Show the version.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat decrypt" k key-file' -s 'k' -l 'key-file' -d 'Read the room key(s) from FILE, one per line, newest first.' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat decrypt" key-fd' -l 'key-fd' -d 'Read the room key(s) from file descriptor N (e.g. 3 with \'3<room.key\').' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat decrypt" ttl' -l 'ttl' -d 'Refuse tokens older than DURATION (e.g. 90, 90s, 15m, 2h, 7d).' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat decrypt" o output' -l 'output' -s 'o' -d 'Write to FILE instead of standard output (\'-\' for stdout).' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat decrypt" -eq 1' -F
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat decrypt" version' -l 'version' -d 'Show the version.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat decrypt" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" host' -l 'host' -d 'Listen on this address.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" port' -l 'port' -d 'Listen on this port; 0 picks a free one (printed at start).' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" db' -l 'db' -d 'Keep state in FILE (default: $XDG_DATA_HOME/securechat/relay.sqlite).' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" tls-cert' -l 'tls-cert' -d 'Serve https and wss with this PEM certificate chain.' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" tls-key' -l 'tls-key' -d 'The PEM private key of --tls-cert.' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" max-frame' -l 'max-frame' -d 'Largest frame in bytes.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" max-members' -l 'max-members' -d 'Most members a room may have.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" rate' -l 'rate' -d 'Frames per second each connection may send, on average.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" burst' -l 'burst' -d 'Frames a connection may send at once, above --rate.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" rooms-per-address' -l 'rooms-per-address' -d 'Live rooms one client address may create.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" connections-per-address' -l 'connections-per-address' -d 'Connections one client address may hold open.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" knocks-per-minute' -l 'knocks-per-minute' -d 'Knocks one client address may make per minute.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" code-attempts' -l 'code-attempts' -d 'Wrong join codes one client address may try per 5 minutes.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" code-interval' -l 'code-interval' -d 'How often join codes change (e.g. 300, 5m).' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" knock-timeout' -l 'knock-timeout' -d 'How long a knock waits for an answer.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" default-ttl' -l 'default-ttl' -d 'Lifetime of a room that asks for none.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" max-ttl' -l 'max-ttl' -d 'Longest lifetime a room may ask for.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" log-level' -l 'log-level' -d 'Log on standard error from this level: trace, debug, info, notice, warning, error, critical.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" json' -l 'json' -d 'Print the address as one JSON object instead of text.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" version' -l 'version' -d 'Show the version.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat help" version' -l 'version' -d 'Show the version.'
