import SecureChatCrypto
import Testing
@testable import SecureChatCore

/// Bad input, each with the exact error it must produce.
@Suite struct AgeBadInputTests {
    static let identity = AgeIdentity()
    static let plaintext = SecureRandom.bytes(2 * 65536 + 100)

    static func file(armor: Bool = false) throws -> [UInt8] {
        try AgeTest.encrypt(plaintext, to: [identity.recipient], armor: armor)
    }

    static func headerSize(_ file: [UInt8]) throws -> Int {
        try Age.inspect(MemoryReader(file)).headerSize
    }

    /// A file whose header holds `stanzas` verbatim, MAC'd with `fileKey`, with a real payload.
    static func file(stanzas: [AgeStanza], fileKey: [UInt8]) throws -> [UInt8] {
        let out = MemoryWriter()
        try out.write(try AgeHeader.encode(stanzas: stanzas, fileKey: fileKey))
        try AgeStream.encrypt(fileKey: fileKey, from: MemoryReader([1, 2, 3]), to: out)
        return out.bytes
    }

    static func decryptError(_ file: [UInt8], identities: [AgeIdentity] = [identity], passphrase: String? = nil) -> AgeError? {
        AgeTest.error { _ = try AgeTest.decrypt(file, identities: identities, passphrase: passphrase) }
    }

    @Test func truncatedFiles() throws {
        let file = try Self.file()
        let header = try Self.headerSize(file)
        let chunk = AgeStream.sealedChunkSize
        // Cut at a chunk boundary: every chunk read authenticates, but no final one comes.
        #expect(Self.decryptError(Array(file.prefix(header + 16 + chunk))) == .truncated)
        // Cut inside a chunk: that chunk can only be tried as the final one, and fails.
        #expect(Self.decryptError(Array(file.prefix(header + 16 + chunk + 1000))) == .payloadAuthenticationFailed(chunk: 1))
        // Cut inside the header, or before the payload nonce is complete.
        #expect(Self.decryptError(Array(file.prefix(header - 10))) == .malformedHeader("unexpected end of header"))
        #expect(Self.decryptError(Array(file.prefix(header + 5))) == .malformedHeader("the payload nonce is missing"))
    }

