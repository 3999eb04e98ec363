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
            __securechat_parse_subcommand 0 'o/output=' 'y=' 'fernet' 'pq' 'p/passphrase' 'passphrase-fd=' 'work-factor=' 'json' 'version' 'h/help'
        case 'room'
            __securechat_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'create'
                __securechat_parse_subcommand 1 'policy=' 'ttl=' 'max-members=' 'server=' 'name=' 'i/identity=' 'o/output=' 'tls-fingerprint=' 'json' 'version' 'h/help'
            case 'list'
                __securechat_parse_subcommand 0 'json' 'version' 'h/help'
            case 'show'
                __securechat_parse_subcommand 1 'show-key' 'json' 'version' 'h/help'
            case 'delete'
                __securechat_parse_subcommand 1 'version' 'h/help'
            end
        case 'invite-qr'
            __securechat_parse_subcommand 1 'room=' 'o/output=' 't/type=' 'l/level=' 's/size=' 'm/margin=' 'foreground=' 'background=' 'inverted' 'raw' 'version' 'h/help'
        case 'encrypt'
            __securechat_parse_subcommand 1 'k/key-file=' 'key-fd=' 'room=' 'invite=' 'r=+' 'R=+' 'i=+' 'p/passphrase' 'passphrase-fd=' 'work-factor=' 'a/armor' 'o/output=' 'q/quiet' 'version' 'h/help'
        case 'decrypt'
            __securechat_parse_subcommand 1 'k/key-file=' 'key-fd=' 'room=' 'invite=' 'i=+' 'passphrase-fd=' 'max-work-factor=' 'ttl=' 'o/output=' 'q/quiet' 'version' 'h/help'
        case 'inspect'
            __securechat_parse_subcommand 1 'json' 'web=' 'tls-fingerprint=' 'version' 'h/help'
        case 'serve'
            __securechat_parse_subcommand 0 'host=' 'port=' 'db=' 'db-password-file=' 'tls-cert=' 'tls-key=' 'tls-self-signed' 'public-url=+' 'trusted-proxy=+' 'forwarded-header=' 'metrics-allow=+' 'max-frame=' 'max-members=' 'rate=' 'burst=' 'rooms-per-address=' 'connections-per-address=' 'knocks-per-minute=' 'code-attempts=' 'code-interval=' 'knock-timeout=' 'default-ttl=' 'max-ttl=' 'history-messages=' 'history-bytes=' 'exports-per-minute=' 'log-level=' 'log-format=' 'room=' 'json' 'version' 'h/help'
        case 'connect'
            __securechat_parse_subcommand 1 'room=' 'code=' 'server=' 'i/identity=' 'name=' 'send=+' 'send-file=' 'listen' 'history' 'count=' 'note=' 'timeout=' 'tls-fingerprint=' 'json' 'q/quiet' 'version' 'h/help'
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
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat" -eq 1' -fa 'keygen' -d 'Make an identity (age X25519 key pair), a post-quantum file key or a room key.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat" -eq 1' -fa 'room' -d 'Create, list, show and delete rooms (room files hold the room keys).'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat" -eq 1' -fa 'invite-qr' -d 'Draw an invite link as a QR code: PNG, SVG or terminal text.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat" -eq 1' -fa 'encrypt' -d 'Encrypt a message or file to a room key, to age recipients, or with a passphrase.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat" -eq 1' -fa 'decrypt' -d 'Decrypt Fernet tokens or an age file; the kind of input is detected.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat" -eq 1' -fa 'inspect' -d 'Say what an input is without decrypting it.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat" -eq 1' -fa 'serve' -d 'Run a relay that stores and forwards ciphertext for end-to-end encrypted rooms.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat" -eq 1' -fa 'connect' -d 'Chat in a room: interactively on a terminal, or scripted.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat keygen" o output' -l 'output' -s 'o' -d 'Write the identity (or key) to FILE; \'-\' for standard output.' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat keygen" y' -s 'y' -d 'Print the public identity of the identity file FILE (\'-\' for stdin).' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat keygen" fernet' -l 'fernet' -d 'Make a room (Fernet) key instead of an identity.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat keygen" pq' -l 'pq' -d 'Make a hybrid post-quantum age identity (ML-KEM-768 + X25519, recipient age1pq1…) for files.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat keygen" p passphrase' -l 'passphrase' -s 'p' -d 'Encrypt the identity file with a passphrase (scrypt), as \'age -p\' would.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat keygen" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N instead of the terminal.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat keygen" work-factor' -l 'work-factor' -d 'scrypt work factor (log2 of N) for --passphrase.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat keygen" json' -l 'json' -d 'Print a JSON object (recipient, signing key, fingerprint, file) instead of text.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat keygen" version' -l 'version' -d 'Show the version.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat keygen" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat room" version' -l 'version' -d 'Show the version.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat room" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat room" -eq 1' -fa 'create' -d 'Make a room and print its invite link.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat room" -eq 1' -fa 'list' -d 'List your rooms: id, policy, expiry and name.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat room" -eq 1' -fa 'show' -d 'Show a room; its key only with --show-key.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat room" -eq 1' -fa 'delete' -d 'Delete a room\'s file (and with it your copy of the keys).'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat room create" policy' -l 'policy' -d 'Who may join: open (the link carries the key) or approval (members let joiners in).' -rfka 'open approval'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat room create" ttl' -l 'ttl' -d 'How long the room lives (e.g. 90m, 2h, 7d).' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat room create" max-members' -l 'max-members' -d 'The most members the room admits.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat room create" server' -l 'server' -d 'Register the room on this relay and put its address in the link.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat room create" name' -l 'name' -d 'With --server: the name members see for you, the owner, signed (default: $SECURECHAT_NAME or your login name).' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat room create" i identity' -s 'i' -l 'identity' -d 'The owner\'s identity file for --server (default: $SECURECHAT_IDENTITY or ~/.config/securechat/identity.txt).' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat room create" o output' -l 'output' -s 'o' -d 'Write the room file to FILE instead of the rooms directory (never over an existing file).' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat room create" tls-fingerprint' -l 'tls-fingerprint' -d 'For an https relay: trust exactly the certificate with this SHA-256 fingerprint (as serve --tls-self-signed prints it), instead of one this machine\'s certificate authorities vouch for.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat room create" json' -l 'json' -d 'Print a JSON object instead of the link.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat room create" version' -l 'version' -d 'Show the version.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat room create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat room list" json' -l 'json' -d 'Print one JSON object per room, one per line.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat room list" version' -l 'version' -d 'Show the version.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat room list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat room show" -eq 1' -fka '(__securechat_custom_completion ---completion room show -- positional@0 (count (__securechat_tokens -pc)) (__securechat_tokens -tC))'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat room show" show-key' -l 'show-key' -d 'Also print the room keys and an open room\'s invite link.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat room show" json' -l 'json' -d 'Print a JSON object.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat room show" version' -l 'version' -d 'Show the version.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat room show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat room delete" -eq 1' -fka '(__securechat_custom_completion ---completion room delete -- positional@0 (count (__securechat_tokens -pc)) (__securechat_tokens -tC))'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat room delete" version' -l 'version' -d 'Show the version.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat room delete" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat invite-qr" room' -l 'room' -d 'Draw the invite of room ID or room FILE.' -rfka '(__securechat_custom_completion ---completion invite-qr -- --room (count (__securechat_tokens -pc)) (__securechat_tokens -tC))'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat invite-qr" o output' -l 'output' -s 'o' -d 'Write to FILE (\'-\' for standard output).' -rfa '(set -l exts \'png\' \'svg\' \'txt\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat invite-qr" t type' -s 't' -l 'type' -d 'png, svg, utf8, ansi or ascii.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat invite-qr" l level' -s 'l' -l 'level' -d 'Error correction: L (7%), M (15%), Q (25%) or H (30%).' -rfka 'L M Q H'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat invite-qr" s size' -s 's' -l 'size' -d 'Pixels per module (PNG, SVG).' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat invite-qr" m margin' -s 'm' -l 'margin' -d 'Quiet zone width in modules.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat invite-qr" foreground' -l 'foreground' -d 'Colour of dark modules (PNG, SVG).' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat invite-qr" background' -l 'background' -d 'Colour of light modules (PNG, SVG).' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat invite-qr" inverted' -l 'inverted' -d 'Text formats: ink on the dark modules, for dark-on-light terminals.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat invite-qr" raw' -l 'raw' -d 'Encode any text, not only a valid invite link.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat invite-qr" version' -l 'version' -d 'Show the version.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat invite-qr" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt" k key-file' -s 'k' -l 'key-file' -d 'Read the room key(s) from FILE, one per line, newest first.' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt" key-fd' -l 'key-fd' -d 'Read the room key(s) from file descriptor N (e.g. 3 with \'3<room.key\').' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt" room' -l 'room' -d 'Use the key(s) of room ID (see \'securechat room list\') or of a room FILE.' -rfka '(__securechat_custom_completion ---completion encrypt -- --room (count (__securechat_tokens -pc)) (__securechat_tokens -tC))'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt" invite' -l 'invite' -d 'Use the key in an open room\'s invite LINK (other users can see arguments: prefer --room).' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt"' -s 'r' -d 'Encrypt to the age recipient RECIPIENT (age1… or age1pq1…); repeatable.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt"' -s 'R' -d 'Encrypt to the recipients listed in FILE, one per line (\'-\' for stdin); repeatable.' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt"' -s 'i' -d 'Encrypt to the public key of the identity file FILE (yourself); repeatable.' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt" p passphrase' -l 'passphrase' -s 'p' -d 'Encrypt with a passphrase (age scrypt recipient).'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N instead of the terminal.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt" work-factor' -l 'work-factor' -d 'scrypt work factor (log2 of N) for -p.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt" a armor' -l 'armor' -s 'a' -d 'Write age output as PEM-style ASCII armor.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt" o output' -l 'output' -s 'o' -d 'Write to FILE instead of standard output (\'-\' for stdout).' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat encrypt" -eq 1' -F
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt" q quiet' -l 'quiet' -s 'q' -d 'Show no progress on standard error (shown only there, for long work, on a terminal).'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt" version' -l 'version' -d 'Show the version.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat encrypt" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat decrypt" k key-file' -s 'k' -l 'key-file' -d 'Read the room key(s) from FILE, one per line, newest first.' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat decrypt" key-fd' -l 'key-fd' -d 'Read the room key(s) from file descriptor N (e.g. 3 with \'3<room.key\').' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat decrypt" room' -l 'room' -d 'Use the key(s) of room ID (see \'securechat room list\') or of a room FILE.' -rfka '(__securechat_custom_completion ---completion decrypt -- --room (count (__securechat_tokens -pc)) (__securechat_tokens -tC))'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat decrypt" invite' -l 'invite' -d 'Use the key in an open room\'s invite LINK (other users can see arguments: prefer --room).' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat decrypt"' -s 'i' -d 'Decrypt age files with the identity file FILE; repeatable.' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat decrypt" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N instead of the terminal.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat decrypt" max-work-factor' -l 'max-work-factor' -d 'Refuse passphrase files whose scrypt work factor is above N.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat decrypt" ttl' -l 'ttl' -d 'Refuse Fernet tokens older than DURATION (e.g. 90, 90s, 15m, 2h, 7d).' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat decrypt" o output' -l 'output' -s 'o' -d 'Write to FILE instead of standard output (\'-\' for stdout).' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat decrypt" -eq 1' -F
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat decrypt" q quiet' -l 'quiet' -s 'q' -d 'Show no progress on standard error (shown only there, for long work, on a terminal).'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat decrypt" version' -l 'version' -d 'Show the version.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat decrypt" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat inspect" json' -l 'json' -d 'Print one JSON object per item instead of text.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat inspect" web' -l 'web' -d 'Check the browser client a relay serves against this program\'s copy.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat inspect" tls-fingerprint' -l 'tls-fingerprint' -d 'With --web https://…: accept exactly the certificate with this SHA-256 fingerprint (as serve --tls-self-signed prints it).' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_positional "securechat inspect" -eq 1' -F
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat inspect" version' -l 'version' -d 'Show the version.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat inspect" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" host' -l 'host' -d 'Listen on this address.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" port' -l 'port' -d 'Listen on this port; 0 picks a free one (printed at start).' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" db' -l 'db' -d 'Keep state in this SQLite file (default: $XDG_DATA_HOME/securechat/relay.sqlite), or in the PostgreSQL database postgres://USER@HOST[:PORT]/DATABASE[?sslmode=verify-full] (no password in the URL).' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" db-password-file' -l 'db-password-file' -d 'Read the PostgreSQL password from the first line of this file (default: the PGPASSWORD environment variable).' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" tls-cert' -l 'tls-cert' -d 'Serve https and wss with this PEM certificate chain.' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" tls-key' -l 'tls-key' -d 'The PEM private key of --tls-cert.' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" tls-self-signed' -l 'tls-self-signed' -d 'Serve https and wss with a new self-signed certificate for the addresses the relay listens on, and print its SHA-256 fingerprint to compare with the browser\'s warning (browsers offer the web client\'s cryptography only over https, or on this machine).'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve"' -l 'public-url' -d 'An address clients use to reach this relay (e.g. https://relay.example.org); repeat for several. Sign-ins must name one of them; without it, they must name the Host of their own request.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve"' -l 'trusted-proxy' -d 'A proxy (address or CIDR network, e.g. 127.0.0.1 or 10.0.0.0/8) whose --forwarded-header names the client that per-address limits count; repeat for several. Off by default: every connection is its own client.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" forwarded-header' -l 'forwarded-header' -d 'The header trusted proxies name the client in: x-forwarded-for or forwarded.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve"' -l 'metrics-allow' -d 'Clients (address or CIDR network) that may read GET /metrics; repeat for several (default: this machine, 127.0.0.0/8 and ::1).' -rfka ''
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
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" history-messages' -l 'history-messages' -d 'Messages one room\'s history may hold; a send beyond them is refused with history_full.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" history-bytes' -l 'history-bytes' -d 'Ciphertext bytes one room\'s history may hold; a send beyond them is refused with history_full.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" exports-per-minute' -l 'exports-per-minute' -d 'Log exports (GET /api/rooms/ID/log) one client address, or one key, may make per minute.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" log-level' -l 'log-level' -d 'Log on standard error from this level: trace, debug, info, notice, warning, error, critical.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" log-format' -l 'log-format' -d 'Write log lines as text or json (json: one object per line, for log collectors).' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" room' -l 'room' -d 'Once listening, make an open room with this name, owned by your identity (as \'room create --server\' does), and print its invite link; on a terminal also as a QR code for a phone to scan.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" json' -l 'json' -d 'Print the address as one JSON object instead of text.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" version' -l 'version' -d 'Show the version.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat serve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat connect" room' -l 'room' -d 'Join room ID (see \'securechat room list\') or the room FILE.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat connect" code' -l 'code' -d 'Knock on an approval room with its current 6-digit join code (needs --server).' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat connect" server' -l 'server' -d 'The relay\'s address for --code (http(s)://HOST:PORT).' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat connect" i identity' -s 'i' -l 'identity' -d 'The identity file (default: $SECURECHAT_IDENTITY or ~/.config/securechat/identity.txt).' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat connect" name' -l 'name' -d 'The name others see; a new one replaces the room\'s name for you, signed (default: the room\'s, else $SECURECHAT_NAME or your login name).' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat connect"' -l 'send' -d 'Send TEXT, wait for the relay\'s acknowledgement, exit (repeatable).' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat connect" send-file' -l 'send-file' -d 'Send the text in FILE (\'-\' for standard input) as one message, then exit.' -rF
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat connect" listen' -l 'listen' -d 'Print messages as they arrive, until interrupted or --count.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat connect" history' -l 'history' -d 'Print the room\'s history and exit.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat connect" count' -l 'count' -d 'With --listen, exit after N messages; with --history, print the last N.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat connect" note' -l 'note' -d 'Said to the members with a knock.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat connect" timeout' -l 'timeout' -d 'Give up after this long without a connection to the relay (default: 60s for --send and --history, never otherwise).' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat connect" tls-fingerprint' -l 'tls-fingerprint' -d 'For an https relay: trust exactly the certificate with this SHA-256 fingerprint (as serve --tls-self-signed prints it), instead of one this machine\'s certificate authorities vouch for.' -rfka ''
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat connect" json' -l 'json' -d 'One JSON object per line instead of text.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat connect" q quiet' -l 'quiet' -s 'q' -d 'Show no progress on standard error (a long history replay, a message waiting for the relay).'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat connect" version' -l 'version' -d 'Show the version.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat connect" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'securechat' -n '__securechat_should_offer_completions_for_flags_or_options "securechat help" version' -l 'version' -d 'Show the version.'
