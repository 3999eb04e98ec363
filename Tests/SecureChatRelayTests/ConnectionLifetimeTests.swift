import NIOConcurrencyHelpers
import NIOCore
import SecureChatCore
@testable import SecureChatRelay
import SecureChatWire
import Testing

/// A connection that has closed leaves nothing behind: not its channel (with its pipeline,
/// buffers and logger), nor an entry in any of the relay's registries. A relay that clients
/// reconnect to all day must not grow with every connection it has ever served.
@Suite struct ConnectionLifetimeTests {
    /// Weak references to the server side of connections, to see when they are freed.
    final class Watched: Sendable {
        private struct Entry: @unchecked Sendable { weak var channel: (any Channel)? }
        private let entries = NIOLockedValueBox<[Entry]>([])

        /// Watches the channels of every connection the relay has open now.
        func addOpen(of relay: Relay) {
            let channels = relay.connections.withLockedValue { $0.values.compactMap(\.channel) }
            entries.withLockedValue { e in for c in channels { e.append(Entry(channel: c)) } }
        }

        var count: Int { entries.withLockedValue { $0.count } }
        var alive: Int { entries.withLockedValue { $0.count { $0.channel != nil } } }
    }

    @Test func aClosedWebSocketIsFreed() async throws {
        try await TestRelay.with { live in
            let watched = Watched()
            for _ in 0..<3 {
                // A raw client: hello, then the close handshake.
                let ws = try RawWebSocket(port: live.port)
                _ = try ws.next(where: { $0.opcode == RawWebSocket.text })
                try await waitUntil { live.relay.connectionCount == 1 }
                watched.addOpen(of: live.relay)
                ws.sendClose(1000)
                _ = try ws.next(where: { $0.opcode == RawWebSocket.close })
                #expect(ws.readsToEnd())
                try await waitUntil { live.relay.connectionCount == 0 }
            }
            #expect(watched.count == 3)
            try await waitUntil { watched.alive == 0 }
        }
    }

    @Test func membersWhoLeaveLeaveNoTrace() async throws {
        try await TestRelay.with({ $0.limits.connectionsPerAddress = 3 }) { live in
            let room = TestRoom.make(.approval)
            let watched = Watched()
            let owner = Identity.generate()  // the same owner each round; the others are new
            for round in 0..<2 {
                let ada = try await live.connect("Ada", identity: owner), bob = try await live.connect("Bob"), cy = try await live.connect("Cy")
                if round == 0 { try await ada.create(room, secrets: live.secrets) }
                try await ada.join(room)
                if round == 0 {
                    let sent = ada.say("before the churn", in: room, secrets: live.secrets)
                    _ = try await ada.ack(sent.clientID)
                }
                _ = try await bob.knock(room: room.id)
                try await waitUntil { live.relay.connectionCount == 3 }
                watched.addOpen(of: live.relay)
                for peer in [ada, bob, cy] { peer.close() }
                try await waitUntil { live.relay.connectionCount == 0 }
                // Presence, knocks and the per-address count are all given back...
                #expect(live.relay.hub.connections(of: ada.signingKey, in: room.id).isEmpty)
                #expect(live.relay.knocks.pending(in: room.id).isEmpty)
            }
            // ...so the address may open its three connections again.
            let again = try await [live.connect("Ada"), live.connect("Bob"), live.connect("Cy")]
            #expect(live.relay.connectionCount == 3)
            for peer in again { peer.close() }
            try await waitUntil { live.relay.connectionCount == 0 }
            #expect(watched.count == 6)
            try await waitUntil { watched.alive == 0 }
        }
    }

    private func waitUntil(_ condition: () -> Bool, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        for _ in 0..<500 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
        #expect(condition(), sourceLocation: sourceLocation)
    }
}
