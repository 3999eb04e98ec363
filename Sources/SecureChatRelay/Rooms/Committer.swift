import Logging
import NIOCore
import SecureChatWire
import Synchronization

/// Writes messages and key rotations to the database in arrival order, many per transaction
/// when they arrive faster than one transaction takes (group commit), and only then
/// acknowledges and forwards them. One loop does all of it, so sequence numbers, acks and
/// deliveries are in the same order everywhere.
final class Committer: Sendable {
    struct Pending: Sendable {
        let request: CommitRequest
        let connection: RelayConnection
        let clientID: String?
        let bytes: Int
    }

    private struct State: ~Copyable {
        var queue: [Pending] = []
        var waiter: CheckedContinuation<[Pending]?, Never>?
        var finished = false
    }

    static let maxBatch = 1024
    private let state = Mutex(State())

    /// Queues a request; false once the committer has finished (the relay is shutting down).
    func submit(_ p: Pending) -> Bool {
        let (accepted, waiter, batch): (Bool, CheckedContinuation<[Pending]?, Never>?, [Pending]) = state.withLock { s in
            guard !s.finished else { return (false, nil, []) }
            s.queue.append(p)
            guard let w = s.waiter else { return (true, nil, []) }
            s.waiter = nil
            return (true, w, Self.takeBatch(&s.queue))
        }
        waiter?.resume(returning: batch)
        return accepted
    }

    /// No new requests; the loop commits what is queued and returns.
    func finish() {
        let waiter = state.withLock { s in
            s.finished = true
            let w = s.waiter
            s.waiter = nil
            return w
        }
        waiter?.resume(returning: nil)
    }

    private func next() async -> [Pending]? {
        await withCheckedContinuation { (c: CheckedContinuation<[Pending]?, Never>) in
            let ready: [Pending]?? = state.withLock { s in
                if !s.queue.isEmpty { return .some(Self.takeBatch(&s.queue)) }
                if s.finished { return .some(nil) }
                s.waiter = c
                return .none
            }
            if let ready { c.resume(returning: ready) }
        }
    }

    private static func takeBatch(_ queue: inout [Pending]) -> [Pending] {
        if queue.count <= maxBatch {
            defer { queue.removeAll(keepingCapacity: true) }
            return queue
        }
        let batch = Array(queue.prefix(maxBatch))
        queue.removeFirst(maxBatch)
        return batch
    }

    /// The commit loop; returns after `finish()` once everything queued is committed.
    func run(relay: Relay) async {
        while let batch = await next() {
            let results: [CommitResult]
            do {
                results = try await relay.store.commit(batch.map(\.request))
            } catch {
                relay.logger.error("commit failed", metadata: ["error": "\(type(of: error))", "frames": "\(batch.count)"])
                results = batch.map { .failed(.init(.internalError, "the relay could not store this", roomID: $0.request.room,
                                                    clientID: $0.clientID)) }
            }
            for (p, result) in zip(batch, results) { relay.committed(p, result) }
        }
    }
}

extension Relay {
    /// After the commit: acknowledge to the sender, then forward to everyone else joined.
    func committed(_ p: Committer.Pending, _ result: CommitResult) {
        let conn = p.connection
        defer { conn.inFlight.leave() }
        switch (p.request, result) {
        case (_, .failed(let error)):
            logRefusal(error, conn)
            conn.send(.error(error))
        case (.send(let room, _, let clientID, _, _), .duplicate(let seq)):
            logger.debug("duplicate message", metadata: ["conn": "\(conn.id)", "room": "\(room)", "seq": "\(seq)"])
            conn.send(.ack(.init(roomID: room, clientID: clientID, seq: seq)))
        case (.send(let room, let sender, let clientID, let ciphertext, let time), .committed(let seq)):
            logger.debug("message", metadata: ["conn": "\(conn.id)", "room": "\(room)", "seq": "\(seq)", "bytes": "\(p.bytes)"])
            conn.send(.ack(.init(roomID: room, clientID: clientID, seq: seq)))
            let frame = RelayConnection.encode(.message(.init(roomID: room, seq: seq, sender: WireBytes(sender), clientID: clientID,
                                                              ciphertext: ciphertext, time: time)))
            hub.deliver(room: room, seq: seq) { $0.connection.id == conn.id ? nil : frame }
        case (.rotate(let room, let by, let f, let time), .committed(let seq)):
            logger.info("key rotated", metadata: ["conn": "\(conn.id)", "room": "\(room)", "seq": "\(seq)", "keys": "\(f.sealedKeys.count)"])
            let sealed = Dictionary(f.sealedKeys.map { ($0.member.bytes, $0) }, uniquingKeysWith: { a, _ in a })
            hub.deliver(room: room, seq: seq) { r in
                let k = sealed[r.member]
                return RelayConnection.encode(.rotated(.init(roomID: room, seq: seq, by: WireBytes(by), accessKey: f.accessKey,
                                                             enc: k?.enc, ct: k?.ct, signature: k?.signature, time: time)))
            }
        case (.rotate, .duplicate):
            break
        }
    }
}
