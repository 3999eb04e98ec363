import ArgumentParser
import SecureChatCore

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Make an identity (age X25519 key pair), a post-quantum file key or a room key.",
        discussion: """
            Writes an age identity file (mode 0600, never overwritten) and prints its recipient \
            (age1…) on standard output and its fingerprint on standard error. Without -o, it \
            makes your default identity ($SECURECHAT_IDENTITY, else \
            $XDG_CONFIG_HOME/securechat/identity.txt), creating its directories (mode 0700), \
            which every other command uses when no -i is given; if that file exists it refuses \
            and says where it is. Missing directories of -o FILE are created too. -o - prints \
            the identity on standard output instead. The file opens with 'age -d -i'.

            With --pq the key is a hybrid post-quantum age identity (ML-KEM-768 + X25519, \
            recipient age1pq1…) for encrypting files: it is not a chat identity, so it has no \
            fingerprint and never goes to the default location; without -o it is printed on \
            standard output.

            With --fernet, the room key goes to -o FILE, or to standard output without -o.
            """)

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the identity (or key) to FILE; '-' for standard output.", valueName: "file"),
            completion: .file())
    var output: String?

    @Option(name: .customShort("y"), help: ArgumentHelp("Print the public identity of the identity file FILE ('-' for stdin).", valueName: "file"),
            completion: .file())
    var publicOf: String?

    @Flag(help: "Make a room (Fernet) key instead of an identity.")
    var fernet = false

    @Flag(name: .customLong("pq"), help: "Make a hybrid post-quantum age identity (ML-KEM-768 + X25519, recipient age1pq1…) for files.")
    var postQuantum = false

    @Flag(name: .shortAndLong, help: "Encrypt the identity file with a passphrase (scrypt), as 'age -p' would.")
    var passphrase = false

    @Option(name: .customLong("passphrase-fd"), help: ArgumentHelp(
        "Read the passphrase from file descriptor N instead of the terminal.", valueName: "n"))
    var passphraseFD: Int32?

    @Option(name: .customLong("work-factor"), help: ArgumentHelp("scrypt work factor (log2 of N) for --passphrase.", valueName: "n"))
    var workFactor: Int = Age.defaultWorkFactor

    @Flag(help: "Print a JSON object (recipient, signing key, fingerprint, file) instead of text.")
    var json = false

    func validate() throws {
        if publicOf != nil, fernet || postQuantum || output != nil {
            throw ValidationError("-y reads an existing identity; it cannot be combined with --fernet, --pq or -o")
        }
        if postQuantum, fernet { throw ValidationError("choose one of --pq (a post-quantum identity) and --fernet (a room key)") }
        if postQuantum, output == nil, Terminal.stdoutIsTerminal {
            throw ValidationError("--pq makes a key for files, not a chat identity, so it does not go to the default location: add -o FILE")
        }
        if passphrase, fernet { throw ValidationError("--passphrase protects identities; room keys are kept in 0600 files") }
        // Identities are read with the default decryption limit, so a higher factor would lock it away.
        if !(1...Age.defaultMaxWorkFactor).contains(workFactor) {
            throw ValidationError("--work-factor must be between 1 and \(Age.defaultMaxWorkFactor) for identity files")
        }
        if passphrase, output == "-", Terminal.stdoutIsTerminal {
            throw ValidationError("refusing to write an encrypted identity to the terminal: use -o FILE")
        }
        if json, output == "-" {
            throw ValidationError("--json needs the key written to a file: add -o FILE")
        }
    }

    func run() throws {
        if let publicOf {
            return try printPublic(of: publicOf)
        }
        if fernet {
            return try makeFernetKey()
        }
        if postQuantum {
            return try makePostQuantumIdentity()
        }
        let identity = Identity.generate()
        let target = output ?? Paths.defaultIdentity
        if target != "-" {
            if output == nil, Paths.exists(target) {
                throw Failure("you have an identity already: \(target)",
                              hint: "'securechat keygen -y \(Paths.shellWord(target))' prints its public key; -o FILE makes another one elsewhere")
            }
            if let slash = target.lastIndex(of: "/"), slash != target.startIndex {
                try Paths.makeDirectory(String(target[..<slash]))
            }
        }
        try write(IdentityFile.render(identity, created: Clock.rfc3339(Clock.now)), to: target)
        try report(identity, file: target == "-" ? nil : target, toStdout: target != "-")
    }

    private func makePostQuantumIdentity() throws {
        let identity = AgeIdentity.generateHybrid()
        let target = output ?? "-"
        if target == "-", !passphrase, Terminal.stdoutIsTerminal {
            Diagnostics.warning("printing a secret key to the terminal; use -o FILE to keep it out of the scrollback")
        }
        try write(AgeIdentityFile.render(identity, created: Clock.rfc3339(Clock.now)), to: target)
        try reportPostQuantum(identity.recipient, file: target == "-" ? nil : target, toStdout: target != "-")
    }

    /// Writes an identity file's text (mode 0600, never overwriting), passphrase-encrypted with -p.
    private func write(_ identityFile: String, to target: String) throws {
        let out = try OutputFile(path: target, mode: 0o600, overwrite: false)
        let text = Array(identityFile.utf8)
        if passphrase {
            let secret = try PassphraseSource(fd: passphraseFD).readNew(for: target == "-" ? "the new identity" : target)
            try withOutput(out) { try Age.encrypt(passphrase: secret, workFactor: workFactor, armor: false, from: MemoryReader(text), to: $0) }
        } else {
            try withOutput(out) { try $0.write(text) }
        }
    }

    private func report(_ identity: Identity, file: String?, toStdout: Bool) throws {
        let pub = identity.publicIdentity
        let recipient = IdentityFile.recipient(of: identity)
        if json {
            try Stdout.json(PublicIdentityJSON(recipient: recipient, signing_key: pub.signingKeyText,
                                               fingerprint: pub.fingerprint, file: file))
        } else if toStdout {
            try Stdout.line(recipient)
            Terminal.writeError((file.map { "Wrote \($0)\n" } ?? "") + "Fingerprint: \(pub.fingerprint)\n")
        } else {
            Terminal.writeError("Public key: \(recipient)\nFingerprint: \(pub.fingerprint)\n")
        }
    }

    /// A post-quantum identity has a recipient only: it signs nothing, so it has no fingerprint.
    private func reportPostQuantum(_ recipient: AgeRecipient, file: String?, toStdout: Bool) throws {
        if json {
            try Stdout.json(PublicIdentityJSON(recipient: recipient.description, signing_key: nil, fingerprint: nil, file: file))
        } else if toStdout {
            try Stdout.line(recipient.description)
            if let file { Terminal.writeError("Wrote \(file)\n") }
        } else {
            Terminal.writeError("Public key: \(recipient)\n")
        }
    }

    /// The first key of the file decides: a chat identity (X25519) or a post-quantum one.
    private func printPublic(of path: String) throws {
        let text = try IdentitySource.readText(path, passphrase: PassphraseSource(fd: passphraseFD))
        let name = path == "-" ? "standard input" : path
        // A file that does not parse gets its error from the chat identity's parser, as before.
        if let first = (try? AgeIdentityFile.parse(text))?.first, first.isPostQuantum {
            return try reportPostQuantum(first.recipient, file: nil, toStdout: true)
        }
        try report(try Failure.context(name) { try IdentityFile.parse(text) }, file: nil, toStdout: true)
    }

    private func makeFernetKey() throws {
        let key = FernetKey.generate()
        let target = output ?? "-"
        let out = try OutputFile(path: target, mode: 0o600, overwrite: false)
        if out.isTerminal {
            Diagnostics.warning("printing a secret key to the terminal; use -o FILE to keep it out of the scrollback")
        }
        try withOutput(out) { try $0.write(Array((key.encoded + "\n").utf8)) }
        if json { try Stdout.json(["file": target]) }
    }
}

/// `keygen --json` and `keygen -y --json`. A post-quantum identity has no signing key and no
/// fingerprint: both are null.
struct PublicIdentityJSON: Encodable {
    let recipient: String
    let signing_key: String?
    let fingerprint: String?
    /// The identity file written, or null when it went to standard output or was only read.
    let file: String?

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(recipient, forKey: .recipient)
        try c.encode(signing_key, forKey: .signing_key)
        try c.encode(fingerprint, forKey: .fingerprint)
        try c.encode(file, forKey: .file)
    }

    enum CodingKeys: String, CodingKey { case recipient, signing_key, fingerprint, file }
}
