/// A reader's side of one room's messages: opens Fernet tokens with the room keys, checks each
/// envelope's signature, room and counter, and remembers every sender's counters so that a
/// replayed or reordered message is told apart from a new one. A value: callers keep it with the
/// rest of their session and can restore it (`highestCounters`) in a later session.
public struct EnvelopeVerifier: Sendable, Equatable {
    public let roomID: String
    /// Newest first, as in a room file: all are tried.
    public var keys: [FernetKey]
    /// Per sender (Ed25519 key): the counters accepted in this session.
    private var seen: [[UInt8]: Set<UInt64>] = [:]
    /// Per sender: the highest counter accepted, in this session or restored from an earlier one.
    public private(set) var highestCounters: [[UInt8]: UInt64] = [:]

    public init(roomID: String, keys: [FernetKey], highestCounters: [[UInt8]: UInt64] = [:]) {
        self.roomID = roomID
        self.keys = keys
        self.highestCounters = highestCounters
    }

    /// The highest counter accepted from `sender`, 0 when none.
    public func highestCounter(of sender: [UInt8]) -> UInt64 { highestCounters[sender] ?? 0 }

    /// Judges one token that the relay says `relayedSender` sent. Only a `.valid` verdict
    /// advances the sender's counter; the checks run in the order the verdicts are listed.
    public mutating func verify(token: String, relayedSender: [UInt8]) -> EnvelopeVerdict {
        guard !keys.isEmpty else { return .undecryptable }
        let plaintext: [UInt8]
        do {
            // No TTL: history is as old as the room, and the envelope carries its own time.
            plaintext = try Fernet(keys: keys).decrypt(token, now: 0)
        } catch .authenticationFailed {
            return .undecryptable
        } catch {
            return .malformed(.malformed("not a Fernet token: \(error.message)"))
        }
        let envelope: Envelope
        do {
            envelope = try Envelope.open(plaintext)
        } catch .badSignature(let claimed) {
            return .forged(.badSignature, claimed)
        } catch {
            return .malformed(error)
        }
        guard envelope.sender == relayedSender else { return .forged(.senderMismatch(relayed: relayedSender), envelope) }
        guard envelope.roomID == roomID else { return .wrongRoom(envelope) }
        let highest = highestCounter(of: envelope.sender)
        if envelope.counter <= highest {
            let repeated = seen[envelope.sender]?.contains(envelope.counter) ?? false
            // At or below a counter restored from an earlier session: seen then, so a repeat.
            return repeated || envelope.counter == highest ? .replayed(envelope) : .outOfOrder(envelope, highest: highest)
        }
        seen[envelope.sender, default: []].insert(envelope.counter)
        highestCounters[envelope.sender] = envelope.counter
        return .valid(envelope)
    }
}

/// What a member makes of one message. Only `.valid` is shown as the sender's text; every other
/// verdict is a warning (docs/formats.md, "Checks on receipt").
public enum EnvelopeVerdict: Sendable, Equatable {
    /// Signed by the sender the relay names, for this room, with a new counter.
    case valid(Envelope)
    /// No room key opens the token: sent under a key this member does not hold (before it was
    /// let in, or after it was removed), or not a token of this room at all.
    case undecryptable
    /// It opens, but is not an envelope this version reads.
    case malformed(EnvelopeError)
    /// The signature does not verify, or verifies for someone other than the sending member.
    case forged(ForgeryReason, Envelope)
    /// A valid envelope written for another room, replayed into this one.
    case wrongRoom(Envelope)
    /// The sender's counter was already used: the same message again.
    case replayed(Envelope)
    /// A counter lower than one already accepted from this sender: delivered out of order
    /// (or replayed from an earlier session).
    case outOfOrder(Envelope, highest: UInt64)
    /// Under a room key the group state had already replaced when the relay stamped the message
    /// (past the grace for messages in flight): sent by someone holding an old key.
    case retiredKey
    /// Signed by someone the group state did not have as a member at that point.
    case notMember(Envelope)

    public enum ForgeryReason: Sendable, Equatable {
        /// The signature is not by the key the envelope names as sender.
        case badSignature
        /// Correctly signed, but by someone other than the member the relay says sent it.
        case senderMismatch(relayed: [UInt8])
    }

    public var envelope: Envelope? {
        switch self {
        case .valid(let e), .forged(_, let e), .wrongRoom(let e), .replayed(let e), .outOfOrder(let e, _), .notMember(let e): e
        case .undecryptable, .malformed, .retiredKey: nil
        }
    }

    /// A short label for programs (`--json` events): `valid`, `undecryptable`, `malformed`,
    /// `forged`, `wrong_room`, `replayed`, `out_of_order`, `retired_key`, `not_member`.
    public var label: String {
        switch self {
        case .valid: "valid"
        case .undecryptable: "undecryptable"
        case .malformed: "malformed"
        case .forged: "forged"
        case .wrongRoom: "wrong_room"
        case .replayed: "replayed"
        case .outOfOrder: "out_of_order"
        case .retiredKey: "retired_key"
        case .notMember: "not_member"
        }
    }

    /// Why the message is not shown as normal text, for people; nil when it is valid.
    public var warning: String? {
        switch self {
        case .valid: nil
        case .undecryptable: "a message no room key here can decrypt (sent under a key you do not hold)"
        case .malformed(let e): "an unreadable message: \(e.message)"
        case .forged(.badSignature, _): "a forged message: its signature does not verify"
        case .forged(.senderMismatch, _): "a forged message: signed by someone other than the member who sent it"
        case .wrongRoom(let e): "a message replayed from another room (\(e.roomID))"
        case .replayed(let e): "a replayed message (counter \(e.counter) was already used by its sender)"
        case .outOfOrder(let e, let highest): "a message out of order (counter \(e.counter) after \(highest))"
        case .retiredKey: "a message under a room key that was replaced (sent by someone who holds an old key, such as a removed member)"
        case .notMember: "a message signed by someone who is not a member of the room"
        }
    }
}
