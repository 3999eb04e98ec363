import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import SecureChatGroup
import SecureChatWire

/// Writes messages and key rotations to the database in arrival order, many per transaction
/// when they arrive faster than one transaction takes (group commit), and only then
/// acknowledges and forwards them. One loop does all of it, so sequence numbers, acks and
/// deliveries are in the same order everywhere. The loop has a thread of its own: SQLite calls
/// block, and a message then goes from the socket reader to this thread to the receivers'
/// event loops with no other hand-offs.
final class Committer: @unchecked Sendable {
    struct Pending: Sendable {
        let request: CommitRequest
        let connection: RelayConnection
        let clientID: String?
        let bytes: Int
    }

    static let maxBatch = 1024
    // `queue` and `finished` are guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [Pending] = []
    private var finished = false

    /// Queues a request; false once the committer has finished (the relay is shutting down).
    func submit(_ p: Pending) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !finished else { return false }
        queue.append(p)
        condition.signal()
        return true
    }

    /// No new requests; the loop commits what is queued and returns.
    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch, waiting for one; nil once finished and drained.
    private func next() -> [Pending]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty, !finished { condition.wait() }
        guard !queue.isEmpty else { return nil }
        if queue.count <= Self.maxBatch {
            defer { queue.removeAll(keepingCapacity: true) }
            return queue
        }
        let batch = Array(queue.prefix(Self.maxBatch))
        queue.removeFirst(Self.maxBatch)
        return batch
    }

    /// Runs the commit loop on its own thread; returns after `finish()` once everything queued
    /// is committed.
    func run(relay: Relay) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                while let batch = self.next() { self.commit(batch, relay: relay) }
                done.resume()
            }
            thread.name = "securechat-commit"
            thread.start()
        }
    }

    private func commit(_ batch: [Pending], relay: Relay) {
        let results: [CommitResult]
        let started = ContinuousClock.now
        defer { relay.metrics.commitSeconds.record(ContinuousClock.now - started) }
        do {
            results = try relay.store.commit(batch.map(\.request), quota: relay.configuration.limits.historyQuota)
        } catch {
            relay.logger.error("commit failed", metadata: Relay.failure(error, ["frames": "\(batch.count)"]))
            results = batch.map { .failed(.init(.internalError, "the relay could not store this", roomID: $0.request.room,
                                                clientID: $0.clientID)) }
        }
        let rows = results.count { if case .committed = $0 { true } else { false } }
        if rows > 0 { relay.unCheckpointed.withLockedValue { $0.rows += rows } }
        for (p, result) in zip(batch, results) { relay.committed(p, result) }
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
            metrics.messagesIn.increment()
            let frame = RelayConnection.encode(.message(.init(roomID: room, seq: seq, sender: WireBytes(sender), clientID: clientID,
                                                              ciphertext: ciphertext, time: time)))
            metrics.deliveriesOut.increment(by: Int64(hub.deliver(room: room, seq: seq) { $0.connection.id == conn.id ? nil : frame }))
        case (.group(let room, let commit, let effect, let time), .committed(let seq)):
            logger.info("group commit", metadata: ["conn": "\(conn.id)", "room": "\(room)", "seq": "\(seq)", "epoch": "\(commit.epoch)",
                                                  "kind": "\(commit.kind)"])
            let frame = ServerFrame.commit(.init(roomID: room, seq: seq, commit: WireBytes(commit.bytes), time: time))
            let encoded = RelayConnection.encode(frame)
            // An approved joiner hears first, so that it is in the room by the time members answer.
            metrics.groupCommits.increment()
            if case .admit = effect { carryOut(effect, of: commit, room: room, time: time) }
            metrics.deliveriesOut.increment(by: Int64(hub.deliver(room: room, seq: seq) { _ in encoded }))
            if case .admit = effect {} else { carryOut(effect, of: commit, room: room, time: time) }
        case (.group, .duplicate):
            break
        }
    }

    /// What a stored commit does besides reaching the members: answer a knock, or end a membership.
    func carryOut(_ effect: CommitEffect, of commit: GroupCommit, room: String, time: Int64) {
        let by = WireBytes(commit.author)
        switch effect {
        case .none:
            break
        case .admit(let member, let knockID):
            guard let k = knocks.take(knockID, room: room) else { return }
            k.connection.machine.withLockedValue { $0.knockEnded(k.id) }
            k.connection.send(.approved(.init(roomID: room, commit: WireBytes(commit.bytes))))
            logger.info("knock approved", metadata: ["room": "\(room)", "knock": "\(k.id)"])
            hub.broadcast(.event(.init(roomID: room, event: .approve, member: WireBytes(member.signingKey),
                                       agreementKey: WireBytes(member.agreementKey), name: member.name, by: by, time: time)), to: room)
        case .expel(let member):
            let removal = commit.kind == .remove
            detach(member: member, from: room, farewell: removal ? .removed(.init(roomID: room, by: by)) : .left(.init(roomID: room)))
            logger.info(removal ? "member removed" : "member left", metadata: ["room": "\(room)", "member": "\(Self.keyID(member))"])
            hub.broadcast(.event(.init(roomID: room, event: removal ? .remove : .leave, member: WireBytes(member),
                                       by: removal ? by : nil, time: time)), to: room)
        }
    }
}
