import SecureChatCore

/// What a client keeps between sessions for one room and one identity (docs/formats.md,
/// "Client state"): the last sequence number a reader saw, its own message counter, and the
/// highest counter accepted from each sender, so that a replay is recognised after a restart,
/// and how far the room's group-state chain had come, so that a relay cannot roll it back.
public struct ResumeState: Sendable, Equatable {
    public var lastSeq: Int64
    public var counter: UInt64
    public var senders: [[UInt8]: UInt64]
    /// The epoch and hash of the last group-state commit applied: a relay must later show a chain
    /// that reaches at least this far, through this very commit.
    public var groupEpoch: UInt64?
    public var groupHead: [UInt8]?

    public init(lastSeq: Int64 = 0, counter: UInt64 = 0, senders: [[UInt8]: UInt64] = [:], groupEpoch: UInt64? = nil,
                groupHead: [UInt8]? = nil) {
        self.lastSeq = lastSeq
        self.counter = counter
        self.senders = senders
        self.groupEpoch = groupEpoch
        self.groupHead = groupHead
    }

    /// Combines this process's state with what another process wrote meanwhile; counters only
    /// grow, so the larger wins. The reading position (`lastSeq` and the senders' counters up
    /// to it, which belong together) is taken only when `position` is set: a sender that skipped
    /// the history must not move a reader's position, nor claim counters beyond it.
    public func merged(into stored: ResumeState, position: Bool) -> ResumeState {
        var out = stored
        out.counter = max(stored.counter, counter)
        if let epoch = groupEpoch, epoch >= stored.groupEpoch ?? 0 {
            out.groupEpoch = epoch
            out.groupHead = groupHead
        }
        if position {
            out.lastSeq = max(stored.lastSeq, lastSeq)
            out.senders.merge(senders) { max($0, $1) }
        }
        return out
    }

    /// The state for a session that replays the whole history: only our own counter carries
    /// over, the senders' counters are rebuilt from the history itself.
    public var forFullReplay: ResumeState { ResumeState(lastSeq: 0, counter: counter, groupEpoch: groupEpoch, groupHead: groupHead) }
}
