import SecureChatCrypto
import Testing
@testable import SecureChatCore

/// Hands out a few bytes per read, to exercise every buffer boundary of the parsers.
final class TrickleReader: ByteReader {
    private let bytes: [UInt8]
    private var offset = 0
    private var step = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        step = step % 7 + 1
        let n = min(buffer.count, bytes.count - offset, step * 997)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<offset + n])) }
        offset += n
        return n
    }
}

@Suite struct AgeRoundTripTests {
    static let sizes = [0, 1, 47, 48, 65535, 65536, 65537, 3 * 65536, 1 << 20]

    @Test(arguments: sizes, [false, true])
    func recipients(size: Int, armor: Bool) throws {
        let plaintext = SecureRandom.bytes(size)
        let identities = [AgeIdentity(), AgeIdentity(), AgeIdentity()]
        let file = try AgeTest.encrypt(plaintext, to: identities.map(\.recipient), armor: armor)
        #expect(Age.looksLikeAge(Array(file.prefix(64))))
        for identity in identities {
            #expect(try AgeTest.decrypt(file, identities: [identity]) == plaintext)
        }
        #expect(try AgeTest.decrypt(file, identities: [AgeIdentity(), identities[2]]) == plaintext)

        let info = try Age.inspect(MemoryReader(file))
        #expect(info.armored == armor)
        #expect(info.stanzaTypes == ["X25519", "X25519", "X25519"])
        #expect(info.plaintextSize == size)
        if !armor { #expect(info.headerSize + info.payloadSize == file.count) }
    }

    @Test(arguments: [0, 1, 65536, 65537], [false, true])
    func passphrase(size: Int, armor: Bool) throws {
        let plaintext = SecureRandom.bytes(size)
        let file = try AgeTest.encrypt(plaintext, passphrase: "correct horse", armor: armor)
        #expect(try AgeTest.decrypt(file, passphrase: "correct horse") == plaintext)
        #expect(try Age.inspect(MemoryReader(file)).stanzaTypes == ["scrypt"])
    }

    @Test func passphraseIsAskedOnlyForScryptFiles() throws {
        var asked = 0
        let ask = { () throws -> [UInt8] in
            asked += 1
            return Array("pw".utf8)
        }
        let identity = AgeIdentity()
        let x25519 = try AgeTest.encrypt([1, 2, 3], to: [identity.recipient])
        let out = MemoryWriter()
        try Age.decrypt(identities: [identity], passphrase: ask, from: MemoryReader(x25519), to: out)
        #expect(asked == 0)
        let scrypt = try AgeTest.encrypt([1, 2, 3], passphrase: "pw")
        try Age.decrypt(identities: [identity], passphrase: ask, from: MemoryReader(scrypt), to: out)
        #expect(asked == 1)
        #expect(out.bytes == [1, 2, 3, 1, 2, 3])
    }

    @Test(arguments: [false, true])
    func smallReadsEverywhere(armor: Bool) throws {
        let plaintext = SecureRandom.bytes(3 * 65536 + 5)
        let identity = AgeIdentity()
        let file = try AgeTest.encrypt(plaintext, to: [identity.recipient], armor: armor)
        let out = MemoryWriter()
        try Age.decrypt(identities: [identity], passphrase: nil, from: TrickleReader(file), to: out)
        #expect(out.bytes == plaintext)
        let encrypted = MemoryWriter()
        try Age.encrypt(to: [identity.recipient], armor: armor, from: TrickleReader(plaintext), to: encrypted)
        #expect(try AgeTest.decrypt(encrypted.bytes, identities: [identity]) == plaintext)
    }

    @Test func armoredOutputShape() throws {
        for size in [0, 1, 100, 65536] {
            let file = try AgeTest.encrypt(SecureRandom.bytes(size), to: [AgeIdentity().recipient], armor: true)
            let text = String(decoding: file, as: UTF8.self)
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.removeLast() == "")
            #expect(lines.first == "-----BEGIN AGE ENCRYPTED FILE-----")
            #expect(lines.last == "-----END AGE ENCRYPTED FILE-----")
            let body = lines.dropFirst().dropLast()
            #expect(body.dropLast().allSatisfy { $0.count == 64 })
            #expect((1...64).contains(body.last?.count ?? 0))
        }
    }

    @Test func armorDecoderAcceptsWhatTheSpecAllows() throws {
        let identity = AgeIdentity()
        let plaintext = SecureRandom.bytes(1000)
        let armored = String(decoding: try AgeTest.encrypt(plaintext, to: [identity.recipient], armor: true), as: UTF8.self)
        let crlf = armored.split(separator: "\n").joined(separator: "\r\n") + "\r\n"
        let spaced = "\n \t\r\n" + armored + "\n\n  "
        let noFinalNewline = String(armored.dropLast())
        for variant in [crlf, spaced, noFinalNewline] {
            #expect(try AgeTest.decrypt(Array(variant.utf8), identities: [identity]) == plaintext)
        }
    }

    @Test func plaintextSizeFromPayloadSize() {
        let chunk = AgeStream.sealedChunkSize
        #expect(Age.plaintextSize(payloadSize: 16 + 16) == 0)
        #expect(Age.plaintextSize(payloadSize: 16 + 17) == 1)
        #expect(Age.plaintextSize(payloadSize: 16 + chunk) == 65536)
        #expect(Age.plaintextSize(payloadSize: 16 + chunk + 17) == 65537)
        #expect(Age.plaintextSize(payloadSize: 16 + chunk + 16) == nil)
        #expect(Age.plaintextSize(payloadSize: 16 + 15) == nil)
    }
}
