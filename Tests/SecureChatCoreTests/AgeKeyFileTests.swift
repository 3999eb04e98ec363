import Testing
import SecureChatCore

@Suite struct AgeKeyFileTests {
    @Test func identityFile() throws {
        let a = AgeIdentity(), b = AgeIdentity()
        let text = """
            # created: 2024-01-01T00:00:00Z
            # public key: \(a.recipient)
            \(a.encoded)

            \(b.encoded)\r
            """
        let parsed = try AgeIdentityFile.parse(text)
        #expect(parsed.map(\.recipient) == [a.recipient, b.recipient])
    }

    @Test func crlfLineEndings() throws {
        let a = AgeIdentity(), b = AgeIdentity()
        let identities = "# created: now\r\n\(a.encoded)\r\n\r\n\(b.encoded)\r\n"
        #expect(try AgeIdentityFile.parse(identities).map(\.recipient) == [a.recipient, b.recipient])
        let recipients = "\(a.recipient)\r\n# comment\r\nage1bad\r\n"
        #expect(throws: AgeError.malformedRecipientsFile(line: 3, reason: "missing or misplaced separator")) {
            try AgeRecipientsFile.parse(recipients)
        }
    }

    @Test func identityFileErrorsNameTheLine() {
        let text = "# comment\n\(AgeIdentity().encoded)\nnot a key\n"
        #expect(throws: AgeError.malformedIdentityFile(line: 3, reason: "expected an AGE-SECRET-KEY-1… line or a # comment")) {
            try AgeIdentityFile.parse(text)
        }
        let key = AgeIdentity().encoded
        let badChecksum = "\n\n" + String(key.dropLast()) + (key.last == "Q" ? "P" : "Q")
        let error = #expect(throws: AgeError.self) { try AgeIdentityFile.parse(badChecksum) }
        if case .malformedIdentityFile(let line, _) = error { #expect(line == 3) } else { Issue.record("got \(String(describing: error))") }
        #expect(throws: AgeError.noIdentities) { try AgeIdentityFile.parse("# nothing here\n\n") }
    }

    @Test func encryptedIdentityFileIsDetected() throws {
        let keyFile = Array((AgeIdentity().encoded + "\n").utf8)
        let binary = try AgeTest.encrypt(keyFile, passphrase: "pw")
        let armored = try AgeTest.encrypt(keyFile, passphrase: "pw", armor: true)
        #expect(AgeIdentityFile.isEncrypted(binary))
        #expect(AgeIdentityFile.isEncrypted(Array("\n  ".utf8) + armored))
        #expect(!AgeIdentityFile.isEncrypted(keyFile))
        #expect(throws: AgeError.malformedIdentityFile(line: 1, reason: "the identity file is encrypted; decrypt it with its passphrase first")) {
            try AgeIdentityFile.parse(String(decoding: armored, as: UTF8.self))
        }
    }

    @Test func recipientsFile() throws {
        let a = AgeIdentity().recipient, b = AgeIdentity().recipient
        #expect(try AgeRecipientsFile.parse("# team\n\(a)\n\n  \(b)  \n") == [a, b])
        #expect(throws: AgeError.malformedRecipientsFile(line: 2, reason: "invalid checksum")) {
            try AgeRecipientsFile.parse("\(a)\n\(String(b.description.dropLast()))\(b.description.last == "q" ? "p" : "q")\n")
        }
        #expect(throws: AgeError.noRecipients) { try AgeRecipientsFile.parse("# none\n") }
    }
}
