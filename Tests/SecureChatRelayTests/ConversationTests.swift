import Foundation
import SecureChatCore
@testable import SecureChatRelay
import SecureChatWire
import Testing

/// Scripted conversations between real WebSocket clients and a live relay on a free port.
@Suite struct ConversationTests {
    @Test func threeMembersTalkInAnOpenRoom() async throws {
        try await TestRelay.with { live in
            let room = TestRoom.make()
            let ada = try await live.connect("Ada"), bob = try await live.connect("Bob"), cy = try await live.connect("Cy")
            let created = try await ada.create(room, secrets: live.secrets)
            #expect(created.policy == .open && created.maxMembers == 50)

            let (adaJoined, adaFrames) = try await ada.join(room)
            #expect(adaJoined.role == .owner && adaJoined.lastSeq == 0)
            guard case .roster(let roster)? = adaFrames.first else { Issue.record("no roster"); return }
            #expect(roster.members.map(\.name) == ["Ada"] && roster.members[0].online)

            let (bobJoined, _) = try await bob.join(room)
            #expect(bobJoined.role == .member)
            // Ada hears that Bob became a member and came online.
            let event = try await ada.until { if case .event(let e) = $0, e.event == .join { e } else { nil } }
            #expect(event.member == bob.key && event.name == "Bob")
            let online = try await ada.until { if case .presence(let p) = $0 { p } else { nil } }
            #expect(online.member == bob.key && online.online)
            try await cy.join(room)

            let sent = ada.say("hello from Ada", in: room, secrets: live.secrets)
            #expect(try await ada.ack(sent.clientID) == 1)
            for peer in [bob, cy] {
                let heard = try await peer.hear(in: room)
                #expect(heard.seq == 1 && heard.text == "hello from Ada" && heard.sender == ada.signingKey)
            }
            let reply = bob.say("hi Ada, Bob here", in: room, secrets: live.secrets)
            #expect(try await bob.ack(reply.clientID) == 2)
            #expect(try await ada.hear(in: room).text == "hi Ada, Bob here")
            #expect(try await cy.hear(in: room).text == "hi Ada, Bob here")

            // The sender does not get its own message back, only the ack.
            await bob.expectSilence()
            #expect(live.relay.connectionCount == 3)
        }
    }

    @Test func keepAlivePingsLeaveTheConversationAlone() async throws {
        try await TestRelay.with({ $0.pingInterval = 0.1 }) { live in
            let room = TestRoom.make()
            let ada = try await live.connect("Ada"), bob = try await live.connect("Bob")
            try await ada.create(room)
            try await ada.join(room)
            try await bob.join(room)
            try await Task.sleep(for: .milliseconds(500))  // several pings, answered by the clients
            ada.say("still talking", in: room, secrets: live.secrets)
            #expect(try await bob.hear(in: room).text == "still talking")
            #expect(live.relay.connectionCount == 2)
        }
    }

    @Test func resendingAClientIDIsIdempotent() async throws {
        try await TestRelay.with { live in
            let room = TestRoom.make()
            let ada = try await live.connect("Ada"), bob = try await live.connect("Bob")
            try await ada.create(room, secrets: live.secrets)
            try await ada.join(room)
            try await bob.join(room)
            let first = ada.say("only once", in: room, clientID: "msg-1", secrets: live.secrets)
            #expect(try await ada.ack("msg-1") == 1)
            // The same client id again (a retry after a lost ack): the same ack, no second copy.
            ada.send(.send(.init(roomID: room.id, clientID: "msg-1", ciphertext: first.ciphertext)))
            #expect(try await ada.ack("msg-1") == 1)
            #expect(try await bob.hear(in: room).seq == 1)
            await bob.expectSilence()
            // Another sender may use the same client id: ids are per sender.
            bob.say("mine", in: room, clientID: "msg-1", secrets: live.secrets)
            #expect(try await bob.ack("msg-1") == 2)
        }
    }

