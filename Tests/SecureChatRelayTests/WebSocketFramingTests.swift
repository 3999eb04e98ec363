import Foundation
@testable import SecureChatRelay
import Testing

/// The WebSocket layer the relay runs itself (RFC 6455): pings, fragments, the close handshake,
/// and frames no client may send, each over a raw socket.
@Suite(.serialized) struct WebSocketFramingTests {
    /// A raw client past `hello`.
    static func open(_ live: LiveRelay) throws -> RawWebSocket {
        let ws = try RawWebSocket(port: live.port)
        let hello = try ws.next(where: { $0.opcode == RawWebSocket.text })
        #expect(hello.text.contains(#""type":"hello""#))
        return ws
    }

    @Test func aPingIsAnsweredWithItsPayload() async throws {
        try await TestRelay.with { live in
            let ws = try Self.open(live)
            ws.send(RawWebSocket.ping, Array("are you there".utf8))
            let pong = try ws.next(where: { $0.opcode != RawWebSocket.text })
            #expect(pong == .init(opcode: RawWebSocket.pong, payload: Array("are you there".utf8)))
        }
    }

    @Test func aFragmentedMessageIsPutTogether() async throws {
        try await TestRelay.with { live in
            let ws = try Self.open(live)
            ws.send(text: #"{"ty"#, fin: false)
            ws.send(RawWebSocket.ping, [])  // control frames may come between fragments
            ws.send(RawWebSocket.continuation, Array(#"pe":"#.utf8), fin: false)
            ws.send(RawWebSocket.continuation, Array(#""ping"}"#.utf8))
            #expect(try ws.next()?.opcode == RawWebSocket.pong)
            #expect(try ws.next()?.text == #"{"type":"pong"}"#)
        }
    }

    /// Malformed frames, and the close code each gets before the relay closes the socket.
    static let refusals: [(what: String, opcode: UInt8, rsv: UInt8, payload: [UInt8], code: Int)] = [
        ("reserved bit without an extension", RawWebSocket.text, 0b100, Array(#"{"type":"ping"}"#.utf8), 1002),
        ("reserved data opcode", 0x3, 0, [], 1002),
        ("reserved control opcode", 0xB, 0, [], 1002),
        ("close with a normal code", RawWebSocket.close, 0, [0x03, 0xE8], 1000),
        ("close with an application code", RawWebSocket.close, 0, [0x0F, 0xA0], 4000),
        ("close with no code", RawWebSocket.close, 0, [], 1000),
        ("close with a code never sent on the wire", RawWebSocket.close, 0, [0x03, 0xED], 1002),
        ("close with a code below 1000", RawWebSocket.close, 0, [0x00, 0x01], 1002),
    ]

    @Test(arguments: refusals.indices) func theCloseHandshake(_ i: Int) async throws {
        let c = Self.refusals[i]
        try await TestRelay.with { live in
            let ws = try Self.open(live)
            ws.send(c.opcode, c.payload, rsv: c.rsv)
            let close = try ws.next(where: { $0.opcode == RawWebSocket.close })
            #expect(close.closeCode == c.code, "\(c.what)")
            #expect(ws.readsToEnd(), "\(c.what): the relay closes the socket")
            try await waitUntil { live.relay.connectionCount == 0 }
        }
    }

    @Test func dataAfterACloseFrameIsNotRead() async throws {
        try await TestRelay.with { live in
            let ws = try Self.open(live)
            ws.sendClose(1000)
            ws.send(text: #"{"type":"ping"}"#)
            #expect(try ws.next() == .init(opcode: RawWebSocket.close, payload: [0x03, 0xE8]))
            #expect(try ws.next() == nil)
        }
    }

    @Test func aHalfClosedSocketEndsTheConnection() async throws {
        try await TestRelay.with { live in
            let ws = try Self.open(live)
            #expect(live.relay.connectionCount == 1)
            ws.shutdownWrite()
            #expect(ws.readsToEnd())
            try await waitUntil { live.relay.connectionCount == 0 }
        }
    }

    @Test func framesBeforeAHalfCloseAreStillAnswered() async throws {
        try await TestRelay.with { live in
            let ws = try Self.open(live)
            ws.send(text: #"{"type":"ping"}"#)
            ws.shutdownWrite()
            #expect(try ws.next()?.text == #"{"type":"pong"}"#)
            #expect(try ws.next() == nil)
        }
    }

    @Test func theRelaysOwnCloseIsAnsweredOnce() async throws {
        try await TestRelay.with { live in
            let ws = try Self.open(live)
            // Too many unauthenticated frames of the wrong kind: the relay closes with a policy code.
            ws.send(text: #"{"type":"join","room_id":"r"}"#)
            _ = try ws.next(where: { $0.text.contains("not_authenticated") })
            await live.relay.announceShutdown(grace: .milliseconds(1))
            let close = try ws.next(where: { $0.opcode == RawWebSocket.close })
            #expect(close.closeCode == 1001)
            ws.sendClose(1001)  // the client's answer gets no second close frame
            #expect(try ws.next() == nil)
        }
    }

    private func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<200 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
        #expect(condition())
    }
}
