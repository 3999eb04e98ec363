import SecureChatCore
import SecureChatCrypto
import SecureChatGroup
import SecureChatWire

/// Sending, receiving and checking messages.
extension ChatSession {
    /// Queues `text`; it goes out now when live, else after the next sync. Kept until acknowledged.
    public mutating func send(_ text: String, now: UInt64) -> [Action] {
        guard phase != .finished else { return [] }
        let id = Base64URL.encode(SecureRandom.bytes(16))
        outbox.append(Outgoing(clientID: id, text: text))
        guard phase == .live else { return [.emit(.queued(clientID: id))] }
        let actions = transmit(now: now)
        // Held until the chain gives us a key to send with (see `sendingKey`); a message that only
        // waits for its turn in the send window is not "queued".
        if sendingKey == nil, outbox.contains(where: { $0.clientID == id && !$0.transmittedOnThisConnection }) {
            return actions + [.emit(.queued(clientID: id))]
        }
        return actions
    }

    /// Sends again what the relay refused for the moment (rate limited, or a commit to rebuild).
    public mutating func retryPending(now: UInt64) -> [Action] {
        sendHeld = false
        return groupDuties() + transmit(now: now)
    }

    /// A `send` refused with `rate_limited`: it and every later message go again, in order, once
    /// the relay's `retry_after_ms` has passed, then one per `sendInterval` until none waits. The
    /// relay refuses every later send of ours until this one comes again (docs/protocol.md,
    /// "Messages"), so no later message can be committed before it.
    mutating func rateLimited(at i: Int, retryAfterMs: Int64?) -> [Action] {
        for j in i..<outbox.count { outbox[j].transmittedOnThisConnection = false }
        throttled = true
        guard !sendHeld else { return [] }
        sendHeld = true
        let wait = min(max(retryAfterMs ?? 0, 0), 3_600_000)
        return [.retry(after: max(.milliseconds(wait), sendInterval))]
    }

    /// Transmits queued messages not yet sent on this connection, in order: up to the send
    /// window unacknowledged, or one per `sendInterval` while throttled, nothing while held. A
    /// message is sealed once (its counter, time and token fixed) so that a resend is the same
    /// message. New messages wait while the chain has no key for us to send with (not yet a
    /// member, or a member left and the key is stale until someone rotates it).
    mutating func transmit(now: UInt64) -> [Action] {
        guard phase == .live, let roomID, !sendHeld else { return [] }
        let key = sendingKey
        var actions = [Action]()
        var tooLarge = [String]()
        var exhausted = [String]()
        var inFlight = outbox.lazy.filter(\.transmittedOnThisConnection).count
        let window = throttled ? inFlight + 1 : sendWindow
        for i in outbox.indices where !outbox[i].transmittedOnThisConnection {
            guard inFlight < window else { break }
            if outbox[i].ciphertext == nil {
                guard let key else { break }
                // The counter may come from a state file or the history: at its top, refuse.
                let (counter, overflow) = max(ownCounter, verifier.highestCounter(of: me)).addingReportingOverflow(1)
                guard !overflow else {
                    exhausted.append(outbox[i].clientID)
                    continue
                }
                let envelope = Envelope(sender: me, roomID: roomID, counter: counter, time: now, body: Array(outbox[i].text.utf8))
                guard let token = try? envelope.seal(signingKey: config.identity.signingKey, fernet: Fernet(key: key), now: now) else {
                    tooLarge.append(outbox[i].clientID)
                    continue
                }
                let frame = ClientFrame.send(.init(roomID: roomID, clientID: outbox[i].clientID, ciphertext: token))
                guard FrameCoding.encode(frame).count <= frameLimit else {
                    tooLarge.append(outbox[i].clientID)
                    continue
                }
                ownCounter = counter
                outbox[i].counter = counter
                outbox[i].time = now
                outbox[i].ciphertext = token
            }
            outbox[i].transmittedOnThisConnection = true
            inFlight += 1
            actions.append(.write(.send(.init(roomID: roomID, clientID: outbox[i].clientID, ciphertext: outbox[i].ciphertext!))))
        }
        if throttled {
            if !outbox.contains(where: { !$0.transmittedOnThisConnection }) {
                throttled = false
            } else if !actions.isEmpty {
                // The next one goes after the interval. (When nothing could go, for want of a key
                // to send with, the commit that brings one calls again.)
                sendHeld = true
                actions.append(.retry(after: sendInterval))
            }
        }
        for id in exhausted {
            outbox.removeAll { $0.clientID == id }
            actions.append(.emit(.sendFailed(clientID: id, reason: "this identity's message counter in this room is exhausted (2^64-1)")))
        }
        for id in tooLarge {
            outbox.removeAll { $0.clientID == id }
            actions.append(.emit(.sendFailed(clientID: id, reason: "the message is too large for this relay (frames up to \(frameLimit) bytes)")))
        }
        return actions
    }

