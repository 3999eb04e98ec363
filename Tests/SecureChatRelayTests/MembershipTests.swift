import Foundation
import SecureChatCore
import SecureChatCrypto
import SecureChatGroup
@testable import SecureChatRelay
import SecureChatWire
import Testing

/// Removal, leaving, key rotation, expiry and shutdown, as members experience them.
@Suite struct MembershipTests {
    /// Joins an open room and enters its group state; waits until the commit is in.
    func enter(_ peer: TestPeer, _ room: TestRoom) async throws {
        try await peer.join(room)
        peer.enterGroup(room)
        _ = try await peer.nextCommit(in: room, kind: .join)
    }

    @Test func theOwnerRemovesAMemberAndTheKeyChangesWithIt() async throws {
        try await TestRelay.with { live in
            let room = TestRoom.make()
            let owner = try await live.connect("Owner"), bob = try await live.connect("Bob")
            let carolID = Identity.generate()
            let carol = try await live.connect("Carol", identity: carolID)
            try await owner.create(room, secrets: live.secrets)
            try await owner.join(room)
            try await enter(bob, room)
            try await enter(carol, room)

            // Only the owner may remove.
            let byBob = try GroupCommitBuilder.remove(room.group, member: carol.signingKey, newKey: FernetKey.generate().rawRepresentation,
                                                      by: bob.identity.signingKey)
            bob.commit(byBob, in: room)
            let refusal = try await bob.error()
            #expect(refusal.code == .badCommit && refusal.message.contains("not_owner"))

            // The removal carries the new key, sealed to everyone who stays: one step.
            let newKey = owner.removeMember(carol, from: room)
            live.secrets.addKey("rotated room key", newKey.rawRepresentation)
            let removed = try await carol.until { if case .removed(let r) = $0 { r } else { nil } }
            #expect(removed.by == owner.key)
            let (forBob, commit) = try await bob.nextCommit(in: room, kind: .remove)
            #expect(commit.subject == carol.signingKey)
            #expect(try bob.unseal(commit) == newKey)
            #expect(try owner.unseal(try await owner.nextCommit(in: room, kind: .remove).commit) == newKey)
            #expect(forBob.seq == 3)
            let event = try await bob.until { if case .event(let e) = $0, e.event == .remove { e } else { nil } }
            #expect(event.member == carol.key)
            // Carol hears nothing more and can say nothing.
            carol.say("still here?", in: room, clientID: "c1")
            #expect(try await carol.error().code == .notMember)
            await carol.expectSilence()

            // Carol still knows the old key, which no longer opens the room; and the relay
            // remembers that she was removed, so no proof admits her again.
            let again = try await live.connect("Carol", identity: carolID)
            again.send(.join(.init(roomID: room.id, proof: again.proof(for: room))))
            #expect(try await again.error().code == .removed)
            // Someone else with only the old key is refused by the rotated access key.
            let stranger = try await live.connect("Stranger")
            stranger.send(.join(.init(roomID: room.id, proof: stranger.proof(for: room))))
            #expect(try await stranger.error().code == .badProof)
            // Bob talks under the new key.
            let current = TestRoom(id: room.id, key: newKey, policy: .open)
            bob.say("new key", in: current, secrets: live.secrets)
            #expect(try await owner.hear(in: current).text == "new key")
        }
    }

