/// An age identity file: `AGE-SECRET-KEY-1…` and `AGE-SECRET-KEY-PQ-1…` lines, with `#` comments
/// (such as `# created:` and `# public key:`) and blank lines ignored, as `age-keygen` writes it.
public enum AgeIdentityFile {
    /// The file `age-keygen` would write for `identity`; `created` is an RFC 3339 time supplied by
    /// the caller (Core reads no clock).
    public static func render(_ identity: AgeIdentity, created: String) -> String {
        "# created: \(created)\n# public key: \(identity.recipient)\n\(identity.encoded)\n"
    }

    /// The identities in `text`, in order. A bad line fails the whole file, naming its line.
    public static func parse(_ text: String) throws(AgeError) -> [AgeIdentity] {
        if isEncrypted(Array(text.utf8.prefix(4096))) {
            throw .malformedIdentityFile(line: 1, reason: "the identity file is encrypted; decrypt it with its passphrase first")
        }
        var identities = [AgeIdentity]()
        for entry in AgeKeyFileLines.entries(text) {
            if let foreign = ForeignKey.recognise(line: entry.text) {
                throw .malformedIdentityFile(line: entry.line, reason: foreign.notAnAgeKey)
            }
            if entry.text.hasPrefix("age1") {
                throw .malformedIdentityFile(line: entry.line, reason: "this is a recipient (a public key), not an identity: pass the identity file it came from")
            }
            if (try? FernetKey(encoded: entry.text)) != nil {
                throw .malformedIdentityFile(line: entry.line, reason: "this is a room (Fernet) key, not an identity: pass it with --key-file")
            }
            guard entry.text.uppercased().hasPrefix("AGE-") else {
                throw .malformedIdentityFile(line: entry.line, reason: "expected an AGE-SECRET-KEY-1… line or a # comment")
            }
            do {
                identities.append(try AgeIdentity(string: entry.text))
            } catch {
                guard case .invalidIdentity(let reason) = error else { throw error }
                throw .malformedIdentityFile(line: entry.line, reason: reason)
            }
        }
        guard !identities.isEmpty else { throw .noIdentities }
        return identities
    }

    /// Whether `bytes` (the start of an identity file) is an age-encrypted file, binary or
    /// armored, such as `age -p` or `keygen --passphrase` writes: the caller should then ask for
    /// the passphrase and decrypt it before parsing.
    public static func isEncrypted(_ bytes: [UInt8]) -> Bool {
        Age.looksLikeAge(bytes)
    }
}
