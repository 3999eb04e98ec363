import Testing
import SecureChatCrypto
@testable import SecureChatCore

/// What a member makes of each message (docs/formats.md, "Checks on receipt").
@Suite struct EnvelopeVerifierTests {
    static let alice = Fixed.alice.signingKey.publicKey.rawRepresentation
    static let bob = Fixed.bob.signingKey.publicKey.rawRepresentation
    static let mallory = Fixed.mallory.signingKey.publicKey.rawRepresentation

    func verifier() -> EnvelopeVerifier { EnvelopeVerifier(roomID: Fixed.room, keys: [Fixed.key]) }

    @Test func validMessagesAdvanceTheSendersCounter() {
        var v = verifier()
        let first = Fixed.envelope(counter: 1, text: "one")
        let second = Fixed.envelope(counter: 2, text: "two")
        #expect(v.verify(token: Fixed.token(first), relayedSender: Self.alice) == .valid(first))
        #expect(v.verify(token: Fixed.token(second), relayedSender: Self.alice) == .valid(second))
        #expect(v.highestCounter(of: Self.alice) == 2)
        #expect(v.highestCounter(of: Self.bob) == 0)
    }

    @Test func gapsAreAllowed() {
        var v = verifier()
        let e = Fixed.envelope(counter: 10)
        #expect(v.verify(token: Fixed.token(Fixed.envelope(counter: 3)), relayedSender: Self.alice).label == "valid")
        #expect(v.verify(token: Fixed.token(e), relayedSender: Self.alice) == .valid(e))
    }

    @Test func countersArePerSender() {
        var v = verifier()
        let a = Fixed.envelope(Fixed.alice, counter: 1), b = Fixed.envelope(Fixed.bob, counter: 1)
        #expect(v.verify(token: Fixed.token(a, by: Fixed.alice), relayedSender: Self.alice) == .valid(a))
        #expect(v.verify(token: Fixed.token(b, by: Fixed.bob), relayedSender: Self.bob) == .valid(b))
    }

    /// The table of bad messages: what arrives, who the relay says sent it, the exact verdict.
    @Test func badMessages() throws {
        let seen = Fixed.envelope(counter: 5, text: "seen")
        let cases: [(String, String, [UInt8], EnvelopeVerdict)] = [
            ("the same token again", Fixed.token(seen), Self.alice, .replayed(seen)),
            ("re-encrypted, same counter", Fixed.token(Fixed.envelope(counter: 5, text: "other")), Self.alice,
             .replayed(Fixed.envelope(counter: 5, text: "other"))),
            ("lower counter", Fixed.token(Fixed.envelope(counter: 4)), Self.alice,
             .outOfOrder(Fixed.envelope(counter: 4), highest: 5)),
            ("another room", Fixed.token(Fixed.envelope(room: Fixed.otherRoom, counter: 6)), Self.alice,
             .wrongRoom(Fixed.envelope(room: Fixed.otherRoom, counter: 6))),
            ("relayed from mallory", Fixed.token(Fixed.envelope(counter: 6)), Self.mallory,
             .forged(.senderMismatch(relayed: Self.mallory), Fixed.envelope(counter: 6))),
            ("signed by mallory as alice", try forgedToken(), Self.alice,
             .forged(.badSignature, Fixed.envelope(counter: 7, text: "forged"))),
            ("another room key", Fixed.token(Fixed.envelope(counter: 8), key: .generate()), Self.alice, .undecryptable),
            ("not a token", "hello", Self.alice,
             .malformed(.malformed("not a Fernet token: malformed token: not URL-safe base64 with correct padding"))),
            ("a token of garbage", Fernet(key: Fixed.key).encrypt([1], now: 0), Self.alice,
             .malformed(.malformed("truncated before the kind"))),
        ]
        for (name, token, sender, expected) in cases {
            var v = verifier()
            #expect(v.verify(token: Fixed.token(seen), relayedSender: Self.alice) == .valid(seen))
            let verdict = v.verify(token: token, relayedSender: sender)
            #expect(verdict == expected, "\(name)")
            #expect(verdict.warning != nil, "\(name)")
            // A rejected message never moves the counter.
            #expect(v.highestCounter(of: Self.alice) == 5, "\(name)")
        }
    }

    func forgedToken() throws -> String {
        let e = Fixed.envelope(counter: 7, text: "forged")
        var bytes = try e.unsignedBytes()
        bytes += try Fixed.mallory.signingKey.signature(for: Envelope.signedMessage(bytes))
        return Fernet(key: Fixed.key).encrypt(bytes, now: 0)
    }

    @Test func restoredCountersRecogniseReplaysFromAnEarlierSession() {
        var v = EnvelopeVerifier(roomID: Fixed.room, keys: [Fixed.key], highestCounters: [Self.alice: 9])
        #expect(v.verify(token: Fixed.token(Fixed.envelope(counter: 9)), relayedSender: Self.alice) == .replayed(Fixed.envelope(counter: 9)))
        #expect(v.verify(token: Fixed.token(Fixed.envelope(counter: 2)), relayedSender: Self.alice)
                == .outOfOrder(Fixed.envelope(counter: 2), highest: 9))
        #expect(v.verify(token: Fixed.token(Fixed.envelope(counter: 10)), relayedSender: Self.alice).label == "valid")
    }

    @Test func olderRoomKeysStillOpenHistory() {
        let old = FernetKey.generate()
        var v = EnvelopeVerifier(roomID: Fixed.room, keys: [Fixed.key, old])
        let e = Fixed.envelope(counter: 1)
        #expect(v.verify(token: Fixed.token(e, key: old), relayedSender: Self.alice) == .valid(e))
    }

    @Test func noKeyMeansUndecryptable() {
        var v = EnvelopeVerifier(roomID: Fixed.room, keys: [])
        #expect(v.verify(token: Fixed.token(Fixed.envelope()), relayedSender: Self.alice) == .undecryptable)
    }

    @Test func labels() {
        let e = Fixed.envelope()
        let all: [(EnvelopeVerdict, String)] = [
            (.valid(e), "valid"), (.undecryptable, "undecryptable"), (.malformed(.malformed("x")), "malformed"),
            (.forged(.badSignature, e), "forged"), (.wrongRoom(e), "wrong_room"), (.replayed(e), "replayed"),
            (.outOfOrder(e, highest: 2), "out_of_order"),
        ]
        for (verdict, label) in all { #expect(verdict.label == label) }
        #expect(EnvelopeVerdict.valid(e).warning == nil)
    }
}