    @Test func messagesArriveInOrderUnderLoad() async throws {
        try await TestRelay.with({ $0.limits.messagesPerSecond = 10_000; $0.limits.burst = 10_000 }) { live in
            let room = TestRoom.make()
            let ada = try await live.connect("Ada"), bob = try await live.connect("Bob"), cy = try await live.connect("Cy")
            try await ada.create(room)
            for p in [ada, bob, cy] { try await p.join(room) }
            for i in 1...200 { (i % 2 == 0 ? ada : bob).say("message \(i)", in: room, clientID: "c\(i)") }
            var seqs = [Int64]()
            for _ in 1...200 { seqs.append(try await cy.hear(in: room).seq) }
            #expect(seqs == Array(1...200))
        }
    }

    @Test func resumeAfterADroppedConnectionLosesAndRepeatsNothing() async throws {
        try await TestRelay.with { live in
            let room = TestRoom.make()
            let ada = try await live.connect("Ada")
            let bobIdentity = Identity.generate()
            var bob = try await live.connect("Bob", identity: bobIdentity)
            try await ada.create(room, secrets: live.secrets)
            try await ada.join(room)
            try await bob.join(room)
            for i in 1...3 { ada.say("before \(i)", in: room, clientID: "b\(i)", secrets: live.secrets) }
            var lastSeen: Int64 = 0
            for _ in 1...3 { lastSeen = try await bob.hear(in: room).seq }
            #expect(lastSeen == 3)

            bob.drop()  // the network goes away without a goodbye
            let offline = try await ada.until { if case .presence(let p) = $0, !p.online { p } else { nil } }
            #expect(offline.member == bob.key)
            for i in 1...4 { ada.say("while away \(i)", in: room, clientID: "w\(i)", secrets: live.secrets) }
            for i in 1...4 { _ = try await ada.ack("w\(i)") }

            // Bob comes back as the same identity and asks for everything after seq 3.
            bob = try await live.connect("Bob", identity: bobIdentity)
            let (joined, replay) = try await bob.join(room, after: lastSeen)
            #expect(joined.lastSeq == 7)
            let replayed = try replay.compactMap { f -> (Int64, String)? in
                guard case .message(let m) = f else { return nil }
                return (m.seq, String(decoding: try room.fernet.decrypt(m.ciphertext, now: 0), as: UTF8.self))
            }
            #expect(replayed.map(\.0) == [4, 5, 6, 7])
            #expect(replayed.map(\.1) == (1...4).map { "while away \($0)" })
            // Then live, continuing the sequence.
            ada.say("welcome back", in: room, secrets: live.secrets)
            let next = try await bob.hear(in: room)
            #expect(next.seq == 8 && next.text == "welcome back")
        }
    }

    @Test func historyAndMembershipSurviveARestart() async throws {
        let dir = try TestRelay.makeDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let room = TestRoom.make()
        let ada = Identity.generate(), bob = Identity.generate()
        try await TestRelay.with(directory: dir) { live in
            let a = try await live.connect("Ada", identity: ada), b = try await live.connect("Bob", identity: bob)
            try await a.create(room, secrets: live.secrets)
            try await a.join(room)
            try await b.join(room)
            for i in 1...5 { a.say("kept \(i)", in: room, clientID: "k\(i)", secrets: live.secrets) }
            for i in 1...5 { _ = try await a.ack("k\(i)") }
        }
        try await TestRelay.with(directory: dir) { live in
            // Bob is still a member: no proof needed, and the whole history is there, in order.
            let b = try await live.connect("Bob", identity: bob)
            let (joined, frames) = try await b.join(room, withProof: false)
            #expect(joined.lastSeq == 5 && joined.role == .member)
            let texts = try frames.compactMap { f -> String? in
                guard case .message(let m) = f else { return nil }
                return String(decoding: try room.fernet.decrypt(m.ciphertext, now: 0), as: UTF8.self)
            }
            #expect(texts == (1...5).map { "kept \($0)" })
            let a = try await live.connect("Ada", identity: ada)
            try await a.join(room, after: 5)
            a.say("after the restart", in: room, secrets: live.secrets)
            #expect(try await b.hear(in: room).seq == 6)
        }
    }
}
