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
        case 'keygen'
            __securechat_parse_subcommand 0 'o/output=' 'y=' 'fernet' 'p/passphrase' 'passphrase-fd=' 'work-factor=' 'json' 'version' 'h/help'
        case 'encrypt'
            __securechat_parse_subcommand 1 'k/key-file=' 'key-fd=' 'r=+' 'R=+' 'i=+' 'p/passphrase' 'passphrase-fd=' 'work-factor=' 'a/armor' 'o/output=' 'version' 'h/help'
        case 'decrypt'
            __securechat_parse_subcommand 1 'k/key-file=' 'key-fd=' 'i=+' 'passphrase-fd=' 'max-work-factor=' 'ttl=' 'o/output=' 'version' 'h/help'
        case 'inspect'
            __securechat_parse_subcommand 1 'json' 'version' 'h/help'
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
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat" -eq 1' -fa 'keygen' -d 'Make an identity (age X25519 key pair) or a room key.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat" -eq 1' -fa 'encrypt' -d 'Encrypt a message or file to a room key, to age recipients, or with a passphrase.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat" -eq 1' -fa 'decrypt' -d 'Decrypt Fernet tokens or an age file; the kind of input is detected.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat" -eq 1' -fa 'inspect' -d 'Say what an input is without decrypting it.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat keygen" o output' -l 'output' -s 'o' -d 'Write the identity (or key) to FILE; \'-\' for standard output.' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat keygen" y' -s 'y' -d 'Print the public identity of the identity file FILE (\'-\' for stdin).' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat keygen" fernet' -l 'fernet' -d 'Make a room (Fernet) key instead of an identity.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat keygen" p passphrase' -l 'passphrase' -s 'p' -d 'Encrypt the identity file with a passphrase (scrypt), as \'age -p\' would.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat keygen" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N instead of the terminal.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat keygen" work-factor' -l 'work-factor' -d 'scrypt work factor (log2 of N) for --passphrase.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat keygen" json' -l 'json' -d 'Print a JSON object (recipient, signing key, fingerprint, file) instead of text.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat keygen" version' -l 'version' -d 'Show the version.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat keygen" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt" k key-file' -s 'k' -l 'key-file' -d 'Read the room key(s) from FILE, one per line, newest first.' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt" key-fd' -l 'key-fd' -d 'Read the room key(s) from file descriptor N (e.g. 3 with \'3<room.key\').' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt"' -s 'r' -d 'Encrypt to the age recipient RECIPIENT (age1…); repeatable.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt"' -s 'R' -d 'Encrypt to the recipients listed in FILE, one per line (\'-\' for stdin); repeatable.' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt"' -s 'i' -d 'Encrypt to the public key of the identity file FILE (yourself); repeatable.' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt" p passphrase' -l 'passphrase' -s 'p' -d 'Encrypt with a passphrase (age scrypt recipient).'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N instead of the terminal.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt" work-factor' -l 'work-factor' -d 'scrypt work factor (log2 of N) for -p.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt" a armor' -l 'armor' -s 'a' -d 'Write age output as PEM-style ASCII armor.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt" o output' -l 'output' -s 'o' -d 'Write to FILE instead of standard output (\'-\' for stdout).' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat encrypt" -eq 1' -F
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt" version' -l 'version' -d 'Show the version.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat decrypt" k key-file' -s 'k' -l 'key-file' -d 'Read the room key(s) from FILE, one per line, newest first.' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat decrypt" key-fd' -l 'key-fd' -d 'Read the room key(s) from file descriptor N (e.g. 3 with \'3<room.key\').' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat decrypt"' -s 'i' -d 'Decrypt age files with the identity file FILE; repeatable.' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat decrypt" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N instead of the terminal.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat decrypt" max-work-factor' -l 'max-work-factor' -d 'Refuse passphrase files whose scrypt work factor is above N.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat decrypt" ttl' -l 'ttl' -d 'Refuse Fernet tokens older than DURATION (e.g. 90, 90s, 15m, 2h, 7d).' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat decrypt" o output' -l 'output' -s 'o' -d 'Write to FILE instead of standard output (\'-\' for stdout).' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat decrypt" -eq 1' -F
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat decrypt" version' -l 'version' -d 'Show the version.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat decrypt" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat inspect" json' -l 'json' -d 'Print one JSON object per item instead of text.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat inspect" -eq 1' -F
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat inspect" version' -l 'version' -d 'Show the version.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat inspect" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat help" version' -l 'version' -d 'Show the version.'
