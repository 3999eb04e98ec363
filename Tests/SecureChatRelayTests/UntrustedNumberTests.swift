import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SecureChatCore
import SecureChatCrypto
@testable import SecureChatRelay
import SecureChatWire
import Testing

/// Numbers from headers, queries and frames at the edges of their types: each gets a clear
/// refusal, and the relay keeps serving everyone else (issue 17, finding 1 and its kind).
@Suite struct UntrustedNumberTests {
    func headers(key: String, time: String, signature: String = Base64URL.encode([UInt8](repeating: 1, count: 64))) -> HTTPFields {
        var h = HTTPFields()
        h[HTTPField.Name("X-Securechat-Key")!] = key
        h[HTTPField.Name("X-Securechat-Time")!] = time
        h[HTTPField.Name("X-Securechat-Signature")!] = signature
        h[HTTPField.Name("X-Securechat-Nonce")!] = Base64URL.encode(SecureRandom.bytes(16))
        return h
    }

    @Test func extremeExportTimesAreRefusedAndTheRelayStaysUp() async throws {
        try await TestRelay.with { live in
            let key = Base64URL.encode(SecureRandom.bytes(32))
            for time in [String(Int64.min), String(Int64.max), String(Int64.min + 1), "-1", "99999999999999999999", "0x10", "+5"] {
                let response = try await live.http.execute(uri: "/api/rooms/k3Jd9xQm2LwP8aZt5RvYbc/log", method: .get,
                                                           headers: headers(key: key, time: time))
                #expect(response.status == .unauthorized, "time \(time)")
            }
            for after in [String(Int64.max), String(Int64.min), "-1", "18446744073709551616"] {
                let response = try await live.http.execute(uri: "/api/rooms/k3Jd9xQm2LwP8aZt5RvYbc/log?after=\(after)", method: .get,
                                                           headers: headers(key: key, time: String(Int64(Relay.now))))
                #expect(response.status == .badRequest || response.status == .unauthorized, "after \(after)")
            }
            let health = try await live.http.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
        }
    }

    /// A relay configured (programmatically) with no ceiling on room lifetimes: a client asking
    /// for the largest lifetime gets a room that expires at the end of time, not a crash.
    @Test func theLongestLifetimeSaturates() async throws {
        try await TestRelay.with({ $0.limits.maxTTLSeconds = .max }) { live in
            let ada = try await live.connect("Ada")
            let room = TestRoom.make()
            let created = try await ada.create(room, ttl: .max)
            #expect(created.expiresAt == .max)
            try await ada.join(room)
            #expect(try await live.http.execute(uri: "/health", method: .get).status == .ok)
        }
    }

    /// Numbers in frames at and past the edges of their types.
    @Test func extremeNumbersInFramesGetClearErrors() async throws {
        try await TestRelay.with { live in
            let ada = try await live.connect("Ada")
            let room = TestRoom.make()
            try await ada.create(room)
            try await ada.join(room)
            ada.say("one", in: room, clientID: "one")
            _ = try await ada.ack("one")
            // after_seq: the largest replays nothing, the smallest is refused.
            let bob = try await live.connect("Bob")
            bob.send(.join(.init(roomID: room.id, afterSeq: .max, proof: bob.proof(for: room))))
            let synced = try await bob.until { if case .synced(let s) = $0 { s } else { nil } }
            #expect(synced.seq == 1)
            let carol = try await live.connect("Carol")
            carol.send(.join(.init(roomID: room.id, afterSeq: .min, proof: carol.proof(for: room))))
            #expect(try await carol.error().code == .malformedFrame)
            // Numbers that do not fit their field, or are not integers, are malformed frames.
            for text in [#"{"type":"join","room_id":"\#(room.id)","after_seq":1e30}"#,
                         #"{"type":"join","room_id":"\#(room.id)","after_seq":9223372036854775808}"#,
                         #"{"type":"join","room_id":"\#(room.id)","after_seq":1.5}"#,
                         #"{"type":"create_room","room_id":"x1","policy":"approval","ttl_seconds":-1,"signature":"AA"}"#,
                         #"{"type":"create_room","room_id":"x1","policy":"approval","ttl_seconds":18446744073709551616,"signature":"AA"}"#,
                         #"{"type":"create_room","room_id":"x1","policy":"approval","max_members":4294967296,"signature":"AA"}"#] {
                carol.sendText(text)
                #expect(try await carol.error().code == .malformedFrame, "\(text)")
            }
            // The largest values that fit are refused by the limits, not by a trap.
            var huge = carol.createFrame(TestRoom.make(.approval), ttl: .max, maxMembers: .max)
            carol.send(.createRoom(huge))
            #expect(try await carol.error().code == .ttlTooLong)
            huge = carol.createFrame(TestRoom.make(.approval), maxMembers: .max)
            carol.send(.createRoom(huge))
            #expect(try await carol.error().code == .roomFull)
            #expect(try await live.http.execute(uri: "/health", method: .get).status == .ok)
        }
    }
}
