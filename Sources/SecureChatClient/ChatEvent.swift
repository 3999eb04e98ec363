import SecureChatCore
import SecureChatCrypto
import SecureChatWire

/// What a session tells its user interface. Texts and names are as received: renderers pass
/// them through `TerminalText.sanitize` before they reach a terminal.
public enum ChatEvent: Sendable, Equatable {
    /// The relay accepted this identity.
    case authenticated
    /// A knock is on its way (approval room, by id or by join code).
    case knocking(roomID: String?, code: String?)
    /// The relay holds the knock; a member has to approve it.
    case waitingForApproval(roomID: String, expiresAt: Int64)
    /// Joined (after every reconnect too); `keys` are the room keys now held.
    case joined(JoinedRoom)
    /// The history replay is complete up to `seq`; what follows is live.
    case synced(seq: Int64)
    /// A message that passed every check.
    case message(ChatMessage)
    /// A message that failed a check: shown as a warning, never as text.
    case rejected(RejectedMessage)
    /// The relay committed one of our messages.
    case sent(ChatMessage, clientID: String)
    /// One of our messages cannot be sent (too large, refused); it is dropped.
    case sendFailed(clientID: String, reason: String)
    /// A message typed while not connected: it goes out after the reconnect.
    case queued(clientID: String)
    /// Something happened in the room (join, leave, knock, approval, removal, rotation, expiry…).
    case notice(Notice)
    /// A request of ours was refused or could not be carried out.
    case problem(String)
    case rosterChanged([Member])
    case knocksChanged([PendingKnock])
    case codeChanged(code: String, expiresAt: Int64)
    /// The room keys changed (approval, rotation): newest first. Persist them.
    case roomKeysChanged([FernetKey])
    /// The room's owner as its chain names it, when nothing pinned it (a link without `o`, a join
    /// code): keep it as the pin from now on (trust on first use).
    case ownerPinned([UInt8])
    /// The user marked a member verified (or took it back).
    case verificationChanged(Member)
    /// Trust-on-first-use records changed. Persist them.
    case knownKeysChanged(KnownKeys)
    /// Counters and position changed. Persist them to resume later.
    case resumeStateChanged(ResumeState)
    /// The connection dropped; the next attempt is in `retryIn`.
    case connectionLost(reason: String, retryIn: Duration)
}

public struct JoinedRoom: Sendable, Equatable {
    public var roomID: String
    public var role: MemberRole
    public var policy: RoomPolicy
    public var name: String?
    public var expiresAt: Int64
    public var maxMembers: Int
    public var lastSeq: Int64
    public var keys: [FernetKey]
}

/// A member as the interface shows it.
public struct Member: Sendable, Equatable {
    public var signingKey: [UInt8]
    /// Known from the roster or a knock; nil for a member only announced by a join event.
    public var agreementKey: [UInt8]?
    public var name: String
    public var role: MemberRole
    public var online: Bool
    /// The fingerprint of both keys, nil while the agreement key is unknown.
    public var fingerprint: String?
    public var verified: Bool
    public var isSelf: Bool
    /// The name of another member (another key) that this member's name looks like, if any
    /// (`NameSkeleton`): shown beside the name so that a look-alike never passes as that member.
    public var looksLike: String? = nil

    public var publicIdentity: PublicIdentity? {
        agreementKey.flatMap { PublicIdentity(signing: signingKey, agreement: $0) }
    }
}

public struct ChatMessage: Sendable, Equatable {
    public var seq: Int64
    /// The sender's time from the signed envelope.
    public var time: UInt64
    public var sender: Member
    public var counter: UInt64
    public var text: String
    /// Part of the history replayed on join, not live.
    public var fromHistory: Bool
}

public struct RejectedMessage: Sendable, Equatable {
    public var seq: Int64
    /// The relay's time for the message (the envelope's cannot be trusted).
    public var time: Int64
    /// Who the relay says sent it.
    public var relayedSender: Member
    public var verdict: EnvelopeVerdict
    public var fromHistory: Bool
}

public struct PendingKnock: Sendable, Equatable {
    public var knockID: String
    public var member: Member
    public var note: String?
    public var time: Int64
}

/// System events, set apart from messages by the renderer.
public struct Notice: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case join, leave, knock, approve, deny, withdraw
        case knockExpired = "knock_expired"
        case remove, rotate, expire
        /// A member signed a new name for itself (`detail`: the name it had).
        case rename
        /// A member's key differs from the one first seen under that name (trust on first use).
        case keyChanged = "key_changed"
        /// A member's name looks like another member's, who has another key (`detail`: that name).
        case lookalike
        /// We were approved and hold the room key.
        case approved
        /// A rotation that did not include us: new messages are unreadable from here on.
        case rotatedWithoutUs = "rotated_without_us"
        case shutdown
    }

    public var kind: Kind
    public var member: Member?
    public var by: Member?
    public var time: Int64
    /// Extra words: a knock's note, a denial's reason, the previous fingerprint of a changed key.
    public var detail: String?
}

extension PublicIdentity {
    /// From the two raw public keys; nil unless both are 32 bytes.
    init?(signing: [UInt8], agreement: [UInt8]) {
        guard let s = try? Curve25519.Signing.PublicKey(rawRepresentation: signing),
              let a = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: agreement) else { return nil }
        self.init(agreementKey: a, signingKey: s)
    }
}