    @Test func nothingUnauthenticatedIsWritten() throws {
        var file = try Self.file()
        let header = try Self.headerSize(file)
        file[header + 16 + AgeStream.sealedChunkSize + 5] ^= 1  // inside the second chunk
        let out = MemoryWriter()
        #expect(throws: AgeError.payloadAuthenticationFailed(chunk: 1)) {
            try Age.decrypt(identities: [Self.identity], passphrase: nil, from: MemoryReader(file), to: out)
        }
        #expect(out.bytes == Array(Self.plaintext.prefix(65536)))
    }

    @Test func trailingGarbage() throws {
        // After a full final chunk, garbage is seen as such; after a short one it is read as part
        // of that chunk, which then fails to authenticate.
        let full = try AgeTest.encrypt(SecureRandom.bytes(2 * 65536), to: [Self.identity.recipient])
        #expect(Self.decryptError(full + [0]) == .malformedPayload("trailing data after the final chunk"))
        #expect(Self.decryptError(try Self.file() + [0]) == .payloadAuthenticationFailed(chunk: 2))
        let armored = try Self.file(armor: true)
        #expect(Self.decryptError(armored + Array("garbage\n".utf8)) == .malformedArmor("data after the END line"))
    }

    @Test func flippedBitInHeaderMAC() throws {
        var file = try Self.file()
        let header = try Self.headerSize(file)
        // The MAC's first base64 character (43 characters and "\n" from the end of the header).
        let i = header - 44
        file[i] = file[i] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(Self.decryptError(file) == .headerMACMismatch)
    }

    @Test func noMatchingIdentity() throws {
        #expect(Self.decryptError(try Self.file(), identities: [AgeIdentity(), AgeIdentity()]) == .noIdentityMatched)
        #expect(Self.decryptError(try Self.file(), identities: []) == .noIdentityMatched)
    }

    @Test func wrongPassphrase() throws {
        let file = try AgeTest.encrypt([1, 2, 3], passphrase: "right")
        #expect(Self.decryptError(file, passphrase: "wrong") == .wrongPassphrase)
    }

    @Test func scryptFileWithoutPassphrasePrompt() throws {
        let file = try AgeTest.encrypt([1, 2, 3], passphrase: "right")
        #expect(Self.decryptError(file, passphrase: nil) == .passphraseRequired)
    }

    @Test func scryptAlongsideX25519() throws {
        let fileKey = AgeFileKey.generate()
        let stanzas = [try AgeScryptStanza.wrap(fileKey: fileKey, passphrase: Array("pw".utf8), workFactor: 10),
                       try AgeX25519Stanza.wrap(fileKey: fileKey, to: Self.identity.x25519!.publicKey)]
        let file = try Self.file(stanzas: stanzas, fileKey: fileKey)
        #expect(Self.decryptError(file, passphrase: "pw") == .scryptMustBeAlone)
        #expect(Self.decryptError(file) == .scryptMustBeAlone)
    }

    @Test func workFactorAboveTheLimit() throws {
        var asked = false
        let fileKey = AgeFileKey.generate()
        // Never computed: the header is refused before the passphrase is asked for.
        let stanza = AgeStanza(type: "scrypt", arguments: [Base64.encodeUnpadded(SecureRandom.bytes(16)), "30"],
                               body: SecureRandom.bytes(32))
        let file = try Self.file(stanzas: [stanza], fileKey: fileKey)
        #expect(throws: AgeError.workFactorTooHigh(30, max: 22)) {
            try Age.decrypt(identities: [], passphrase: { asked = true; return [1] }, from: MemoryReader(file), to: MemoryWriter())
        }
        #expect(!asked)
        #expect(throws: AgeError.workFactorTooHigh(12, max: 11)) {
            let file = try AgeTest.encrypt([1], passphrase: "pw", workFactor: 12)
            _ = try AgeTest.decrypt(file, passphrase: "pw", maxWorkFactor: 11)
        }
    }

    @Test func encryptionParameters() {
        #expect(AgeTest.error { _ = try AgeTest.encrypt([1], to: []) } == .noRecipients)
        #expect(AgeTest.error { _ = try AgeTest.encrypt([1], passphrase: "pw", workFactor: 31) } == .invalidWorkFactor(31))
        #expect(AgeTest.error { _ = try AgeTest.encrypt([1], passphrase: "pw", workFactor: 0) } == .invalidWorkFactor(0))
        #expect(AgeTest.error { _ = try AgeTest.encrypt([1], passphrase: "") } == .emptyPassphrase)
    }

    @Test func notAgeFiles() {
        #expect(Self.decryptError([]) == .malformedHeader("file is empty"))
        #expect(Self.decryptError(Array("hello world\n".utf8)) == .malformedHeader("not an age file"))
        #expect(Self.decryptError(Array("age-encryption.org/v2\n".utf8)) == .malformedHeader("unsupported format version"))
        let fernet = Array("gAAAAABk1234567890abcdefghijklmnopqrstuvwxyz==".utf8)
        #expect(!Age.looksLikeAge(fernet))
        #expect(Self.decryptError(fernet) == .malformedHeader("not an age file"))
    }

    @Test func oversizedHeaderIsRefusedWithoutReadingItAll() {
        final class EndlessStanzas: ByteReader {
            var served = 0
            func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
                let text = Array((served == 0 ? "age-encryption.org/v1\n" : "-> grease\n\n").utf8)
                let n = min(buffer.count, text.count)
                buffer.copyBytes(from: text[0..<n])
                served += n
                return n
            }
        }
        let reader = EndlessStanzas()
        #expect(throws: AgeError.malformedHeader("header is larger than 1048576 bytes")) {
            try Age.decrypt(identities: [Self.identity], passphrase: nil, from: reader, to: MemoryWriter())
        }
        #expect(reader.served < 2 * AgeHeader.maxSize)
    }

    /// A low-order key never becomes a recipient: the key itself is refused where it is read.
    @Test func lowOrderRecipientIsRefused() throws {
        let zero = [UInt8](repeating: 0, count: 32)
        #expect(throws: CryptoError.smallOrderKey) { try Curve25519.KeyAgreement.PublicKey(rawRepresentation: zero) }
        #expect(throws: AgeError.invalidRecipient("the public key is a low-order point")) {
            try AgeRecipient(string: Bech32.encode(hrp: "age", data: zero))
        }
    }

    @Test func messagesAreOneLowercaseLine() {
        let errors: [AgeError] = [.noIdentityMatched, .wrongPassphrase, .headerMACMismatch, .truncated,
                                  .malformedHeader("x"), .malformedPayload("x"), .malformedArmor("x"),
                                  .workFactorTooHigh(30, max: 22), .invalidWorkFactor(0), .invalidRecipient("x"),
                                  .invalidIdentity("x"), .malformedIdentityFile(line: 3, reason: "x"),
                                  .malformedRecipientsFile(line: 2, reason: "x"), .noIdentities, .noRecipients,
                                  .scryptMustBeAlone, .passphraseRequired, .emptyPassphrase, .cryptoFailure("x")]
        for error in errors {
            #expect(!error.message.contains("\n"))
            #expect(error.message.first?.isLowercase == true, "\(error.message)")
        }
        #expect(AgeError.noIdentityMatched.message == "no identity matches any recipient")
        #expect(AgeError.truncated.message == "file is truncated")
    }
}
