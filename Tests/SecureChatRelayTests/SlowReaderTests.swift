import Foundation
import SecureChatCore
@testable import SecureChatRelay
import SecureChatWire
import Testing

/// A member that stops reading is cut off as docs/protocol.md promises: what the socket held,
/// then `error slow_reader`, then a close frame with code 1008, and a log line saying why;
/// everyone else goes on.
@Suite(.serialized) struct SlowReaderTests {
    @Test func aReaderThatStopsGetsTheErrorAndCloseCode() async throws {
        try await TestRelay.with({
            $0.limits.outboxBytes = 64 << 10
            $0.limits.messagesPerSecond = 100_000
            $0.limits.burst = 100_000
            // The slow member reads again only once the others have every message, which takes
            // longer than the default 10 s under ThreadSanitizer; past the grace its socket is
            // closed with the error still unsent. What is tested here is the order of what it reads.
            $0.limits.slowReaderGrace = 300
        }) { live in
            let room = TestRoom.make()
            let owner = try await live.connect("Owner"), other = try await live.connect("Other")
            try await owner.create(room)
            try await owner.join(room)
            try await other.join(room)

            // The slow member: a raw socket with a tiny receive window that stops reading once in.
            let identity = Identity.generate()
            let ws = try RawWebSocket(port: live.port, timeout: 10, receiveBuffer: 4096)
            guard case .hello(let hello) = try FrameCoding.decodeServerFrame(ws.next(where: { $0.opcode == RawWebSocket.text }).payload) else {
                Issue.record("no hello"); return
            }
            let origin = RelayOrigin.canonical(scheme: "ws", host: "127.0.0.1", port: live.port)!
            let signature = try identity.signingKey.signature(for: SignedPayload.auth(challenge: hello.challenge.bytes, relayID: hello.relay, origin: origin))
            let me = identity.signingKey.publicKey.rawRepresentation
            ws.send(text: String(decoding: FrameCoding.encode(ClientFrame.auth(.init(
                signingKey: WireBytes(me), agreementKey: WireBytes(identity.agreementKey.publicKey.rawRepresentation),
                name: "Slow", signature: WireBytes(signature)))), as: UTF8.self))
            let proof = try room.access.signature(for: SignedPayload.join(challenge: hello.challenge.bytes, signingKey: me))
            ws.send(text: String(decoding: FrameCoding.encode(ClientFrame.join(.init(roomID: room.id, afterSeq: 0, proof: WireBytes(proof)))),
                                 as: UTF8.self))
            _ = try ws.next(where: { $0.text.contains(#""type":"synced""#) })

            // 600 messages of about 11 KB: far more than the socket buffers and the outbox hold.
            let text = String(repeating: "x", count: 8000)
            var last = ""
            for _ in 0..<600 { last = owner.say(text, in: room).clientID }
            let lastSeq = try await owner.ack(last)
            // The others are not held back: the last message reaches them.
            let heard = try await other.until { if case .message(let m) = $0, m.seq == lastSeq { m } else { nil } }
            #expect(heard.seq == lastSeq)

            // Reading again: the frames the socket held, then the error, then the close frame.
            var error: ErrorFrame?
            var closeCode: Int?
            var messagesBefore = 0
            while let f = try ws.next() {
                if f.opcode == RawWebSocket.close { closeCode = f.closeCode; break }
                guard f.opcode == RawWebSocket.text, let frame = try? FrameCoding.decodeServerFrame(f.payload) else { continue }
                switch frame {
                case .message: if error == nil { messagesBefore += 1 } else { Issue.record("a message after the error") }
                case .error(let e): error = e
                default: break
                }
            }
            #expect(error?.code == .slowReader, "\(String(describing: error))")
            #expect(closeCode == 1008)
            #expect(messagesBefore < 600, "\(messagesBefore) messages before the cut")
            ws.sendClose(1008)
            #expect(ws.readsToEnd())
            #expect(live.logs.text.contains("slow reader cut off"), "\(live.logs.text.suffix(2000))")
        }
    }
}
