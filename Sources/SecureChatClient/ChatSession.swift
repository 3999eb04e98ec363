import SecureChatCore
import SecureChatCrypto
import SecureChatGroup
import SecureChatWire

/// One member's conversation in one room, as a value-type state machine (in the manner of
/// postgres-nio's connection state machine): the driver feeds it the relay's frames, connection
/// changes and the user's intents, and carries out the actions it returns. It holds no socket,
/// prints nothing and never sleeps, so every protocol path is tested without a network.
///
/// It follows docs/protocol.md: authenticate on `hello`, join (with an access proof for an open
/// room) or knock, replay history from the last sequence number seen, then live frames. Every
/// message is checked as docs/formats.md says; sends are kept until the relay acknowledges them
/// and resent with the same client id after a reconnect.
public struct ChatSession: Sendable {
    public enum Target: Sendable, Equatable {
        /// A room by id, with the policy the link or room file says it has.
        case room(String, policy: RoomPolicy)
        /// An approval room known only by its current join code.
        case code(String)
    }

    public struct Configuration: Sendable {
        public var identity: Identity
        public var name: String
        public var target: Target
        /// The relay this session meant to reach, as `RelaySocket.origin(for:)` writes it; the
        /// sign-in names it, so that no other relay can use the signature.
        public var origin: String
        /// Room keys held so far, newest first (none for an approval room not yet entered).
        public var keys: [FernetKey]
        public var resume: ResumeState
        /// Where the first join's history replay starts (exclusive); `Int64.max` skips it.
        public var afterSeq: Int64
        /// Whether messages of the first history replay are reported (they are always checked).
        public var showHistory: Bool
        public var knownKeys: KnownKeys
        /// Said to the members with a knock.
        public var note: String?
        /// The owner's signing key as the invite link or room file pins it: the only key allowed to
        /// found the room's group state. Nil trusts the founder on first use.
        public var ownerPin: [UInt8]?
        /// `name` was asked for (`--name`): if the room knows us by another name, or by none we
        /// signed, a signed `set_name` makes it ours there. Otherwise the room's name for us stays.
        public var claimName: Bool

        public init(identity: Identity, name: String, target: Target, origin: String, keys: [FernetKey], resume: ResumeState = ResumeState(),
                    afterSeq: Int64 = 0, showHistory: Bool = true, knownKeys: KnownKeys = KnownKeys(), note: String? = nil,
                    ownerPin: [UInt8]? = nil, claimName: Bool = false) {
            self.identity = identity; self.name = name; self.target = target; self.origin = origin; self.keys = keys; self.resume = resume
            self.afterSeq = afterSeq; self.showHistory = showHistory; self.knownKeys = knownKeys; self.note = note
            self.ownerPin = ownerPin; self.claimName = claimName
        }
    }

    public enum Action: Sendable, Equatable {
        case write(ClientFrame)
        case emit(ChatEvent)
        /// Close the connection (if any) and open a new one after the delay.
        case reconnect(after: Duration)
        /// Call `retryPending` after the delay (a send was rate limited).
        case retry(after: Duration)
        /// The session is over: close and report.
        case finish(ChatOutcome)
    }

    enum Phase: Equatable {
        case disconnected, awaitingHello, joining, knocking, syncing, live, finished
    }

    /// What the session knows of a member, current or past.
    struct Person: Sendable {
        var name: String
        var agreementKey: [UInt8]?
        var role: MemberRole = .member
        var online = false
        /// The version of the member's own signed statement of `name`; 0 while the name is only
        /// the relay's word (the sign-in name), which a signed one always replaces.
        var nameVersion: UInt64 = 0
    }

    /// A message of ours until the relay acknowledges it.
    struct Outgoing: Sendable {
        var clientID: String
        var text: String
        var counter: UInt64 = 0
        var time: UInt64 = 0
        /// Made once, at the first transmission, and resent unchanged.
        var ciphertext: String?
        var transmittedOnThisConnection = false
    }

    let config: Configuration
    let me: [UInt8]
    var phase = Phase.disconnected
    var everOpened = false
    var joinedOnce = false
    var authenticated = false
    var challenge: [UInt8] = []
    var frameLimit = 65536

