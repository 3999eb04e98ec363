import SecureChatCrypto
import SecureChatGroup
import SecureChatWire

/// Who a connection speaks for, once it has signed the challenge.
public struct Peer: Sendable, Equatable, Hashable {
    public let signingKey: [UInt8]
    public let agreementKey: [UInt8]
    public let name: String
}

/// The protocol logic of one connection (docs/protocol.md, "Connection state machine"), as a
/// value with no I/O: the socket loop feeds it frames and carries out the actions it returns;
/// the relay reports outcomes back (`didJoin`, `didLeave`, …). Every room-scoped frame is checked
/// here against the rooms this connection has joined, so a connection that never joined a room,
/// or is still knocking, cannot act in it whatever it sends.
public struct ConnectionStateMachine: Sendable {
    public enum Phase: Sendable, Equatable { case awaitingAuth, authenticated, closed }

    /// What the relay should do next.
    public enum Action: Sendable, Equatable {
        case none
        /// Send a frame to this connection.
        case reply(ServerFrame)
        /// Send this error, then close the connection.
        case fail(ErrorFrame)
        /// The signature checked out: answer `authenticated`.
        case authenticated(Peer)
        /// The relay's part of each request, already checked for shape, membership and the
        /// signatures that depend only on the frame and this connection.
        case createRoom(ClientFrame.CreateRoom, ttlSeconds: UInt64, maxMembers: UInt32, genesis: GroupState)
        case join(ClientFrame.Join)
        case send(ClientFrame.Send)
        case knock(ClientFrame.Knock)
        /// The `add` commit for a knock, parsed and signed by this connection.
        case approve(ClientFrame.Approve, GroupCommit)
        case deny(ClientFrame.Deny)
        /// A `join`, `leave`, `remove` or `rotate` commit, parsed and signed by this connection; the
        /// commit loop checks it against the room's chain.
        case commit(ClientFrame.Commit, GroupCommit)
        /// A name statement signed by this connection's identity, for a room it has joined.
        case setName(ClientFrame.SetName)
    }

    /// The limits the state machine applies by itself.
    public struct Settings: Sendable, Equatable {
        public var messagesPerSecond: Double
        public var burst: Int
        public var defaultTTLSeconds: UInt64
        public var maxTTLSeconds: UInt64
        public var membersPerRoom: Int
        public var frameBytes: Int

        public init(_ limits: RelayLimits) {
            messagesPerSecond = limits.messagesPerSecond; burst = limits.burst
            defaultTTLSeconds = limits.defaultTTLSeconds; maxTTLSeconds = limits.maxTTLSeconds
            membersPerRoom = limits.membersPerRoom; frameBytes = limits.frameBytes
        }
    }

    public let challenge: [UInt8]
    /// This relay's id (`hello.relay`) and the origins a sign-in may name on this connection
    /// (`RelayOrigin`): the `--public-url`s, or else the one the upgrade request's Host names.
    public let relayID: String
    public let origins: [String]
    public private(set) var phase = Phase.awaitingAuth
    public private(set) var peer: Peer?
    /// Rooms this connection has joined: the only rooms it may act in or hear from.
    public private(set) var joined: Set<String> = []
    /// Knocks this connection has pending: knock id → room id.
    public private(set) var knocks: [String: String] = [:]
    private var bucket: TokenBucket
    private let settings: Settings
    /// Per joined room, the client id of a `send` refused for the rate: until that message is
    /// sent again, every later `send` of this connection to the room is refused too, so that no
    /// later message of this sender is committed before it (docs/protocol.md, "Messages").
    public private(set) var heldSends: [String: String] = [:]

    public init(challenge: [UInt8], relayID: String, origins: [String], settings: Settings) {
        self.challenge = challenge
        self.relayID = relayID
        self.origins = origins
        self.settings = settings
        self.bucket = TokenBucket(rate: settings.messagesPerSecond, capacity: settings.burst)
    }

    // MARK: Input from the socket

