import Testing
import SecureChatCore
import SecureChatCrypto
import SecureChatWire
@testable import SecureChatClient

/// Names are signed by their members; the session shows a name only from a statement that
/// verifies and is newer than the one it holds, and claims its own `--name`.
@Suite struct NameSessionTests {
    static func statement(_ who: Identity, _ name: String, version: UInt64, signer: Identity? = nil) -> WireBytes {
        WireBytes(try! (signer ?? who).signingKey.signature(for: SignedPayload.memberName(roomID: Relay.room, version: version, name: name)))
    }

    static func event(_ who: Identity, _ name: String, version: UInt64, signer: Identity? = nil) -> ServerFrame {
        .event(.init(roomID: Relay.room, event: .name, member: who.wire, name: name, time: 5, nameVersion: version,
                     nameSignature: statement(who, name, version: version, signer: signer)))
    }

    func bobsName(_ s: Script) -> String? { s.session.roster.first { $0.signingKey == People.bob.key }?.name }

    @Test func onlyTheMembersOwnNewerStatementRenamesIt() {
        var s = Script()
        s.joinOpenRoom()
        // Forged by the relay (signed by someone else): ignored.
        #expect(s.feed(Self.event(People.bob, "Mallory", version: 10, signer: People.mallory)).isEmpty)
        #expect(bobsName(s) == "bob")
        let renamed = s.feed(Self.event(People.bob, "Robert", version: 10))
        #expect(renamed.notices.map(\.kind) == [.rename] && renamed.notices.first?.detail == "bob")
        #expect(bobsName(s) == "Robert")
        // An older statement, replayed: ignored.
        #expect(s.feed(Self.event(People.bob, "bob", version: 9)).isEmpty)
        // The relay's unsigned names no longer replace it.
        s.feed(Relay.roster([(People.alice, "alice", .member), (People.bob, "Bobby Tables", .member)]))
        #expect(bobsName(s) == "Robert")
        // A statement in a roster counts like one in an event.
        s.feed(.roster(.init(roomID: Relay.room, members: [
            .init(member: People.bob.wire, agreementKey: People.bob.agreementWire, name: "Rob", role: .member, online: true,
                  nameVersion: 11, nameSignature: Self.statement(People.bob, "Rob", version: 11)),
        ])))
        #expect(bobsName(s) == "Rob")
    }

    @Test func aNameAskedForIsClaimedOnceSigned() throws {
        var s = Script(name: "Alice A.", claimName: true)
        s.open()
        s.feed(Relay.hello(), .authenticated(.init(signingKey: People.alice.wire)), Relay.joined())
        let out = s.feed(Relay.roster([(People.alice, "alice", .member), (People.bob, "bob", .member)]))
        guard case .setName(let f)? = out.writes.first(where: { if case .setName = $0 { true } else { false } }) else {
            Issue.record("no set_name"); return
        }
        #expect(f.name == "Alice A." && f.version == Relay.now * 1000)
        let key = try Curve25519.Signing.PublicKey(rawRepresentation: People.alice.key)
        #expect(key.isValidSignature(f.signature.bytes, for: SignedPayload.memberName(roomID: Relay.room, version: f.version, name: f.name)))
        // Once the room has it, a reconnect claims nothing.
        s.feed(Self.event(People.alice, "Alice A.", version: f.version), Relay.synced(0))
        _ = s.record(s.session.connectionClosed(reason: "gone"))
        s.open()
        s.feed(Relay.hello(), Relay.joined())
        let again = s.feed(.roster(.init(roomID: Relay.room, members: [
            .init(member: People.alice.wire, agreementKey: People.alice.agreementWire, name: "Alice A.", role: .member, online: true,
                  nameVersion: f.version, nameSignature: Self.statement(People.alice, "Alice A.", version: f.version)),
        ])))
        #expect(!again.writes.contains { if case .setName = $0 { true } else { false } })
    }

    @Test func withoutANameAskedForTheRoomsNameStays() {
        var s = Script(name: "login-name")
        s.open()
        s.feed(Relay.hello(), .authenticated(.init(signingKey: People.alice.wire)), Relay.joined())
        let out = s.feed(Relay.roster([(People.alice, "alice", .member)]))
        #expect(!out.writes.contains { if case .setName = $0 { true } else { false } })
    }
}
