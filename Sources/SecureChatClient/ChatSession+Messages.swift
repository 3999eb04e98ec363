import SecureChatCore
import SecureChatCrypto
import SecureChatWire

/// Sending, receiving and checking messages, and key rotations in history order.
extension ChatSession {
    /// Queues `text`; it goes out now when live, else after the next sync. Kept until acknowledged.
    public mutating func send(_ text: String, now: UInt64) -> [Action] {
        guard phase != .finished else { return [] }
        let id = Base64URL.encode(SecureRandom.bytes(16))
        outbox.append(Outgoing(clientID: id, text: text))
        guard phase == .live else { return [.emit(.queued(clientID: id))] }
        return transmit(now: now)
    }

    /// Sends again what the relay refused for the moment (rate limited).
    public mutating func retryPending(now: UInt64) -> [Action] { transmit(now: now) }

    /// Transmits every queued message not yet sent on this connection, in order. A message is
    /// sealed once (its counter, time and token fixed) so that a resend is the same message.
    mutating func transmit(now: UInt64) -> [Action] {
        guard phase == .live, let roomID, let key = verifier.keys.first else { return [] }
        var actions = [Action]()
        var tooLarge = [String]()
        var exhausted = [String]()
        for i in outbox.indices where !outbox[i].transmittedOnThisConnection {
            if outbox[i].ciphertext == nil {
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
            actions.append(.write(.send(.init(roomID: roomID, clientID: outbox[i].clientID, ciphertext: outbox[i].ciphertext!))))
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

    mutating func message(_ m: ServerFrame.Message) -> [Action] {
        guard receiveSeq(m.seq) else { return [] }
        // Our own message, committed before its acknowledgement was lost: it counts as acknowledged.
        if m.sender.bytes == me, let i = outbox.firstIndex(where: { $0.clientID == m.clientID && $0.ciphertext == m.ciphertext }) {
            let sent = outbox.remove(at: i)
            _ = verifier.verify(token: m.ciphertext, relayedSender: m.sender.bytes)
            let message = ChatMessage(seq: m.seq, time: sent.time, sender: view(me), counter: sent.counter, text: sent.text, fromHistory: false)
            return [.emit(.sent(message, clientID: sent.clientID))]
        }
        let history = isInitialHistory(m.seq)
        let verdict = verifier.verify(token: m.ciphertext, relayedSender: m.sender.bytes)
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

    /// A key rotation, in history order: take the new key if one was sealed to us and its
    /// signature is the rotating member's; otherwise new messages are unreadable from here on.
    mutating func rotated(_ r: ServerFrame.Rotated) -> [Action] {
        guard receiveSeq(r.seq), let roomID else { return [] }
        let history = isInitialHistory(r.seq)
        let by = view(r.by.bytes)
        let quiet = history && !config.showHistory
        guard let enc = r.enc, let ct = r.ct, let signature = r.signature else {
            // In the history this is most likely a rotation from before we were a member; live,
            // it means the others now use a key we were not given.
            return quiet ? [] : [.emit(.notice(Notice(kind: history ? .rotate : .rotatedWithoutUs, by: by, time: r.time)))]
        }
        let payload = SignedPayload.rotateKey(roomID: roomID, member: me, enc: enc.bytes, ct: ct.bytes)
        guard let signer = try? Curve25519.Signing.PublicKey(rawRepresentation: r.by.bytes),
              signer.isValidSignature(signature.bytes, for: payload),
              let key = RoomKeySeal.open(enc: enc.bytes, ct: ct.bytes, identity: config.identity, roomID: roomID) else {
            return [.emit(.problem("a key rotation by \(by.name) could not be verified or opened; it was ignored"))]
        }
        var actions = [Action]()
        if !verifier.keys.contains(key) {
            verifier.keys.insert(key, at: 0)
            actions.append(.emit(.roomKeysChanged(verifier.keys)))
        }
        if !quiet { actions.append(.emit(.notice(Notice(kind: .rotate, by: by, time: r.time)))) }
        return actions
    }
}