    public mutating func receive(_ frame: ClientFrame, now: Double) -> Action {
        switch phase {
        case .closed:
            return .none
        case .awaitingAuth:
            switch frame {
            case .ping: return .reply(.pong(.init()))
            case .auth(let auth): return authenticate(auth)
            default:
                guard bucket.take(now: now) else { return .reply(.error(rateLimitError(frame, now: now))) }
                return .reply(.error(.init(.notAuthenticated, "send auth first: sign the challenge from hello")))
            }
        case .authenticated:
            if case .ping = frame { return .reply(.pong(.init())) }
            if case .send(let s) = frame, let held = heldSends[s.roomID], held != s.clientID {
                return .reply(.error(rateLimitError(frame, now: now, behind: held)))
            }
            guard bucket.take(now: now) else {
                if case .send(let s) = frame, joined.contains(s.roomID) { heldSends[s.roomID] = s.clientID }
                return .reply(.error(rateLimitError(frame, now: now)))
            }
            if case .send(let s) = frame, heldSends[s.roomID] == s.clientID { heldSends[s.roomID] = nil }
            return handleAuthenticated(frame)
        }
    }

    /// A text frame that is not a frame (bad JSON, missing field, unknown type, binary frame).
    public mutating func receiveUndecodable(_ error: FrameDecodingError, now: Double) -> Action {
        guard phase != .closed else { return .none }
        guard bucket.take(now: now) else { return .reply(.error(rateLimitError(now: now))) }
        switch error {
        case .unknownType(let type): return .reply(.error(.init(.unknownType, "unknown frame type '\(clip(type))'")))
        case .malformed(let why): return .reply(.error(.init(.malformedFrame, why)))
        }
    }

    /// A message over the frame limit: refused unread.
    public mutating func receiveOversized(bytes: Int, now: Double) -> Action {
        guard phase != .closed else { return .none }
        _ = bucket.take(now: now)
        return .reply(.error(.init(.frameTooLarge, "frame of \(bytes) bytes or more is over the limit of \(settings.frameBytes)",
                                   limit: .frameBytes)))
    }

    /// The auth deadline passed.
    public mutating func authDeadlinePassed() -> Action {
        guard phase == .awaitingAuth else { return .none }
        phase = .closed
        return .fail(.init(.authTimeout, "no auth within the time allowed"))
    }

    // MARK: Outcomes reported by the relay

    public mutating func didJoin(_ room: String) { joined.insert(room) }
    /// Left, removed, or the room expired: nothing more of it reaches or leaves this connection.
    public mutating func didLeave(_ room: String) {
        joined.remove(room)
        heldSends[room] = nil
        knocks = knocks.filter { $0.value != room }
    }
    public mutating func didKnock(room: String, knockID: String) { knocks[knockID] = room }
    public mutating func knockEnded(_ knockID: String) { knocks[knockID] = nil }
    public mutating func close() { phase = .closed; joined = []; knocks = [:] }

    // MARK: Rules

    private mutating func authenticate(_ auth: ClientFrame.Auth) -> Action {
        if let v = auth.protocol, v != RelayProtocol.version {
            phase = .closed
            return .fail(.init(.unsupportedVersion, "this relay speaks protocol \(RelayProtocol.version), not \(v)"))
        }
        guard auth.signingKey.count == 32, auth.agreementKey.count == 32, auth.signature.count == 64 else {
            return .reply(.error(.init(.malformedFrame, "keys are 32 bytes and signatures 64")))
        }
        guard Validation.isDisplayName(auth.name) else {
            return .reply(.error(.init(.malformedFrame, "name must be 1 to 64 characters without control characters")))
        }
        let key = try? Curve25519.Signing.PublicKey(rawRepresentation: auth.signingKey.bytes)
        let signedFor = origins.first { origin in
            key?.isValidSignature(auth.signature.bytes, for: SignedPayload.auth(challenge: challenge, relayID: relayID, origin: origin)) == true
        }
        guard signedFor != nil else {
            phase = .closed
            let expected = origins.isEmpty ? "no origin (the upgrade request named no valid Host)" : origins.joined(separator: " or ")
            return .fail(.init(.badSignature, "the auth signature does not verify for this key and challenge, relay \(relayID) and origin \(expected)"))
        }
        let p = Peer(signingKey: auth.signingKey.bytes, agreementKey: auth.agreementKey.bytes, name: auth.name)
        peer = p
        phase = .authenticated
        return .authenticated(p)
    }

