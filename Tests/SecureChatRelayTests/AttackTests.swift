import Foundation
import SecureChatCore
import SecureChatCrypto
@testable import SecureChatRelay
import SecureChatWire
import Testing

/// Each flaw of the chat apps this project replaces, as an attack on a live relay that must fail
/// without disturbing anyone else.
@Suite struct AttackTests {
    @Test func aConnectionThatNeverJoinedCannotSendIntoARoom() async throws {
        try await TestRelay.with { live in
            let room = TestRoom.make()
            let ada = try await live.connect("Ada")
            try await ada.create(room, secrets: live.secrets)
            try await ada.join(room)
            // Authenticated, knows the room id, never joined.
            let mallory = try await live.connect("Mallory")
            mallory.say("injected", in: room, clientID: "x1")
            let refused = try await mallory.error()
            #expect(refused.code == .notMember && refused.roomID == room.id && refused.clientID == "x1")
            // Not even authenticated.
            let anonymous = try await live.connect("Anonymous", authenticate: false)
            anonymous.send(.send(.init(roomID: room.id, clientID: "x2", ciphertext: room.fernet.encrypt([1], now: 0))))
            #expect(try await anonymous.error().code == .notAuthenticated)
            await ada.expectSilence()
            #expect(try await live.relay.store.room(room.id)?.lastSeq == 0)
        }
    }

    @Test func aConnectionOutsideTheRoomReadsNothing() async throws {
        try await TestRelay.with { live in
            let room = TestRoom.make()
            let ada = try await live.connect("Ada"), bob = try await live.connect("Bob")
            try await ada.create(room)
            try await ada.join(room)
            try await bob.join(room)
            let eve = try await live.connect("Eve")
            for i in 1...3 { ada.say("private \(i)", in: room, secrets: live.secrets) }
            bob.enterGroup(room)
            bob.leaveRoom(room)
            await eve.expectSilence(for: .milliseconds(500))
        }
    }

    @Test func noOneCanSpeakAsAnotherMember() async throws {
        try await TestRelay.with { live in
            let room = TestRoom.make()
            let ada = try await live.connect("Ada"), bob = try await live.connect("Bob")
            try await ada.create(room)
            try await ada.join(room)
            try await bob.join(room)
            // Mallory claims Ada's public key but can only sign with her own.
            let mallory = try await live.connect("Mallory", authenticate: false)
            mallory.send(.auth(mallory.authFrame(claiming: ada.signingKey)))
            #expect(try await mallory.error().code == .badSignature)
            try await mallory.expectClosed()
            // Replaying Ada's real auth signature from another connection fails: other challenge.
            let replayer = try await live.connect("Replayer", authenticate: false)
            var replayed = ada.authFrame()
            replayed.signingKey = ada.key
            replayer.send(.auth(replayed))
            #expect(try await replayer.error().code == .badSignature)
            // A member cannot set the sender: the relay names the connection's own key.
            let frame = #"{"type":"send","room_id":"\#(room.id)","client_id":"spoof","sender":"\#(ada.key.base64URL)","ciphertext":"\#(room.fernet.encrypt(Array("hi".utf8), now: 0))"}"#
            bob.sendText(frame)
            let m = try await ada.until { if case .message(let m) = $0 { m } else { nil } }
            #expect(m.sender == bob.key)
        }
    }

    @Test func aRoomIDWithoutTheKeyDoesNotOpenAnOpenRoom() async throws {
        try await TestRelay.with { live in
            let room = TestRoom.make()
            let ada = try await live.connect("Ada")
            try await ada.create(room, secrets: live.secrets)
            try await ada.join(room)
            let eve = try await live.connect("Eve")
            // No proof.
            eve.send(.join(.init(roomID: room.id)))
            #expect(try await eve.error().code == .badProof)
            // A proof from a guessed key.
            let guess = TestRoom(id: room.id, key: .generate(), policy: .open)
            eve.send(.join(.init(roomID: room.id, proof: eve.proof(for: guess))))
            #expect(try await eve.error().code == .badProof)
            // A real proof, stolen from another connection (bound to its challenge and key).
            let bob = try await live.connect("Bob")
            let stolen = bob.proof(for: room)
            eve.send(.join(.init(roomID: room.id, proof: stolen)))
            #expect(try await eve.error().code == .badProof)
            // The access key's public half, which the relay stores, is no help either.
            eve.send(.join(.init(roomID: room.id, proof: WireBytes(room.access.publicKey.rawRepresentation + room.access.publicKey.rawRepresentation))))
            #expect(try await eve.error().code == .badProof)
            await ada.expectSilence()
            eve.say("hello?", in: guess)
            #expect(try await eve.error().code == .notMember)
            // With the key, Bob gets in.
            try await bob.join(room)
        }
    }

    @Test func oversizedFramesAreRefusedAndTheConnectionLives() async throws {
        try await TestRelay.with { live in
            let room = TestRoom.make()
            let ada = try await live.connect("Ada"), bob = try await live.connect("Bob")
            try await ada.create(room)
            try await ada.join(room)
            try await bob.join(room)
            let big = String(repeating: "A", count: 70_000)
            bob.send(.send(.init(roomID: room.id, clientID: "big", ciphertext: "gAAAAA" + big)))
            let e = try await bob.error()
            #expect(e.code == .frameTooLarge && e.limit == .frameBytes)
            // Still connected and still a member; Ada saw nothing of it.
            bob.say("small one", in: room, clientID: "small")
            #expect(try await bob.ack("small") == 1)
            #expect(try await ada.hear(in: room).text == "small one")
            // Far over the limit: the WebSocket layer closes that connection, nobody else's.
            bob.sendText(String(repeating: "B", count: 300_000))
            try await bob.expectClosed()
            ada.say("still here", in: room, clientID: "after")
            #expect(try await ada.ack("after") == 2)
        }
    }