    @Test func theChainReachesOfflineMembersFirstOnEveryJoin() async throws {
        try await TestRelay.with { live in
            let room = TestRoom.make()
            let owner = try await live.connect("Owner")
            let bobID = Identity.generate(), carolID = Identity.generate()
            var bob = try await live.connect("Bob", identity: bobID)
            let carol = try await live.connect("Carol", identity: carolID)
            try await owner.create(room)
            try await owner.join(room)
            try await enter(bob, room)
            try await enter(carol, room)
            bob.close()
            owner.say("one", in: room, clientID: "1")
            _ = try await owner.ack("1")
            let newKey = owner.removeMember(carol, from: room)
            _ = try await owner.nextCommit(in: room, kind: .remove)
            let current = TestRoom(id: room.id, key: newKey, policy: .open)
            owner.say("three", in: current, clientID: "3")
            _ = try await owner.ack("3")

            // Bob resumes after his own join (seq 1) and Carol's (seq 2): the whole chain comes
            // first, then only the messages he missed.
            bob = try await live.connect("Bob", identity: bobID)
            let (_, frames) = try await bob.join(room, after: 2, withProof: false)
            var keys = [room.key]
            var epochs = [UInt64](), texts = [String]()
            for f in frames {
                switch f {
                case .commit(let c):
                    let commit = try GroupCommit(parsing: c.commit.bytes)
                    epochs.append(commit.epoch)
                    if commit.kind == .remove { keys.insert(try bob.unseal(commit), at: 0) }
                case .message(let m): texts.append(String(decoding: try Fernet(keys: keys).decrypt(m.ciphertext, now: 0), as: UTF8.self))
                default: break
                }
            }
            #expect(epochs == [0, 1, 2, 3])
            #expect(texts == ["one", "three"])
        }
    }

    @Test func leavingEndsMembership() async throws {
        try await TestRelay.with { live in
            let room = TestRoom.make(.approval)
            let owner = try await live.connect("Owner"), joiner = try await live.connect("Joiner")
            try await owner.create(room)
            try await owner.join(room)
            let k = try await joiner.knock(room: room.id)
            let notice = try await owner.until { if case .knock(let n) = $0, n.knockID == k.knockID { n } else { nil } }
            owner.send(.approve(owner.approval(of: notice, room: room)))
            _ = try await joiner.until { if case .approved(let a) = $0 { a } else { nil } }
            try await joiner.join(room)
            joiner.leaveRoom(room)
            _ = try await joiner.until { if case .left(let l) = $0 { l } else { nil } }
            let e = try await owner.until { if case .event(let e) = $0, e.event == .leave { e } else { nil } }
            #expect(e.member == joiner.key)
            joiner.send(.join(.init(roomID: room.id)))
            #expect(try await joiner.error().code == .notMember)
            // The owner cannot leave: the room would have no one to remove members.
            let ownerLeaves = try GroupCommitBuilder.leave(room.group, by: owner.identity.signingKey)
            owner.commit(ownerLeaves, in: room)
            let refusal = try await owner.error()
            #expect(refusal.code == .badCommit && refusal.message.contains("owner_cannot_leave"))
        }
    }

    @Test func anExpiredRoomIsForgotten() async throws {
        try await TestRelay.with { live in
            let room = TestRoom.make(.approval)
            let owner = try await live.connect("Owner")
            try await owner.create(room, ttl: 3, secrets: live.secrets)
            try await owner.join(room)
            owner.say("short-lived", in: room, clientID: "s", secrets: live.secrets)
            _ = try await owner.ack("s")
            let knocker = try await live.connect("Knocker")
            _ = try await knocker.knock(room: room.id)
            let e = try await owner.until(timeout: .seconds(5)) { if case .event(let e) = $0, e.event == .expire { e } else { nil } }
            #expect(e.roomID == room.id)
            #expect(try await knocker.error().code == .roomExpired)
            owner.send(.join(.init(roomID: room.id)))
            #expect(try await owner.error().code == .roomNotFound)
            #expect(try await live.relay.store.room(room.id) == nil)
            #expect(try await live.relay.store.messages(room.id, after: 0, limit: 10).isEmpty)
            #expect(try await live.relay.store.members(room.id).isEmpty)
        }
    }

    @Test func shutdownTellsMembers() async throws {
        try await TestRelay.with { live in
            let room = TestRoom.make()
            let owner = try await live.connect("Owner")
            try await owner.create(room)
            try await owner.join(room)
            await live.relay.announceShutdown(grace: .seconds(2))
            let bye = try await owner.until { if case .bye(let b) = $0 { b } else { nil } }
            #expect(bye.reason.contains("shutting down"))
            try await owner.expectClosed()
            #expect(live.relay.connectionCount == 0)
        }
    }
}
