import Testing
import TestSupport
import SecureChatCrypto
@testable import SecureChatCore

/// Fixed identities: X25519 secrets of 32 equal bytes.
enum Fixed {
    static func identity(_ byte: UInt8) -> Identity {
        Identity(agreementKey: try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: [UInt8](repeating: byte, count: 32)))
    }

    static let alice = identity(1)
    static let bob = identity(2)
    static let mallory = identity(3)
    static let room = "AAAAAAAAAAAAAAAAAAAAAA"
    static let otherRoom = "BBBBBBBBBBBBBBBBBBBBBB"
    static let key = try! FernetKey(encoded: "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=")

    static func envelope(_ who: Identity = alice, room: String = room, counter: UInt64 = 1, text: String = "hi") -> Envelope {
        Envelope(sender: who.signingKey.publicKey.rawRepresentation, roomID: room, counter: counter, time: 1_700_000_000,
                 body: Array(text.utf8))
    }

    static func token(_ envelope: Envelope, by who: Identity = alice, key: FernetKey = key) -> String {
        try! envelope.seal(signingKey: who.signingKey, fernet: Fernet(key: key), now: 1_700_000_000)
    }
}

/// The signed envelope's bytes (docs/formats.md, "Message envelope").
@Suite struct EnvelopeTests {
    /// Made with Python's `cryptography` from the layout in docs/formats.md, not with this code.
    static let vector = hex(
        "0101b2cfee7b1658867f501b31c76d5aa6d15950b7af8fc6ffa141edba66ad4927b0164141414141414141414141414141414141414141"
        + "41410000000000000007000000006553f1000000000c68c3a96c6c6f0a776f726c64eaf3306f348a605faec02930cd1a9143de1c69f4543758"
        + "d2718f7879a182a7da700ab8cb0aefb8e954bcb3e2dbee72673d0f3f1256fbf08fda0821b708965f06")

    @Test func matchesAnIndependentImplementation() throws {
        let e = Envelope(sender: Fixed.alice.signingKey.publicKey.rawRepresentation, roomID: Fixed.room, counter: 7,
                         time: 1_700_000_000, body: Array("héllo\nworld".utf8))
        #expect(try e.signed(by: Fixed.alice.signingKey) == Self.vector)
        let opened = try Envelope.open(Self.vector)
        #expect(opened == e)
        #expect(opened.text == "héllo\nworld")
    }

    @Test func sealsAsAFernetTokenOfTheRoomKey() throws {
        let e = Fixed.envelope(text: "sealed")
        let token = Fixed.token(e)
        #expect(Fernet.looksLikeToken(token))
        let plaintext = try Fernet(key: Fixed.key).decrypt(token, now: 0)
        #expect(try Envelope.open(plaintext) == e)
    }

    @Test func refusesToSignForSomeoneElse() {
        #expect(throws: EnvelopeError.malformed("the signing key is not the sender's")) {
            try Fixed.envelope(Fixed.alice).signed(by: Fixed.bob.signingKey)
        }
    }

    /// Each damaged envelope and the exact error it gets.
    @Test(arguments: [
        ("empty", [], EnvelopeError.malformed("empty")),
        ("version 2", [2] + Array(vector.dropFirst()), .unsupportedVersion(2)),
        ("kind 9", [1, 9] + Array(vector.dropFirst(2)), .unsupportedKind(9)),
        ("cut in the key", Array(vector.prefix(20)), .malformed("truncated in the sender key")),
        ("no room length", Array(vector.prefix(34)), .malformed("truncated before the room id")),
        ("cut in the room", Array(vector.prefix(40)), .malformed("truncated in the room id")),
        ("room length 0", Array(vector.prefix(34)) + [0] + Array(vector.dropFirst(57)),
         .malformed("the room id is not 1 to 64 characters of A-Z a-z 0-9 - _")),
        ("room with a slash", Array(vector.prefix(35)) + [0x2f] + Array(vector.dropFirst(36)),
         .malformed("the room id is not 1 to 64 characters of A-Z a-z 0-9 - _")),
        ("cut in the counter", Array(vector.prefix(60)), .malformed("truncated in the counter")),
        ("counter 0", Array(vector.prefix(57)) + [0, 0, 0, 0, 0, 0, 0, 0] + Array(vector.dropFirst(65)),
         .malformed("the counter is 0 (counters start at 1)")),
        ("cut in the time", Array(vector.prefix(70)), .malformed("truncated in the time")),
        ("cut in the length", Array(vector.prefix(75)), .malformed("truncated in the body length")),
        ("huge length", Array(vector.prefix(73)) + [0x7f, 0xff, 0xff, 0xff] + Array(vector.dropFirst(77)),
         .malformed("the body is larger than 1048576 bytes")),
        ("cut in the body", Array(vector.prefix(80)), .malformed("truncated in the body")),
        ("cut in the signature", Array(vector.dropLast(1)), .malformed("truncated in the signature")),
        ("trailing byte", vector + [0], .malformed("1 bytes after the signature")),
    ] as [(String, [UInt8], EnvelopeError)])
    func malformed(name: String, bytes: [UInt8], error: EnvelopeError) {
        #expect(throws: error, "\(name)") { try Envelope.open(bytes) }
    }

    /// Any change to the sender, counter, time, body or signature is a bad signature, with the
    /// claims of the altered envelope carried along for the warning.
    @Test(arguments: [2, 20, 33, 57, 64, 72, 77, 85, 89, 120, 152])
    func flippedByteBreaksTheSignature(at index: Int) throws {
        var bytes = Self.vector
        bytes[index] ^= 0x01
        #expect(throws: EnvelopeError.self) { try Envelope.open(bytes) }
        do {
            _ = try Envelope.open(bytes)
        } catch .badSignature(let claimed) {
            #expect(claimed.roomID == Fixed.room)
        } catch {
            Issue.record("byte \(index): \(error)")
        }
    }

    @Test func signatureOfAnotherSenderIsBad() throws {
        let e = Fixed.envelope(Fixed.alice)
        var unsigned = try e.unsignedBytes()
        unsigned += try Fixed.mallory.signingKey.signature(for: Envelope.signedMessage(unsigned))
        #expect(throws: EnvelopeError.badSignature(e)) { try Envelope.open(unsigned) }
    }

    @Test func signatureWithoutTheDomainLabelIsBad() throws {
        let e = Fixed.envelope(Fixed.alice)
        var unsigned = try e.unsignedBytes()
        unsigned += try Fixed.alice.signingKey.signature(for: unsigned)
        #expect(throws: EnvelopeError.badSignature(e)) { try Envelope.open(unsigned) }
    }
}