    mutating func ack(_ a: ServerFrame.Ack) -> [Action] {
        guard let i = outbox.firstIndex(where: { $0.clientID == a.clientID }) else { return [] }
        let sent = outbox.remove(at: i)
        _ = receiveSeq(a.seq)
        let message = ChatMessage(seq: a.seq, time: sent.time, sender: view(me), counter: sent.counter, text: sent.text, fromHistory: false)
        return [.emit(.sent(message, clientID: sent.clientID)), .emit(.resumeStateChanged(resumeState))]
    }

    mutating func message(_ m: ServerFrame.Message, now: UInt64) -> [Action] {
        // Judged against the chain, which comes first on every join: a message before it is not one.
        guard group != nil, phase == .syncing || phase == .live, receiveSeq(m.seq) else { return [] }
        // Our own message, committed before its acknowledgement was lost: it counts as acknowledged.
        if m.sender.bytes == me, let i = outbox.firstIndex(where: { $0.clientID == m.clientID && $0.ciphertext == m.ciphertext }) {
            let sent = outbox.remove(at: i)
            _ = verifier.verify(token: m.ciphertext, relayedSender: m.sender.bytes)
            let message = ChatMessage(seq: m.seq, time: sent.time, sender: view(me), counter: sent.counter, text: sent.text, fromHistory: false)
            return [.emit(.sent(message, clientID: sent.clientID))] + transmit(now: now)
        }
        let history = isInitialHistory(m.seq)
        let verdict = judge(m)
        if case .valid(let e) = verdict, e.sender == me { ownCounter = max(ownCounter, e.counter) }
        guard !history || config.showHistory else { return [] }
        let sender = view(m.sender.bytes)
        if case .valid(let e) = verdict {
            return [.emit(.message(ChatMessage(seq: m.seq, time: e.time, sender: sender, counter: e.counter, text: e.text,
                                               fromHistory: history))),
                    .emit(.resumeStateChanged(resumeState))]
        }
        return [.emit(.rejected(RejectedMessage(seq: m.seq, time: m.time, relayedSender: sender, verdict: verdict, fromHistory: history))),
                .emit(.resumeStateChanged(resumeState))]
    }

    /// The verdict on a message: the envelope's own checks with the keys the chain allows for
    /// it, then whether its signed sender was a member when the relay sequenced it.
    mutating func judge(_ m: ServerFrame.Message) -> EnvelopeVerdict {
        let all = verifier.keys
        let allowed = acceptableKeys(seq: m.seq, time: m.time)
        verifier.keys = allowed
        var verdict = verifier.verify(token: m.ciphertext, relayedSender: m.sender.bytes)
        verifier.keys = all
        if verdict == .undecryptable, allowed.count < all.count {
            var probe = verifier
            if probe.verify(token: m.ciphertext, relayedSender: m.sender.bytes) != .undecryptable { verdict = .retiredKey }
        }
        if case .valid(let e) = verdict, !wasMember(e.sender, at: m.seq) { verdict = .notMember(e) }
        return verdict
    }
}
