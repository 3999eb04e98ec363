import SecureChatCore
import SecureChatCrypto
@testable import SecureChatRelay
import SecureChatWire
import Testing

/// Each room's history has a quota of messages and bytes (issue 17, finding 6): a send over it is
/// refused with `history_full`, naming the limit and echoing the client id, and nothing is stored.
@Suite struct HistoryQuotaTests {
    @Test func aSendOverTheMessageQuotaIsRefused() async throws {
        try await TestRelay.with({ $0.limits.historyMessages = 3 }) { live in
            let ada = try await live.connect("Ada")
            #expect(ada.hello.limits.historyMessages == 3)
            let room = TestRoom.make()
            try await ada.create(room)
            try await ada.join(room)
            for i in 1...3 {
                ada.say("m\(i)", in: room, clientID: "m\(i)")
                #expect(try await ada.ack("m\(i)") == Int64(i))
            }
            ada.say("one too many", in: room, clientID: "m4")
            let refused = try await ada.error()
            #expect(refused.code == .historyFull && refused.limit == .historyMessages)
            #expect(refused.roomID == room.id && refused.clientID == "m4")
            // A resend of a stored message still gets its original ack.
            ada.say("m2", in: room, clientID: "m2")
            #expect(try await ada.ack("m2") == 2)
            #expect(try await live.relay.store.room(room.id)?.lastSeq == 3)
        }
    }

    @Test func aSendOverTheByteQuotaIsRefused() async throws {
        try await TestRelay.with({ $0.limits.historyBytes = 400 }) { live in
            let ada = try await live.connect("Ada")
            let room = TestRoom.make()
            try await ada.create(room)
            try await ada.join(room)
            ada.say("short", in: room, clientID: "a")
            _ = try await ada.ack("a")
            ada.say(String(repeating: "x", count: 300), in: room, clientID: "b")
            let refused = try await ada.error()
            #expect(refused.code == .historyFull && refused.limit == .historyBytes && refused.clientID == "b")
        }
    }
}