    @Test func aFloodIsLimitedAndOthersAreUnaffected() async throws {
        try await TestRelay.with { live in
            let room = TestRoom.make()
            let ada = try await live.connect("Ada"), flooder = try await live.connect("Flooder"), bob = try await live.connect("Bob")
            try await ada.create(room)
            for p in [ada, flooder, bob] { try await p.join(room) }
            let token = room.fernet.encrypt(Array("spam".utf8), now: 0)
            for i in 0..<300 { flooder.send(.send(.init(roomID: room.id, clientID: "f\(i)", ciphertext: token))) }
            var acked = 0, limited = 0
            while acked + limited < 300 {
                switch try await flooder.next() {
                case .ack: acked += 1
                case .error(let e) where e.code == .rateLimited:
                    #expect(e.limit == .messagesPerSecond)
                    limited += 1
                default: break
                }
            }
            // The burst (40, less what auth and join already spent) passes, then the bucket holds;
            // how much refills while 300 frames arrive depends on the machine's speed.
            #expect(acked >= 30 && acked < 200 && limited > 100, "acked \(acked), limited \(limited)")
            // Ada talks normally meanwhile, and Bob hears her.
            ada.say("unaffected", in: room, clientID: "ada-1")
            _ = try await ada.ack("ada-1")
            let heard = try await bob.until { f -> String? in
                guard case .message(let m) = f, m.clientID == "ada-1" else { return nil }
                return String(decoding: try! room.fernet.decrypt(m.ciphertext, now: 0), as: UTF8.self)
            }
            #expect(heard == "unaffected")
        }
    }

    @Test func garbageIsAnsweredNotFatal() async throws {
        try await TestRelay.with { live in
            let p = try await live.connect("Garbage")
            p.sendText("not json")
            #expect(try await p.error().code == .malformedFrame)
            p.sendText(#"{"type":"teleport"}"#)
            #expect(try await p.error().code == .unknownType)
            p.sendText(#"{"type":"join"}"#)
            let missing = try await p.error()
            #expect(missing.code == .malformedFrame && missing.message.contains("room_id"))
            p.sendBinary([0x80, 0, 1])
            #expect(try await p.error().code == .malformedFrame)
            p.send(.ping(.init()))
            #expect(try await p.next() == .pong(.init()))
        }
    }

    @Test func connectionsRoomsAndMembersArePerAddressAndPerRoomLimited() async throws {
        try await TestRelay.with({ $0.limits.connectionsPerAddress = 3; $0.limits.roomsPerAddress = 2 }) { live in
            let a = try await live.connect("A"), b = try await live.connect("B"), c = try await live.connect("C")
            do {
                _ = try await live.connect("D")
                Issue.record("a fourth connection from one address was accepted")
            } catch let r as Refused {
                #expect(r.error.code == .tooManyConnections && r.error.limit == .connectionsPerAddress && r.closed)
            }
            try await a.create(TestRoom.make())
            try await b.create(TestRoom.make(.approval))
            let third = TestRoom.make()
            c.send(.createRoom(c.createFrame(third)))
            let rooms = try await c.error()
            #expect(rooms.code == .tooManyRooms && rooms.limit == .roomsPerAddress)
            // A closed connection frees its slot.
            c.close()
            try await c.expectClosed()
            try await Task.sleep(for: .milliseconds(200))
            _ = try await live.connect("E")
        }
    }

    @Test func aFullRoomTurnsAwayTheNextMember() async throws {
        try await TestRelay.with { live in
            let room = TestRoom.make()
            let a = try await live.connect("A"), b = try await live.connect("B"), c = try await live.connect("C")
            try await a.create(room, maxMembers: 2)
            try await a.join(room)
            try await b.join(room)
            c.send(.join(.init(roomID: room.id, proof: c.proof(for: room))))
            let e = try await c.error()
            #expect(e.code == .roomFull && e.limit == .membersPerRoom)
        }
    }

    @Test func aConnectionThatNeverAuthenticatesIsClosed() async throws {
        try await TestRelay.with({ $0.authTimeout = 0.5 }) { live in
            let silent = try await live.connect("Silent", authenticate: false)
            let talker = try await live.connect("Talker")
            let e = try await silent.error(timeout: .seconds(5))
            #expect(e.code == .authTimeout)
            try await silent.expectClosed()
            try await Task.sleep(for: .milliseconds(600))
            talker.send(.ping(.init()))
            #expect(try await talker.next() == .pong(.init()))
        }
    }

    @Test func theSecretScanFindsWhatItLooksFor() throws {
        // The harness's final check must be able to fail: a secret in the logs is reported.
        let logs = LogCapture()
        logs.append("info relay: message=hello-plaintext-123")
        let secrets = Secrets()
        secrets.add("plaintext", text: "hello-plaintext-123")
        withKnownIssue {
            try TestRelay.scan(databasePath: "/nonexistent", logs: logs, secrets: secrets)
        }
    }
}
