import SecureChatCore

/// Passphrases: from `--passphrase-fd N`, else `SECURECHAT_PASSPHRASE`, else the terminal
/// (asked without echo). A script with none of these gets an error, never a prompt that hangs.
struct PassphraseSource {
    var fd: Int32?

    /// The passphrase for decrypting; `what` names the file in the prompt.
    func read(for what: String) throws -> [UInt8] {
        if let fd {
            guard let bytes = try FDReader(fd: fd).readAll(limit: 64 * 1024) else {
                throw Failure("the passphrase on file descriptor \(fd) is longer than 64 KiB", status: .usage)
            }
            // The first line is the passphrase (a trailing newline from echo or a file is not part of it).
            return TextLines.first(bytes)
        }
        if let env = Paths.env("SECURECHAT_PASSPHRASE") { return Array(env.utf8) }
        guard let typed = Terminal.readSecret(prompt: "Passphrase for \(what): ") else {
            throw Failure("\(what) is protected by a passphrase and there is no terminal to ask for it",
                          hint: "pass it with --passphrase-fd N or SECURECHAT_PASSPHRASE", status: .usage)
        }
        return typed
    }

    /// A new passphrase for encrypting: asked twice on a terminal; never empty.
    func readNew(for what: String) throws -> [UInt8] {
        if fd != nil || Paths.env("SECURECHAT_PASSPHRASE") != nil {
            let p = try read(for: what)
            guard !p.isEmpty else { throw Failure("the passphrase is empty", status: .usage) }
            return p
        }
        guard let first = Terminal.readSecret(prompt: "Enter passphrase for \(what): ") else {
            throw Failure("no terminal to ask for a passphrase", hint: "pass it with --passphrase-fd N or SECURECHAT_PASSPHRASE", status: .usage)
        }
        guard !first.isEmpty else { throw Failure("the passphrase is empty", status: .usage) }
        guard let second = Terminal.readSecret(prompt: "Confirm passphrase: "), second == first else {
            throw Failure("the passphrases do not match", status: .usage)
        }
        return first
    }
}

/// Reads identity files, decrypting passphrase-protected ones (made by `keygen --passphrase`).
enum IdentitySource {
    /// - Parameter opening: the identity is to open existing files, which a new identity never
    ///   could: a missing file is then a wrong path, and the hint does not suggest making one.
    static func readText(_ path: String, passphrase: PassphraseSource = PassphraseSource(), opening: Bool = false) throws -> String {
        if path != "-" {
            guard Paths.exists(path) else {
                if opening {
                    throw Failure("identity file \(path) does not exist",
                                  hint: "check the path: only the identity a file was encrypted to opens it")
                }
                throw Failure("identity file \(path) does not exist", hint: path == Paths.defaultIdentity
                                ? "make one with 'securechat keygen'" : "make one with 'securechat keygen -o \(Paths.shellWord(path))'")
            }
            FileChecks.warnIfExposed(path, what: "identity file")
        }
        guard let bytes = try InputFile(path: path).readAll(limit: 1 << 20) else {
            throw Failure("identity file \(path) is larger than 1 MiB", status: .malformed)
        }
        guard AgeIdentityFile.isEncrypted(bytes) else { return String(decoding: bytes, as: UTF8.self) }
        let name = path == "-" ? "the identity on standard input" : path
        let out = MemoryWriter()
        try Failure.context("identity file \(name)") {
            try Age.decrypt(identities: [], passphrase: { try passphrase.read(for: name) }, from: MemoryReader(bytes), to: out)
        }
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// Every identity in the files given with -i, or in the default identity when none is given
    /// (an absent default is no error: a passphrase-encrypted file needs no identity).
    /// `opening`: for decrypting (see `readText`).
    static func ageIdentities(_ paths: [String], passphrase: PassphraseSource, opening: Bool = false) throws -> [AgeIdentity] {
        if paths.isEmpty, !Paths.exists(Paths.defaultIdentity) { return [] }
        var all = [AgeIdentity]()
        for path in paths.isEmpty ? [Paths.defaultIdentity] : paths {
            let text = try readText(path, passphrase: passphrase, opening: opening)
            all += try Failure.context(path == "-" ? "standard input" : path) {
                do {
                    return try AgeIdentityFile.parse(text)
                } catch AgeError.noIdentities {
                    throw AgeError.invalidIdentity("the file holds no AGE-SECRET-KEY-1 line")
                }
            }
        }
        return all
    }

    /// The securechat identity in one file (the first key in it).
    static func identity(_ path: String, passphrase: PassphraseSource = PassphraseSource()) throws -> Identity {
        let text = try readText(path, passphrase: passphrase)
        return try Failure.context(path == "-" ? "standard input" : path) { try IdentityFile.parse(text) }
    }
}

extension Failure {
    /// Runs `body`; a typed error from a core module becomes a failure that names `what` first.
    static func context<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let f as Failure {
            throw f
        } catch {
            guard let f = Failure(error) else { throw error }
            throw what.isEmpty ? f : f.prefixed(what)
        }
    }

    /// The same failure with the file it concerns named first.
    func prefixed(_ context: String) -> Failure {
        var f = self
        f.message = "\(context): \(message)"
        return f
    }
}