    private func handleAuthenticated(_ frame: ClientFrame) -> Action {
        if let room = frame.roomID, !Validation.isRoomID(room) {
            return .reply(.error(.init(.malformedFrame, "a room id is 1 to 64 characters of A-Z a-z 0-9 - _")))
        }
        switch frame {
        case .auth, .ping:
            return .reply(.error(.init(.alreadyAuthenticated, "this connection is already authenticated")))
        case .createRoom(let f):
            return createRoom(f)
        case .join(let f):
            if joined.contains(f.roomID) { return refuse(.alreadyJoined, "already joined to this room", room: f.roomID) }
            if let after = f.afterSeq, after < 0 { return refuse(.malformedFrame, "after_seq must not be negative", room: f.roomID) }
            if let proof = f.proof, proof.count != 64 { return refuse(.malformedFrame, "a proof is a 64-byte signature", room: f.roomID) }
            return .join(f)
        case .knock(let f):
            if (f.roomID == nil) == (f.code == nil) {
                return .reply(.error(.init(.malformedFrame, "a knock names a room_id or a code, not both")))
            }
            if let code = f.code, !Validation.isJoinCode(code) { return .reply(.error(.init(.badCode, "a join code is 6 digits"))) }
            if let name = f.name, !Validation.isDisplayName(name) {
                return .reply(.error(.init(.malformedFrame, "name must be 1 to 64 characters without control characters")))
            }
            if let note = f.note, !Validation.isNote(note) {
                return .reply(.error(.init(.malformedFrame, "note must be at most 280 characters without control characters")))
            }
            if let room = f.roomID, joined.contains(room) { return refuse(.alreadyMember, "already a member of this room", room: room) }
            guard let peer, verify(f.binding, SignedPayload.agreementKey(peer.agreementKey)) else {
                return refuse(.badSignature, "binding must be this identity's signature over its agreement key", room: f.roomID)
            }
            return .knock(f)
        case .setName(let f):
            guard joined.contains(f.roomID) else { return notMember(f.roomID) }
            guard Validation.isDisplayName(f.name) else {
                return refuse(.malformedFrame, "name must be 1 to 64 characters without control characters", room: f.roomID)
            }
            guard (1...Validation.maxNameVersion).contains(f.version) else {
                return refuse(.malformedFrame, "version must be from 1 to 2^53-1", room: f.roomID)
            }
            guard verify(f.signature, SignedPayload.memberName(roomID: f.roomID, version: f.version, name: f.name)) else {
                return refuse(.badSignature, "a name must be signed by this identity", room: f.roomID)
            }
            return .setName(f)
        case .send(let f):
            guard joined.contains(f.roomID) else { return notMember(f.roomID, clientID: f.clientID) }
            guard Validation.isClientID(f.clientID) else {
                return refuse(.malformedFrame, "client_id must be 1 to 64 printable ASCII characters", room: f.roomID)
            }
            guard Validation.isCiphertext(f.ciphertext) else {
                return .reply(.error(.init(.malformedFrame, "ciphertext must be a Fernet token", roomID: f.roomID, clientID: f.clientID)))
            }
            return .send(f)
        case .approve(let f):
            guard joined.contains(f.roomID) else { return notMember(f.roomID) }
            switch ownCommit(f.commit, room: f.roomID, kinds: [.add]) {
            case .accepted(let c): return .approve(f, c)
            case .refused(let refusal): return refusal
            }
        case .deny(let f):
            guard joined.contains(f.roomID) else { return notMember(f.roomID) }
            if let reason = f.reason, !Validation.isNote(reason) {
                return refuse(.malformedFrame, "reason must be at most 280 characters without control characters", room: f.roomID)
            }
            return .deny(f)
        case .commit(let f):
            guard joined.contains(f.roomID) else { return notMember(f.roomID) }
            switch ownCommit(f.commit, room: f.roomID, kinds: [.join, .leave, .remove, .rotate]) {
            case .accepted(let c): return .commit(f, c)
            case .refused(let refusal): return refusal
            }
        }
    }