    public internal(set) var roomID: String?
    public internal(set) var policy: RoomPolicy?
    public internal(set) var role: MemberRole?
    public internal(set) var joinedRoom: JoinedRoom?
    public internal(set) var code: (code: String, expiresAt: Int64)?
    public internal(set) var knownKeys: KnownKeys
    var verifier: EnvelopeVerifier
    var ownCounter: UInt64
    /// Every sequence number up to here has been received (the resume point).
    var lastSeq: Int64
    /// Sequence numbers received above `lastSeq` (our own acknowledged messages, mostly).
    var receivedAbove: Set<Int64> = []
    /// The first join's replay runs up to here; later joins replay only what was missed.
    var initialHistoryThrough: Int64 = -1
    var people: [[UInt8]: Person] = [:]
    var members: [[UInt8]] = []
    var pendingKnocks: [PendingKnock] = []
    var outbox: [Outgoing] = []
    var backoff = Backoff()
    var knockID: String?
    /// The room's group state, from the chain of commits (docs/protocol.md, "Group state").
    var group: GroupState?
    /// Per member, the sequence numbers between which the chain had it as a member.
    var memberships: [[UInt8]: [(from: Int64, to: Int64?)]] = [:]
    /// Key id → the commit (its seq and relay time) that replaced that key.
    var retiredKeys: [[UInt8]: (seq: Int64, time: Int64)] = [:]
    /// Our commit on its way to the relay; one at a time.
    var sentCommit: GroupCommit?
    var commitBackoff = Backoff()
    /// A member we asked to remove, until the chain has the removal.
    var removing: [UInt8]?
    /// We asked to leave, until the chain has it.
    var leaving = false
    /// Our own name statement on its way to the relay: its version.
    var sentName: UInt64?
    /// Why the relay is about to close the connection, when it said so (`error slow_reader`).
    var closingReason: String?
    /// The send window: at most this many messages unacknowledged on a connection (the relay's
    /// burst, 1 to 32), so that a burst of typed or piped lines does not outrun the rate limit.
    var sendWindow = 16
    /// One message per this while throttled: the relay's rate, from `hello.limits`.
    var sendInterval = Duration.milliseconds(50)
    /// A send was refused for the rate: messages go out one per `sendInterval` until none waits.
    var throttled = false
    /// Nothing is sent until the retry timer fires (after a refusal, and between throttled sends).
    var sendHeld = false

    public init(_ config: Configuration) {
        self.config = config
        me = config.identity.signingKey.publicKey.rawRepresentation
        knownKeys = config.knownKeys
        switch config.target {
        case .room(let id, let policy):
            roomID = id
            self.policy = policy
        case .code:
            policy = .approval
        }
        verifier = EnvelopeVerifier(roomID: roomID ?? "", keys: config.keys, highestCounters: config.resume.senders)
        ownCounter = max(config.resume.counter, config.resume.senders[me] ?? 0)
        lastSeq = config.afterSeq
        people[me] = Person(name: config.name, agreementKey: config.identity.agreementKey.publicKey.rawRepresentation)
    }

    // MARK: what the interface may ask

    public var isLive: Bool { phase == .live }
    public var keys: [FernetKey] { verifier.keys }
    public var roster: [Member] { members.map(view) }
    public var knocks: [PendingKnock] { pendingKnocks }
    public var pendingSends: Int { outbox.count }
    public var selfMember: Member { view(me) }

    public var resumeState: ResumeState {
        ResumeState(lastSeq: lastSeq == .max ? 0 : lastSeq, counter: ownCounter, senders: verifier.highestCounters,
                    groupEpoch: group?.epoch ?? config.resume.groupEpoch, groupHead: group?.head ?? config.resume.groupHead)
    }

    /// The safety number to compare with `member` (docs/formats.md, "Safety numbers").
    public func safetyNumber(with member: Member) -> String? {
        member.publicIdentity.map { SafetyNumber.compute(config.identity.publicIdentity, $0) }
    }

    // MARK: connection

