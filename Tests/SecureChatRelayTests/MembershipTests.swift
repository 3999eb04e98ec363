import Foundation
import SecureChatCore
import SecureChatCrypto
@testable import SecureChatRelay
import SecureChatWire
import Testing

/// Removal, leaving, key rotation, expiry and shutdown, as members experience them.
@Suite struct MembershipTests {
    /// A rotation that seals `newKey` to each of `members`, with the new access key.
    func rotation(by owner: TestPeer, room: TestRoom, newKey: FernetKey, to members: [TestPeer]) throws -> ClientFrame.Rotate {
        let next = TestRoom(id: room.id, key: newKey, policy: room.policy)
        let access = next.access.publicKey.rawRepresentation
        let sealed = try members.map { m -> ClientFrame.SealedKey in
            let s = try HPKE.seal(newKey.rawRepresentation, to: m.identity.agreementKey.publicKey,
                                  info: SignedPayload.roomKeyInfo(roomID: room.id))
            let sig = try owner.identity.signingKey.signature(for: SignedPayload.rotateKey(roomID: room.id, member: m.signingKey,
                                                                                          enc: s.encapsulatedKey, ct: s.ciphertext))
            return .init(member: m.key, enc: WireBytes(s.encapsulatedKey), ct: WireBytes(s.ciphertext), signature: WireBytes(sig))
        }
        let sig = try owner.identity.signingKey.signature(for: SignedPayload.rotate(roomID: room.id, accessKey: access))
        return .init(roomID: room.id, accessKey: WireBytes(access), sealedKeys: sealed, signature: WireBytes(sig))
    }

    func unseal(_ r: ServerFrame.Rotated, for peer: TestPeer) throws -> FernetKey {
        guard let enc = r.enc, let ct = r.ct else { throw PeerError(description: "no key sealed to \(peer.name)") }
        return try FernetKey(rawRepresentation: HPKE.open(ct.bytes, encapsulatedKey: enc.bytes, privateKey: peer.identity.agreementKey,
                                                          info: SignedPayload.roomKeyInfo(roomID: r.roomID)))
    }

    @Test func theOwnerRemovesAMemberAndRotatesTheKey() async throws {
        try await TestRelay.with { live in
            let room = TestRoom.make()
            let owner = try await live.connect("Owner"), bob = try await live.connect("Bob")
            let carolID = Identity.generate()
            let carol = try await live.connect("Carol", identity: carolID)
            try await owner.create(room, secrets: live.secrets)
            for p in [owner, bob, carol] { try await p.join(room) }

            // Only the owner may remove.
            bob.send(.remove(.init(roomID: room.id, member: carol.key)))
            #expect(try await bob.error().code == .notOwner)

            owner.send(.remove(.init(roomID: room.id, member: carol.key)))
            let removed = try await carol.until { if case .removed(let r) = $0 { r } else { nil } }
            #expect(removed.by == owner.key)
            let event = try await bob.until { if case .event(let e) = $0, e.event == .remove { e } else { nil } }
            #expect(event.member == carol.key)
            // Carol hears nothing more and can say nothing.
            carol.say("still here?", in: room, clientID: "c1")
            #expect(try await carol.error().code == .notMember)

            // The owner rotates: a new key sealed to each remaining member, a new access key.
            let newKey = FernetKey.generate()
            live.secrets.addKey("rotated room key", newKey.rawRepresentation)
            owner.send(.rotate(try rotation(by: owner, room: room, newKey: newKey, to: [owner, bob])))
            let forBob = try await bob.until { if case .rotated(let r) = $0 { r } else { nil } }
            #expect(forBob.by == owner.key && forBob.seq == 1)
            #expect(try unseal(forBob, for: bob) == newKey)
            let forOwner = try await owner.until { if case .rotated(let r) = $0 { r } else { nil } }
            #expect(try unseal(forOwner, for: owner) == newKey)
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

    @Test func aRotationReachesOfflineMembersInHistoryOrder() async throws {
        try await TestRelay.with { live in
            let room = TestRoom.make()
            let owner = try await live.connect("Owner")
            let bobID = Identity.generate()
            var bob = try await live.connect("Bob", identity: bobID)
            try await owner.create(room)
            try await owner.join(room)
            try await bob.join(room)
            bob.close()
            owner.say("one", in: room, clientID: "1")
            _ = try await owner.ack("1")
            let newKey = FernetKey.generate()
            owner.send(.rotate(try rotation(by: owner, room: room, newKey: newKey, to: [owner, bob])))
            _ = try await owner.until { if case .rotated(let r) = $0 { r } else { nil } }
            let current = TestRoom(id: room.id, key: newKey, policy: .open)
            owner.say("three", in: current, clientID: "3")
            _ = try await owner.ack("3")

            bob = try await live.connect("Bob", identity: bobID)
            let (_, frames) = try await bob.join(room, withProof: false)
            var keys = [room.key]
            var texts = [String]()
            for f in frames {
                switch f {
                case .rotated(let r): keys.insert(try unseal(r, for: bob), at: 0)
                case .message(let m): texts.append(String(decoding: try Fernet(keys: keys).decrypt(m.ciphertext, now: 0), as: UTF8.self))
                default: break
                }
            }
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
            joiner.send(.leave(.init(roomID: room.id)))
            _ = try await joiner.until { if case .left(let l) = $0 { l } else { nil } }
            let e = try await owner.until { if case .event(let e) = $0, e.event == .leave { e } else { nil } }
            #expect(e.member == joiner.key)
            joiner.send(.join(.init(roomID: room.id)))
            #expect(try await joiner.error().code == .notMember)
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
