import SecureChatCrypto
import Testing
@testable import SecureChatCore

@Suite struct AgeHeaderTests {
    @Test func headerRoundTripsAndWrapsAt64Columns() throws {
        let fileKey = SecureRandom.bytes(16)
        let stanzas = [0, 1, 47, 48, 49, 96, 200].map { n in
            AgeStanza(type: "example.com/grease", arguments: ["a", "!#$%&'*+-./:;<=>?@[\\]^_`{|}~"], body: SecureRandom.bytes(n))
        }
        let encoded = try AgeHeader.encode(stanzas: stanzas, fileKey: fileKey)
        let lines = String(decoding: encoded, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { $0.count <= 64 || $0.hasPrefix("-> ") })
        let reader = AgeBufferedReader(MemoryReader(encoded + [9, 9]))
        let parsed = try AgeHeader.parse(from: reader)
        #expect(parsed.stanzas == stanzas)
        #expect(parsed.size == encoded.count)
        try parsed.verifyMAC(fileKey: fileKey)
        #expect(try reader.readAll() == [9, 9])
    }

    @Test func x25519StanzaUnwrapsOnlyForItsIdentity() throws {
        let fileKey = AgeFileKey.generate()
        let identity = AgeIdentity()
        let stanza = try AgeX25519Stanza.wrap(fileKey: fileKey, to: identity.x25519!.publicKey)
        #expect(stanza.type == "X25519" && stanza.arguments.count == 1 && stanza.body.count == 32)
        let parsed = try AgeX25519Stanza.parse(stanza)
        #expect(try AgeX25519Stanza.unwrap(parsed, with: identity.x25519!) == fileKey)
        #expect(try AgeX25519Stanza.unwrap(parsed, with: AgeIdentity().x25519!) == nil)
    }

    @Test func scryptStanzaUnwrapsOnlyWithItsPassphrase() throws {
        let fileKey = AgeFileKey.generate()
        let stanza = try AgeScryptStanza.wrap(fileKey: fileKey, passphrase: Array("pw".utf8), workFactor: 10)
        #expect(stanza.type == "scrypt" && stanza.arguments[1] == "10" && stanza.body.count == 32)
        let parsed = try AgeScryptStanza.parse(stanza, maxWorkFactor: 22)
        #expect(try AgeScryptStanza.unwrap(parsed, passphrase: Array("pw".utf8)) == fileKey)
        #expect(try AgeScryptStanza.unwrap(parsed, passphrase: Array("pW".utf8)) == nil)
        #expect(throws: AgeError.workFactorTooHigh(10, max: 9)) { try AgeScryptStanza.parse(stanza, maxWorkFactor: 9) }
    }

    @Test func unknownStanzasAreSkipped() throws {
        let fileKey = AgeFileKey.generate()
        let identity = AgeIdentity()
        let stanzas = [AgeStanza(type: "example.com/grease", arguments: ["x"], body: SecureRandom.bytes(40)),
                       try AgeX25519Stanza.wrap(fileKey: fileKey, to: identity.x25519!.publicKey)]
        #expect(try AgeFileKey.unwrap(stanzas, identities: { [identity] }, passphrase: nil, maxWorkFactor: 22) == fileKey)
    }

    @Test func base64IsStrict() {
        #expect(Base64.decode("AA".utf8, padded: false) == [0])
        #expect(Base64.decode("AB".utf8, padded: false) == nil)  // non-zero trailing bits
        #expect(Base64.decode("AA==".utf8, padded: false) == nil)  // padding in the header
        #expect(Base64.decode("AA==".utf8, padded: true) == [0])
        #expect(Base64.decode("AA".utf8, padded: true) == nil)
        #expect(Base64.decode("A".utf8, padded: false) == nil)
        #expect(Base64.decode("AA\r".utf8, padded: false) == nil)
        for n in 0..<50 {
            let bytes = SecureRandom.bytes(n)
            #expect(Base64.decode(Base64.encodeBytes(bytes, alphabet: .standard, padded: false), padded: false) == bytes)
            #expect(Base64.decode(Base64.encodeBytes(bytes, alphabet: .standard, padded: true), padded: true) == bytes)
        }
    }
}
