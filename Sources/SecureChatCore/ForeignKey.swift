/// Key files of other tools that people pass where securechat expects its own keys (an OpenSSH
/// key to `-i`, a PGP key to `-R`, an age identity to `--key-file`): recognised by their first
/// line, so that every place a key file is read says what the file is and what is expected
/// instead of "expected an AGE-SECRET-KEY-1… line".
public struct ForeignKey: Equatable, Sendable {
    /// What the file holds, e.g. "an OpenSSH private key".
    public let kind: String
    /// The family whose keys are not supported, e.g. "SSH".
    public let family: String

    /// The sentence for places that read age keys (identity files, `-R`, `-r`).
    public var notAnAgeKey: String {
        "this is \(kind): \(family) keys are not supported, only age keys (AGE-SECRET-KEY-1… identities, age1… recipients)"
    }

    /// The sentence for places that read room keys (`--key-file`, `--key-fd`, `SECURECHAT_KEY`).
    public var notARoomKey: String {
        "this is \(kind), not a room key: room keys are 44-character Fernet keys ('securechat keygen --fernet')"
    }

    /// The foreign key format that `line` (one line of a key file, surrounding space removed)
    /// opens, or nil when it is none of the known ones.
    public static func recognise(line: String) -> ForeignKey? {
        let pem: [(String, ForeignKey)] = [
            ("OPENSSH PRIVATE KEY", .init(kind: "an OpenSSH private key", family: "SSH")),
            ("SSH2 PUBLIC KEY", .init(kind: "an SSH2 public key", family: "SSH")),
            ("SSH2 ENCRYPTED PRIVATE KEY", .init(kind: "an SSH2 private key", family: "SSH")),
            ("RSA PRIVATE KEY", .init(kind: "a PEM RSA private key", family: "RSA")),
            ("RSA PUBLIC KEY", .init(kind: "a PEM RSA public key", family: "RSA")),
            ("DSA PRIVATE KEY", .init(kind: "a PEM DSA private key", family: "DSA")),
            ("EC PRIVATE KEY", .init(kind: "a PEM EC private key", family: "PEM (OpenSSL)")),
            ("PRIVATE KEY", .init(kind: "a PEM (PKCS #8) private key", family: "PEM (OpenSSL)")),
            ("ENCRYPTED PRIVATE KEY", .init(kind: "an encrypted PEM (PKCS #8) private key", family: "PEM (OpenSSL)")),
            ("PUBLIC KEY", .init(kind: "a PEM public key", family: "PEM (OpenSSL)")),
            ("CERTIFICATE", .init(kind: "an X.509 certificate", family: "X.509")),
            ("PGP PRIVATE KEY BLOCK", .init(kind: "an OpenPGP private key", family: "OpenPGP")),
            ("PGP PUBLIC KEY BLOCK", .init(kind: "an OpenPGP public key", family: "OpenPGP")),
        ]
        if line.hasPrefix("-----BEGIN "), line.hasSuffix("-----") {
            let label = line.dropFirst("-----BEGIN ".count).dropLast(5)
            // age's own armor: not a key, and read as an age file.
            if label == "AGE ENCRYPTED FILE" { return nil }
            if let match = pem.first(where: { $0.0 == label }) { return match.1 }
            return .init(kind: "a PEM file (\(label.count <= 40 && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == " ") } ? String(label) : "unknown label"))",
                         family: "PEM")
        }
        let sshPublic = ["ssh-ed25519", "ssh-rsa", "ssh-dss", "ecdsa-sha2-", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-"]
        if sshPublic.contains(where: { line.hasPrefix($0) }) { return .init(kind: "an OpenSSH public key", family: "SSH") }
        if line.hasPrefix("PuTTY-User-Key-File-") { return .init(kind: "a PuTTY private key", family: "SSH") }
        if line.hasPrefix("untrusted comment:") { return .init(kind: "a minisign or signify key", family: "minisign and signify") }
        return nil
    }

    /// The first foreign key format found on any line of `text`.
    public static func recognise(text: String) -> ForeignKey? {
        for line in TextLines.split(text) {
            let t = line.trimmingASCIIWhitespace()
            if t.isEmpty || t.hasPrefix("#") { continue }
            return recognise(line: t)
        }
        return nil
    }
}
