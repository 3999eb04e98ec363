import Testing
import SecureChatCrypto
@testable import SecureChatCore

/// Trust on first use (KnownKeys) and the safety number behind /verify.
@Suite struct EnvelopeKnownKeysTests {
    let alice = Fixed.alice.publicIdentity, bob = Fixed.bob.publicIdentity, mallory = Fixed.mallory.publicIdentity

    @Test func firstSightThenKnownThenChanged() {
        var keys = KnownKeys()
        #expect(keys.observe(roomID: Fixed.room, name: "alice", identity: alice, now: 10) == .new)
        #expect(keys.observe(roomID: Fixed.room, name: "alice", identity: alice, now: 11) == .known)
        #expect(keys.observe(roomID: Fixed.room, name: "alice", identity: mallory, now: 12) == .changed(previous: alice))
        // The warning is given once per change: the new identity is now the one remembered.
        #expect(keys.observe(roomID: Fixed.room, name: "alice", identity: mallory, now: 13) == .known)
        #expect(keys.identity(roomID: Fixed.room, name: "alice") == mallory)
    }

    @Test func namesArePerRoom() {
        var keys = KnownKeys()
        #expect(keys.observe(roomID: Fixed.room, name: "sam", identity: alice, now: 1) == .new)
        #expect(keys.observe(roomID: Fixed.otherRoom, name: "sam", identity: bob, now: 1) == .new)
        #expect(keys.observe(roomID: Fixed.room, name: "bob", identity: bob, now: 1) == .new)
    }

    @Test func changingOnlyTheAgreementKeyIsAChange() throws {
        var keys = KnownKeys()
        _ = keys.observe(roomID: Fixed.room, name: "alice", identity: alice, now: 1)
        let spliced = PublicIdentity(agreementKey: mallory.agreementKey, signingKey: alice.signingKey)
        #expect(keys.observe(roomID: Fixed.room, name: "alice", identity: spliced, now: 2) == .changed(previous: alice))
    }

    @Test func verificationFollowsTheIdentityAcrossRooms() {
        var keys = KnownKeys()
        #expect(!keys.isVerified(alice))
        keys.markVerified(alice)
        #expect(keys.isVerified(alice))
        #expect(!keys.isVerified(bob))
        keys.unmarkVerified(alice)
        #expect(!keys.isVerified(alice))
    }

    @Test func fileRoundTrip() throws {
        var keys = KnownKeys()
        _ = keys.observe(roomID: Fixed.room, name: "alice", identity: alice, now: 1_700_000_000)
        _ = keys.observe(roomID: Fixed.otherRoom, name: "bob 🐝", identity: bob, now: 1_700_000_001)
        keys.markVerified(bob)
        let bytes = KnownKeysFile.encode(keys)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("\"format\" : \"securechat-known-keys/1\""))
        #expect(text.contains("\"first_seen\" : \"2023-11-14T22:13:20Z\""))
        #expect(text.contains(alice.fingerprint))
        #expect(try KnownKeysFile.decode(bytes) == keys)
    }

    @Test(arguments: [
        ("not JSON", "nope", "not a known-keys file (expected a JSON object with format, members and verified)"),
        ("another format", #"{"format":"x/1","members":[],"verified":[]}"#, "unsupported format \"x/1\"; this securechat reads \"securechat-known-keys/1\""),
        ("short key", #"{"format":"securechat-known-keys/1","members":[{"room":"r","name":"n","signing_key":"AAAA","agreement_key":"AAAA","fingerprint":"","first_seen":"2023-11-14T22:13:20Z"}],"verified":[]}"#,
         "member 1 has an invalid key"),
    ])
    func badFiles(name: String, text: String, message: String) {
        #expect(throws: KnownKeysError.malformed(message), "\(name)") { try KnownKeysFile.decode(Array(text.utf8)) }
    }

    @Test func mergeKeepsLocalBindingsAndAddsTheOthers() {
        var mine = KnownKeys(), theirs = KnownKeys()
        _ = mine.observe(roomID: Fixed.room, name: "alice", identity: alice, now: 1)
        _ = theirs.observe(roomID: Fixed.room, name: "alice", identity: mallory, now: 2)
        _ = theirs.observe(roomID: Fixed.room, name: "bob", identity: bob, now: 2)
        theirs.markVerified(bob)
        mine.merge(theirs)
        #expect(mine.identity(roomID: Fixed.room, name: "alice") == alice)
        #expect(mine.identity(roomID: Fixed.room, name: "bob") == bob)
        #expect(mine.isVerified(bob))
    }

    // MARK: safety numbers

    /// Made with Python's `cryptography` and hashlib from the definition in SafetyNumber.swift.
    @Test func safetyNumberMatchesAnIndependentImplementation() {
        #expect(SafetyNumber.compute(alice, bob) == "68603 57763 68239 63557 93817 44668 98890 23745 09335 28372 20137 66104")
    }

    @Test func safetyNumberIsTheSameFromBothSides() {
        #expect(SafetyNumber.compute(alice, bob) == SafetyNumber.compute(bob, alice))
        #expect(SafetyNumber.compute(alice, mallory) != SafetyNumber.compute(alice, bob))
        let n = SafetyNumber.compute(alice, mallory)
        // Signal's length: twelve groups of five digits, about 100 bits for each member's keys.
        #expect(n.count == 71 && n.split(separator: " ").count == 12 && n.split(separator: " ").allSatisfy { $0.count == 5 && $0.allSatisfy(\.isNumber) })
    }
}
