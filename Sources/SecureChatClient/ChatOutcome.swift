import SecureChatWire

/// How a session ended. The executable maps each case to a documented exit status.
public enum ChatOutcome: Sendable, Equatable {
    /// The user (or the script) ended it.
    case closed
    /// No connection to the relay (never reached, or not again within the time allowed).
    case unreachable(String)
    /// The knock was denied, with the member's reason if any.
    case denied(String?)
    /// Nobody answered the knock in time.
    case knockTimedOut
    /// The relay does not let this identity in (a stale key of an open room, a bad approval).
    case notAdmitted(String)
    /// The owner removed us.
    case removed
    /// We left the room.
    case left
    case roomExpired
    case roomNotFound
    /// The join code matched no room.
    case badCode
    /// The relay showed a group state that does not extend the one this client holds (an older
    /// chain, or another one): it cannot be trusted for this room.
    case untrustedRelay(String)
    /// Any other refusal that ends the session (room full, rate limited, protocol version…).
    case refused(ErrorFrame)
}
