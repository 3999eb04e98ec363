import ArgumentParser
import Foundation
import NIOCore
import SecureChatCore
import SecureChatCrypto
import SecureChatGroup
import SecureChatWire
import Synchronization

/// Many clients in many rooms, every one sending: is every message acknowledged and delivered to
/// every other member of its room exactly once and in the order its sender sent it?
struct Many: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "N clients in R open rooms each send M messages; counts what was lost, duplicated or reordered.",
        discussion: "Prints one JSON object; exits 1 when a message was lost, duplicated, out of order or never acknowledged.")

    @Option(help: "The relay's WebSocket URL (ws://HOST:PORT/v2/ws).") var url: String
    @Option(help: "Clients, spread over the rooms in turn.") var clients = 1000
    @Option(help: "Messages each client sends.") var messages = 100
    @Option(help: "Rooms.") var rooms = 20
    @Option(help: "Unacknowledged messages each client keeps in flight.") var window = 10
    @Option(help: "Connections opened at a time.") var parallel = 100
    @Option(help: "Seconds without progress before giving up.") var stall = 30.0

    func validate() throws {
        guard clients >= 2, rooms >= 1, rooms * 2 <= clients else { throw ValidationError("need at least two clients per room") }
        guard messages >= 1, window >= 1, parallel >= 1 else { throw ValidationError("--messages, --window and --parallel must be positive") }
    }

    /// What one client received: per sender of its room, how often each message number arrived
    /// and the highest number seen so far (an earlier number arriving later is out of order).
    final class Inbox: Sendable {
        struct State {
            var counts: [UInt8]
            var highest: [Int]
            var outOfOrder = 0
            var foreign = 0
        }
        let state: Mutex<State>
        let messages: Int
        init(senders: Int, messages: Int) {
            self.messages = messages
            state = Mutex(State(counts: [UInt8](repeating: 0, count: senders * messages), highest: [Int](repeating: -1, count: senders)))
        }

        /// A message `n` from the room's `sender`-th member.
        func received(sender: Int, n: Int) {
            state.withLock { s in
                guard sender >= 0, sender < s.highest.count, n >= 0, n < messages else { s.foreign += 1; return }
                let i = sender * messages + n
                if s.counts[i] == 0, n < s.highest[sender] { s.outOfOrder += 1 }
                s.counts[i] = s.counts[i] &+ 1
                s.highest[sender] = max(s.highest[sender], n)
            }
        }
    }

    /// Frames every client received and acknowledgements, counted from the event loops.
    final class Counts: Sendable {
        let delivered = Atomic<Int>(0)
        let acked = Atomic<Int>(0)
    }

    func run() async throws {
        let (host, port) = try endpoint(url)
        let (clients, messages, rooms, window, parallel) = (self.clients, self.messages, self.rooms, self.window, self.parallel)
        let perRoom = (0..<rooms).map { r in (clients - r + rooms - 1) / rooms }  // clients r, r + rooms, ...
        let keys = (0..<rooms).map { _ in FernetKey.generate() }
        let ids = (0..<rooms).map { _ in Base64URL.encode(SecureRandom.bytes(16)) }
        let now = UInt64(Date().timeIntervalSince1970)
        let tokens = keys.map { Fernet(key: $0).encrypt([UInt8](repeating: 0x61, count: 100), now: now) }

        let counts = Counts()
        let windows = (0..<clients).map { _ in Permits(window) }
        // Client i is in room i % rooms, where it is member number i / rooms.
        let inboxes = (0..<clients).map { i in Inbox(senders: perRoom[i % rooms], messages: messages) }

        func onMessage(_ me: Int) -> @Sendable (ByteBuffer) -> Void {
            { data in
                counts.delivered.add(1, ordering: .relaxed)
                guard let id = RawConnection.clientID(data), id.first == "s", let dash = id.firstIndex(of: "-"),
                      let sender = Int(id[id.index(after: id.startIndex)..<dash]), let n = Int(id[id.index(after: dash)...]) else {
                    inboxes[me].received(sender: -1, n: -1)
                    return
                }
                inboxes[me].received(sender: sender % rooms == me % rooms ? sender / rooms : -1, n: n)
            }
        }

        let handlers = (0..<clients).map { onMessage($0) }

        // Connect and sign in, `parallel` at a time.
        var conns = [RawConnection]()
        conns.reserveCapacity(clients)
        while conns.count < clients {
            let base = conns.count
            let batch = min(parallel, clients - base)
            let opened = try await withThrowingTaskGroup(of: (Int, RawConnection).self) { group in
                for k in 0..<batch {
                    let i = base + k
                    group.addTask {
                        let c = try await RawConnection.connect(host: host, port: port, onMessage: handlers[i],
                                                                onAck: { _ in counts.acked.add(1, ordering: .relaxed); windows[i].release() })
                        try await c.authenticate(name: "client-\(i)")
                        return (i, c)
                    }
                }
                return try await group.reduce(into: [(Int, RawConnection)]()) { $0.append($1) }
            }
            conns += opened.sorted { $0.0 < $1.0 }.map(\.1)
        }

        // Room r is created by client r, then every client joins its room.
        for r in 0..<rooms {
            let owner = conns[r]
            let access = try RoomAccess.signingKey(roomKey: keys[r].rawRepresentation, roomID: ids[r])
            let most = UInt32(perRoom[r])
            let payload = SignedPayload.createRoom(roomID: ids[r], policy: .open, ttlSeconds: 3600, maxMembers: most,
                                                   accessKey: access.publicKey.rawRepresentation)
            let genesis = try GroupCommitBuilder.create(roomID: ids[r], policy: .open, key: keys[r].rawRepresentation, owner: owner.signing,
                                                        ownerAgreementKey: owner.agreement.publicKey.rawRepresentation)
            owner.send(.createRoom(.init(roomID: ids[r], policy: .open, ttlSeconds: 3600, maxMembers: most,
                                         accessKey: WireBytes(access.publicKey.rawRepresentation), commit: WireBytes(genesis.bytes),
                                         signature: WireBytes(try owner.signing.signature(for: payload)))))
            _ = try await owner.wait("create_room") { if case .roomCreated(let c) = $0 { c } else { nil } }
        }
        var joined = 0
        while joined < clients {
            let base = joined
            let batch = min(parallel, clients - base)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in base..<(base + batch) {
                    let c = conns[i], r = i % rooms
                    group.addTask {
                        let access = try RoomAccess.signingKey(roomKey: keys[r].rawRepresentation, roomID: ids[r])
                        let proof = try access.signature(for: SignedPayload.join(challenge: c.challenge, signingKey: c.key.bytes))
                        c.send(.join(.init(roomID: ids[r], afterSeq: 0, proof: WireBytes(proof))))
                        _ = try await c.wait("join") { if case .synced(let s) = $0 { s } else { nil } }
                    }
                }
                try await group.waitForAll()
            }
            joined += batch
        }

        // Everyone sends at once, each keeping `window` messages unacknowledged.
        let start = nanos()
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<clients {
                let c = conns[i], r = i % rooms
                group.addTask {
                    for n in 0..<messages {
                        await windows[i].acquire()
                        c.send(text: #"{"ciphertext":"\#(tokens[r])","client_id":"s\#(i)-\#(n)","room_id":"\#(ids[r])","type":"send"}"#)
                    }
                }
            }
        }
        let expected = (0..<clients).reduce(0) { $0 + messages * (perRoom[$1 % rooms] - 1) }
        let sent = clients * messages
        var last = (counts.acked.load(ordering: .relaxed), counts.delivered.load(ordering: .relaxed))
        var lastProgress = nanos()
        while counts.acked.load(ordering: .relaxed) < sent || counts.delivered.load(ordering: .relaxed) < expected {
            try await Task.sleep(for: .milliseconds(50))
            let now = (counts.acked.load(ordering: .relaxed), counts.delivered.load(ordering: .relaxed))
            if now != last { last = now; lastProgress = nanos() }
            if Double(nanos() - lastProgress) / 1e9 > stall { break }
        }
        let seconds = Double(nanos() - start) / 1e9
        try await Task.sleep(for: .milliseconds(500))  // anything late (a duplicate) still counts
        for c in conns { c.close() }

        var distinct = 0, duplicated = 0, outOfOrder = 0, foreign = 0
        for inbox in inboxes {
            inbox.state.withLock { s in
                for c in s.counts where c > 0 {
                    distinct += 1
                    duplicated += Int(c) - 1
                }
                outOfOrder += s.outOfOrder
                foreign += s.foreign
            }
        }
        // A member that got its own messages back would show as more deliveries than expected.
        let figures: [String: Any] = [
            "clients": clients, "rooms": rooms, "messages_per_client": messages, "sent": sent,
            "acknowledged": counts.acked.load(ordering: .relaxed), "expected_deliveries": expected, "delivered": distinct,
            "lost": expected - distinct, "duplicated": duplicated, "out_of_order": outOfOrder, "unexpected": foreign,
            "seconds": (seconds * 10).rounded() / 10, "deliveries_per_second": Int(Double(distinct) / seconds),
        ]
        let json = try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys])
        emit(String(decoding: json, as: UTF8.self))
        if counts.acked.load(ordering: .relaxed) != sent || distinct != expected || duplicated != 0 || outOfOrder != 0 || foreign != 0 {
            throw ExitCode(1)
        }
    }
}
