import SecureChatCore
import Testing

/// Other tools' key files, wherever an age key file is read: the same clear sentence, naming
/// the line, never "expected an AGE-SECRET-KEY-1… line".
@Suite struct ForeignKeyTests {
    static let ssh = "this is an OpenSSH private key: SSH keys are not supported, only age keys (AGE-SECRET-KEY-1… identities, age1… recipients)"

    /// (file text, line of the error, reason) for identity files.
    static let identityFiles: [(String, Int, String)] = [
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n", 1, ssh),
        ("-----BEGIN OPENSSH PRIVATE KEY-----\r\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\r\n", 1, ssh),
        ("# my laptop\n\n-----BEGIN OPENSSH PRIVATE KEY-----\n", 3, ssh),
        ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx me@host\n", 1,
         "this is an OpenSSH public key: SSH keys are not supported, only age keys (AGE-SECRET-KEY-1… identities, age1… recipients)"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n", 1,
         "this is a PEM RSA private key: RSA keys are not supported, only age keys (AGE-SECRET-KEY-1… identities, age1… recipients)"),
        ("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n", 1,
         "this is a PEM (PKCS #8) private key: PEM (OpenSSL) keys are not supported, only age keys (AGE-SECRET-KEY-1… identities, age1… recipients)"),
        ("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlFgEZ\n", 1,
         "this is an OpenPGP private key: OpenPGP keys are not supported, only age keys (AGE-SECRET-KEY-1… identities, age1… recipients)"),
        ("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n", 1,
         "this is a PuTTY private key: SSH keys are not supported, only age keys (AGE-SECRET-KEY-1… identities, age1… recipients)"),
        ("untrusted comment: minisign encrypted secret key\nRWQAAEIyAAAAAAAAAAAAAAAA\n", 1,
         "this is a minisign or signify key: minisign and signify keys are not supported, only age keys (AGE-SECRET-KEY-1… identities, age1… recipients)"),
        ("-----BEGIN SOMETHING\u{1B}[31m-----\n", 1,
         "this is a PEM file (unknown label): PEM keys are not supported, only age keys (AGE-SECRET-KEY-1… identities, age1… recipients)"),
        ("age1lggyhqrw2nlhcxprm67z43rta597azn8gknawjehu9d9dl0jq3yqqvfafg\n", 1,
         "this is a recipient (a public key), not an identity: pass the identity file it came from"),
        ("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=\n", 1,
         "this is a room (Fernet) key, not an identity: pass it with --key-file"),
    ]

    @Test(arguments: identityFiles)
    func identityFile(_ text: String, _ line: Int, _ reason: String) {
        #expect(throws: AgeError.malformedIdentityFile(line: line, reason: reason)) { try AgeIdentityFile.parse(text) }
        #expect(throws: AgeError.malformedIdentityFile(line: line, reason: reason)) { try IdentityFile.parse(text) }
    }

    @Test func recipientsFile() {
        #expect(throws: AgeError.malformedRecipientsFile(line: 2, reason: Self.ssh)) {
            try AgeRecipientsFile.parse("# keys\n-----BEGIN OPENSSH PRIVATE KEY-----\n")
        }
        #expect(throws: AgeError.invalidRecipient("this is an identity (a secret key), not a recipient (age1…)")) {
            try AgeRecipient(string: "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX")
        }
    }

    @Test func ordinaryLinesAreNotForeign() {
        for line in ["AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX", "age1xyz", "# comment",
                     "-----BEGIN AGE ENCRYPTED FILE", "-----BEGIN AGE ENCRYPTED FILE-----", "gAAAAABk", ""] {
            #expect(ForeignKey.recognise(line: line) == nil, "\(line)")
        }
    }
}
