import SecureChatCore
import SecureChatCrypto
import SecureChatGroup
import SecureChatWire
import Testing
@testable import SecureChatClient

/// Issue 17: what the relay (or a file, or another member) hands the session is checked where
/// it is used, and nothing in it can crash the session, name a path or pass for a member.
@Suite struct UntrustedInputTests {
    /// Finding 8: the room id a knock by join code learns from the relay names the client's
    /// state file, so anything but a room id (1–64 of A–Z a–z 0–9 - _) ends the session there.
    @Test(arguments: ["../../x", "..", "a/b", "", String(repeating: "a", count: 65), "room id", "caf\u{E9}", "x\u{0}y"])
    func aKnockAnswerWithAnInvalidRoomIDIsRefused(_ roomID: String) {
        var s = Script(People.bob, name: "bob", target: .code("123456"), keys: [])
        s.open()
        s.feed(Relay.hello())
        let out = s.feed(.knocked(.init(roomID: roomID, knockID: "k1", expiresAt: 5)))
        #expect(s.session.roomID == nil)
        guard case .notAdmitted(let why)? = out.finish else { Issue.record("accepted room id \(roomID)"); return }
        #expect(why == "the relay named an invalid room id")
        #expect(!out.events.contains { if case .waitingForApproval = $0 { true } else { false } })
    }

    @Test func aKnockAnswerWithAValidRoomIDIsTaken() {
        var s = Script(People.bob, name: "bob", target: .code("123456"), keys: [])
        s.open()
        s.feed(Relay.hello())
        let out = s.feed(.knocked(.init(roomID: "Ab-_09", knockID: "k1", expiresAt: 5)))
        #expect(s.session.roomID == "Ab-_09" && out.finish == nil)
    }

    /// Finding 9: an approval "signed" by the identity point with the universal signature
    /// (R = identity, S = 0) verified, so a relay could admit a joiner with a room key of its
    /// own choosing. The approver's key is refused now.
    @Test func anApprovalByASmallOrderKeyIsRefused() throws {
        var s = Script(People.bob, name: "bob", target: .room(Relay.room, policy: .approval), keys: [])
        s.open()
        s.feed(Relay.hello(), .knocked(.init(roomID: Relay.room, knockID: "k1", expiresAt: 5)))
        let relayKey = FernetKey.generate()
        let identity: [UInt8] = [1] + [UInt8](repeating: 0, count: 31)
        // An add commit "by" the identity point, sealing the relay's key to Bob.
        let add = GroupCommit(roomID: Relay.room, epoch: 1, prev: [UInt8](repeating: 0, count: 32), kind: .add, author: identity,
                              subject: People.bob.key, subjectAgreementKey: People.bob.agreementKey.publicKey.rawRepresentation,
                              policy: .approval, keyID: GroupKeys.keyID(roomID: Relay.room, key: relayKey.rawRepresentation),
                              sealed: [try GroupKeys.seal(relayKey.rawRepresentation, to: People.bob.key,
                                                          agreementKey: People.bob.agreementKey.publicKey.rawRepresentation, roomID: Relay.room)],
                              signature: identity + [UInt8](repeating: 0, count: 32))
        let out = s.feed(.approved(.init(roomID: Relay.room, commit: WireBytes(add.bytes))))
        guard case .notAdmitted? = out.finish else { Issue.record("admitted by the identity point: \(out)"); return }
        #expect(!s.session.keys.contains(relayKey))
    }
}