    /// A WebSocket to the relay is open; `hello` comes next.
    public mutating func connectionOpened() -> [Action] {
        guard phase != .finished else { return [] }
        phase = .awaitingHello
        everOpened = true
        authenticated = false
        // A commit in flight either landed (the chain will show it) or is built anew once live.
        sentCommit = nil
        sentName = nil
        sendHeld = false
        for i in outbox.indices { outbox[i].transmittedOnThisConnection = false }
        return []
    }

    /// The connection closed or could not be opened. Reconnects with backoff, except when the
    /// relay was never reached: then it is unreachable, which a user wants to hear at once.
    public mutating func connectionClosed(reason: String) -> [Action] {
        switch phase {
        case .finished:
            return []
        case .disconnected where !everOpened:
            phase = .finished
            return [.finish(.unreachable(reason))]
        default:
            phase = .disconnected
            let delay = backoff.next()
            defer { closingReason = nil }
            return [.emit(.connectionLost(reason: closingReason ?? reason, retryIn: delay)), .reconnect(after: delay)]
        }
    }

    public mutating func receive(_ frame: ServerFrame, now: UInt64) -> [Action] {
        guard phase != .finished, phase != .disconnected else { return [] }
        switch frame {
        case .hello(let h): return hello(h)
        case .authenticated:
            authenticated = true
            return [.emit(.authenticated)]
        case .joined(let j): return joined(j)
        case .roster(let r): return r.roomID == roomID ? roster(r, now: now) : []
        case .synced(let s): return s.roomID == roomID ? synced(s, now: now) : []
        case .message(let m): return m.roomID == roomID ? message(m, now: now) : []
        case .ack(let a): return a.roomID == roomID ? ack(a) + transmit(now: now) : []
        case .commit(let c): return c.roomID == roomID ? commitFrame(c, now: now) : []
        case .knock(let k): return k.roomID == roomID ? knockNotice(k) : []
        case .knocked(let k): return knocked(k)
        case .approved(let a): return approved(a, now: now)
        case .denied(let d):
            phase = .finished
            return [.finish(.denied(d.reason))]
        case .code(let c):
            guard c.roomID == roomID else { return [] }
            code = (c.code, c.expiresAt)
            return [.emit(.codeChanged(code: c.code, expiresAt: c.expiresAt))]
        case .removed(let r):
            guard r.roomID == roomID else { return [] }
            phase = .finished
            return [.emit(.notice(Notice(kind: .remove, member: view(me), by: view(r.by.bytes), time: Int64(clamping: now), detail: nil))),
                    .finish(.removed)]
        case .left(let l):
            guard l.roomID == roomID else { return [] }
            phase = .finished
            return [.finish(.left)]
        case .event(let e): return e.roomID == roomID ? event(e, now: now) : []
        case .presence(let p):
            guard p.roomID == roomID, people[p.member.bytes] != nil else { return [] }
            people[p.member.bytes]?.online = p.online
            return [.emit(.rosterChanged(roster))]
        case .error(let e): return error(e)
        case .bye:
            return [.emit(.notice(Notice(kind: .shutdown, time: Int64(clamping: now))))]
        case .pong, .roomCreated:
            return []
        }
    }

    mutating func hello(_ h: ServerFrame.Hello) -> [Action] {
        guard phase == .awaitingHello else { return [] }
        challenge = h.challenge.bytes
        frameLimit = h.limits.frameBytes
        // The relay's numbers, clamped: they only pace us, and a hostile relay may send anything.
        sendWindow = min(max(h.limits.burst, 1), 32)
        let rate = h.limits.messagesPerSecond.isFinite ? min(max(h.limits.messagesPerSecond, 0.01), 1000) : 20
        sendInterval = .milliseconds(Int64((1000 / rate).rounded(.up)))
        guard Validation.isRelayID(h.relay), h.challenge.count == RelayProtocol.challengeBytes else {
            phase = .finished
            return [.finish(.unreachable("the relay's hello is malformed"))]
        }
        let identity = config.identity
        let payload = SignedPayload.auth(challenge: challenge, relayID: h.relay, origin: config.origin)
        guard let signature = try? identity.signingKey.signature(for: payload) else {
            phase = .finished
            return [.finish(.unreachable("could not sign the relay's challenge"))]
        }
        let auth = ClientFrame.auth(.init(signingKey: WireBytes(me), agreementKey: WireBytes(identity.agreementKey.publicKey.rawRepresentation),
                                          name: config.name, signature: WireBytes(signature)))
        // The join (or knock) follows at once: the relay handles a connection's frames in order.
        return [.write(auth)] + enterRoom()
    }

