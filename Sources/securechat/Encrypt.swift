import ArgumentParser
import SecureChatCore

struct Encrypt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encrypt",
        abstract: "Encrypt a message or file to a room key, to age recipients, or with a passphrase.",
        discussion: """
            With a room key (-k, --key-fd, SECURECHAT_KEY) the output is one Fernet token on one line, \
            readable by Python's cryptography.fernet. With recipients (-r, -R, -i) or a passphrase (-p) \
            the output is an age v1 file that the age tool decrypts; binary output is refused on a \
            terminal (use --armor). Post-quantum recipients (age1pq1…, from 'keygen --pq') are not \
            mixed with X25519 ones (age1…) in one file, which would be only as safe as X25519. \
            Large inputs are encrypted as a stream with flat memory.
            """)

    @OptionGroup var key: KeyOptions

    @Option(name: .customShort("r"), help: ArgumentHelp("Encrypt to the age recipient RECIPIENT (age1… or age1pq1…); repeatable.", valueName: "recipient"))
    var recipients: [String] = []

    @Option(name: .customShort("R"), help: ArgumentHelp("Encrypt to the recipients listed in FILE, one per line ('-' for stdin); repeatable.", valueName: "file"),
            completion: .file())
    var recipientFiles: [String] = []

    @Option(name: .customShort("i"), help: ArgumentHelp("Encrypt to the public key of the identity file FILE (yourself); repeatable.", valueName: "file"),
            completion: .file())
    var identities: [String] = []

    @Flag(name: .shortAndLong, help: "Encrypt with a passphrase (age scrypt recipient).")
    var passphrase = false

    @Option(name: .customLong("passphrase-fd"), help: ArgumentHelp("Read the passphrase from file descriptor N instead of the terminal.", valueName: "n"))
    var passphraseFD: Int32?

    @Option(name: .customLong("work-factor"), help: ArgumentHelp("scrypt work factor (log2 of N) for -p.", valueName: "n"))
    var workFactor: Int = Age.defaultWorkFactor

    @Flag(name: .shortAndLong, help: "Write age output as PEM-style ASCII armor.")
    var armor = false

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to FILE instead of standard output ('-' for stdout).", valueName: "file"),
            completion: .file())
    var output: String?

    @Argument(help: ArgumentHelp("The file to encrypt ('-' or none for standard input).", valueName: "input"),
              completion: .file())
    var input: String?

    @Flag(name: .shortAndLong, help: "Show no progress on standard error (shown only there, for long work, on a terminal).")
    var quiet = false

    private var usesRecipients: Bool { !recipients.isEmpty || !recipientFiles.isEmpty || !identities.isEmpty }

    func validate() throws {
        if passphrase, usesRecipients {
            throw ValidationError("-p/--passphrase cannot be combined with -r, -R or -i: a passphrase file has exactly one recipient")
        }
        if (passphrase || usesRecipients), key.hasExplicitSource {
            throw ValidationError("choose one kind of encryption: a room key (-k/--key-fd/--room/--invite) or age (-r/-R/-i/-p)")
        }
        if armor, !(passphrase || usesRecipients) {
            throw ValidationError("--armor applies to age output (-r, -R, -i or -p); a Fernet token is already text")
        }
        if !(1...30).contains(workFactor) { throw ValidationError("--work-factor must be between 1 and 30") }
        try StdinUse.check(input: input, uses: [("-i -", identities.contains("-")), ("--key-fd 0", key.keyFD == 0),
                                                 ("--passphrase-fd 0", passphraseFD == 0), ("-R -", recipientFiles.contains("-"))])
    }

    func run() throws {
        let file = try InputFile(path: input)
        if file.isTerminal { Diagnostics.hint("reading the input from the terminal; end it with Ctrl-D") }
        let progress = file.isTerminal ? nil
            : Progress("encrypting \(TerminalText.sanitize(file.name))", total: Progress.size(of: file.fd), quiet: quiet)
        defer { progress?.finish() }
        let source = ProgressReader(file, progress: progress)
        if passphrase || usesRecipients {
            return try encryptAge(source)
        }
        guard let keys = try key.load() else {
            throw Failure("no key or recipient given",
                          hint: "pass -r age1…, -p, or a room key with --room ID, --key-file FILE, --key-fd N or SECURECHAT_KEY", status: .usage)
        }
        try withOutput(try OutputFile(path: output)) { out in
            var stream = FernetEncryptingStream(key: keys[0], now: Clock.now)
            try Pump.copy(from: source) { try stream.write($0, to: out) }
            try stream.finish(to: out)
            try out.write([0x0a])
        }
    }

    private func encryptAge(_ source: ByteReader) throws {
        let out = try OutputFile(path: output)
        if out.isTerminal, !armor {
            throw Failure("refusing to write binary age output to the terminal", hint: "did you mean --armor (-a)? or -o FILE")
        }
        if passphrase {
            let secret = try PassphraseSource(fd: passphraseFD).readNew(for: input ?? "standard input")
            return try withOutput(out) { try Age.encrypt(passphrase: secret, workFactor: workFactor, armor: armor, from: source, to: $0) }
        }
        // A post-quantum recipient is about 1960 characters: errors name its start only.
        var list = try recipients.map { r in
            try Failure.context("-r \(r.count > 100 ? String(r.prefix(32)) + "…" : r)") { try AgeRecipient(string: r) }
        }
        for file in recipientFiles {
            let text = file == "-" ? String(decoding: try InputFile(path: "-").readAll(limit: 1 << 20) ?? [], as: UTF8.self)
                                   : try FileChecks.readText(file)
            list += try Failure.context(file == "-" ? "standard input" : file) {
                do {
                    return try AgeRecipientsFile.parse(text)
                } catch AgeError.noRecipients {
                    throw AgeError.invalidRecipient("the recipients file lists no age1… recipient")
                }
            }
        }
        // Exactly the recipients given, as age does: the default identity is read to decrypt,
        // never added here (it would break a post-quantum-only file, or ask for its passphrase).
        if !identities.isEmpty {
            list += try IdentitySource.ageIdentities(identities, passphrase: PassphraseSource(fd: passphraseFD)).map(\.recipient)
        }
        try withOutput(out) { try Age.encrypt(to: list, armor: armor, from: source, to: $0) }
    }
}

/// Copies a reader to a consumer in 64 KiB pieces (one buffer, reused).
enum Pump {
    static func copy(from source: ByteReader, _ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { return }
            try buffer.withUnsafeBytes { try consume(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
    }
}