    private func createRoom(_ f: ClientFrame.CreateRoom) -> Action {
        if let name = f.name, !Validation.isDisplayName(name) {
            return refuse(.malformedFrame, "a room name is 1 to 64 characters without control characters", room: f.roomID)
        }
        let ttl = f.ttlSeconds ?? settings.defaultTTLSeconds
        guard ttl > 0 else { return refuse(.malformedFrame, "ttl_seconds must be positive", room: f.roomID) }
        guard ttl <= settings.maxTTLSeconds else {
            return .reply(.error(.init(.ttlTooLong, "ttl_seconds is over this relay's maximum of \(settings.maxTTLSeconds)",
                                       limit: .ttlSeconds, roomID: f.roomID)))
        }
        let maxMembers = f.maxMembers ?? UInt32(clamping: settings.membersPerRoom)
        guard maxMembers >= 1, Int(maxMembers) <= settings.membersPerRoom else {
            return .reply(.error(.init(.roomFull, "max_members must be 1 to \(settings.membersPerRoom)",
                                       limit: .membersPerRoom, roomID: f.roomID)))
        }
        switch (f.policy, f.accessKey) {
        case (.open, nil): return refuse(.wrongPolicy, "an open room needs an access_key", room: f.roomID)
        case (_, let key?) where key.count != 32: return refuse(.malformedFrame, "access_key is 32 bytes", room: f.roomID)
        default: break
        }
        let payload = SignedPayload.createRoom(roomID: f.roomID, policy: f.policy, ttlSeconds: ttl, maxMembers: maxMembers,
                                               accessKey: f.accessKey?.bytes)
        guard verify(f.signature, payload) else {
            return refuse(.badSignature, "the create_room signature does not verify", room: f.roomID)
        }
        let genesis: GroupState
        do {
            let c = try GroupCommit(parsing: f.commit.bytes)
            genesis = try GroupState(genesis: c, pinnedOwner: peer?.signingKey)
            guard c.roomID == f.roomID, c.policy == f.policy, c.subjectAgreementKey == peer?.agreementKey,
                  c.accessKey == (f.accessKey?.bytes ?? GroupCommit.zero) else {
                return refuse(.badCommit, "the create commit does not match the room, policy, agreement key or access key", room: f.roomID)
            }
        } catch {
            return refuse(.badCommit, "not a valid create commit: \(error)", room: f.roomID)
        }
        return .createRoom(f, ttlSeconds: ttl, maxMembers: maxMembers, genesis: genesis)
    }

    /// A commit this connection signed, for this room, of one of `kinds`. The chain rules are
    /// the commit loop's: they depend on the room's state.
    private enum CommitCheck { case accepted(GroupCommit), refused(Action) }

    private func ownCommit(_ bytes: WireBytes, room: String, kinds: Set<GroupCommit.Kind>) -> CommitCheck {
        let c: GroupCommit
        do { c = try GroupCommit(parsing: bytes.bytes) } catch {
            return .refused(refuse(.badCommit, "not a group commit: \(error)", room: room))
        }
        guard c.roomID == room else { return .refused(refuse(.badCommit, "the commit is for another room", room: room)) }
        guard kinds.contains(c.kind) else { return .refused(refuse(.badCommit, "a \(c.kind) commit does not belong in this frame", room: room)) }
        guard c.author == peer?.signingKey else {
            return .refused(refuse(.badCommit, "the commit's author is not this connection's identity", room: room))
        }
        guard c.isSignatureValid else { return .refused(refuse(.badCommit, "the commit's signature does not verify", room: room)) }
        return .accepted(c)
    }

    private func verify(_ signature: WireBytes, _ payload: [UInt8]) -> Bool {
        guard let peer, signature.count == 64, let key = try? Curve25519.Signing.PublicKey(rawRepresentation: peer.signingKey) else {
            return false
        }
        return key.isValidSignature(signature.bytes, for: payload)
    }

    /// `rate_limited` with the wait until the next token; `behind` names the refused send that
    /// holds this one back.
    private func rateLimitError(_ frame: ClientFrame? = nil, now: Double, behind: String? = nil) -> ErrorFrame {
        var clientID: String?
        if case .send(let s)? = frame { clientID = s.clientID }
        let wait = Int64((min(bucket.wait(now: now), 3600) * 1000).rounded(.up))
        let message = behind == nil
            ? "over \(settings.messagesPerSecond.formatted) frames per second (burst \(settings.burst)); slow down"
            : "held back behind an earlier message of this connection that was refused for the rate; send that one again first"
        return .init(.rateLimited, message, limit: .messagesPerSecond, roomID: frame?.roomID, clientID: clientID, retryAfterMs: wait)
    }

    private func notMember(_ room: String, clientID: String? = nil) -> Action {
        .reply(.error(.init(.notMember, "this connection has not joined that room", roomID: room, clientID: clientID)))
    }

    private func refuse(_ code: ErrorCode, _ message: String, room: String?) -> Action {
        .reply(.error(.init(code, message, roomID: room)))
    }

    private func clip(_ s: String) -> String { s.count > 32 ? String(s.prefix(32)) + "…" : s }
}

extension Double {
    /// 20 rather than 20.0; 0.5 stays 0.5.
    var formatted: String { self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self) }
}