    /// Joins when this identity can (a member, or an open room's key holder), knocks otherwise.
    mutating func enterRoom() -> [Action] {
        guard let roomID else {
            guard case .code(let code) = config.target else { return [] }
            phase = .knocking
            return [.write(.knock(.init(code: code, name: config.name, note: config.note, binding: agreementBinding))),
                    .emit(.knocking(roomID: nil, code: code))]
        }
        if policy == .approval, verifier.keys.isEmpty { return knock(roomID) }
        phase = .joining
        return [.write(.join(.init(roomID: roomID, afterSeq: lastSeq, proof: accessProof(roomID))))]
    }

    mutating func knock(_ roomID: String) -> [Action] {
        phase = .knocking
        return [.write(.knock(.init(roomID: roomID, name: config.name, note: config.note, binding: agreementBinding))),
                .emit(.knocking(roomID: roomID, code: nil))]
    }

    /// Our signature over our agreement key, which an approving member checks before sealing
    /// the room key to it.
    var agreementBinding: WireBytes {
        let identity = config.identity
        return WireBytes((try? identity.signingKey.signature(for: SignedPayload.agreementKey(identity.agreementKey.publicKey.rawRepresentation))) ?? [])
    }

    /// The open-room proof: the room access key (derived from the newest room key) signs this
    /// connection's challenge and our signing key.
    func accessProof(_ roomID: String) -> WireBytes? {
        guard policy == .open, let key = verifier.keys.first,
              let access = try? RoomAccess.signingKey(roomKey: key.rawRepresentation, roomID: roomID),
              let proof = try? access.signature(for: SignedPayload.join(challenge: challenge, signingKey: me)) else { return nil }
        return WireBytes(proof)
    }

    mutating func joined(_ j: ServerFrame.Joined) -> [Action] {
        guard j.roomID == roomID, phase == .joining else { return [] }
        phase = .syncing
        role = j.role
        policy = j.policy
        if !joinedOnce {
            joinedOnce = true
            lastSeq = min(lastSeq, j.lastSeq)
            initialHistoryThrough = j.lastSeq
        }
        let room = JoinedRoom(roomID: j.roomID, role: j.role, policy: j.policy, name: j.name, expiresAt: j.expiresAt,
                              maxMembers: j.maxMembers, lastSeq: j.lastSeq, keys: verifier.keys)
        joinedRoom = room
        return [.emit(.joined(room))]
    }

    mutating func synced(_ s: ServerFrame.Synced, now: UInt64) -> [Action] {
        guard phase == .syncing else { return [] }
        guard group != nil else { return groupRejected("the relay sent no group state for the room") }
        if let refusal = checkCheckpoint() { return refusal }
        phase = .live
        initialHistoryThrough = -1
        backoff.reset()
        var actions: [Action] = [.emit(.synced(seq: s.seq))]
        actions += groupDuties()
        actions += transmit(now: now)
        actions.append(.emit(.resumeStateChanged(resumeState)))
        return actions
    }

    /// Marks `seq` received; false when it was already (a duplicate is never shown twice).
    mutating func receiveSeq(_ seq: Int64) -> Bool {
        guard seq > lastSeq, !receivedAbove.contains(seq) else { return false }
        receivedAbove.insert(seq)
        while lastSeq < .max, receivedAbove.remove(lastSeq + 1) != nil { lastSeq += 1 }
        return true
    }

    /// Whether a replayed item is part of the first join's history, which is reported only when
    /// the configuration asks for it.
    func isInitialHistory(_ seq: Int64) -> Bool { seq <= initialHistoryThrough }
}
