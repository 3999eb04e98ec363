/// Frames the relay sends, one JSON object per WebSocket text frame, told apart by `"type"`.
public enum ServerFrame: Sendable, Equatable {
    case hello(Hello)
    case authenticated(Authenticated)
    case roomCreated(RoomCreated)
    case joined(Joined)
    case roster(Roster)
    case synced(Synced)
    case message(Message)
    case ack(Ack)
    case knock(KnockNotice)
    case knocked(Knocked)
    case approved(Approved)
    case denied(Denied)
    case code(Code)
    case removed(Removed)
    case left(Left)
    case commit(Commit)
    case event(Event)
    case presence(Presence)
    case error(ErrorFrame)
    case pong(Pong)
    case bye(Bye)

    public var type: String {
        switch self {
        case .hello: "hello"
        case .authenticated: "authenticated"
        case .roomCreated: "room_created"
        case .joined: "joined"
        case .roster: "roster"
        case .synced: "synced"
        case .message: "message"
        case .ack: "ack"
        case .knock: "knock"
        case .knocked: "knocked"
        case .approved: "approved"
        case .denied: "denied"
        case .code: "code"
        case .removed: "removed"
        case .left: "left"
        case .commit: "commit"
        case .event: "event"
        case .presence: "presence"
        case .error: "error"
        case .pong: "pong"
        case .bye: "bye"
        }
    }

    /// The first frame on every connection.
    public struct Hello: Codable, Sendable, Equatable {
        public var `protocol`: Int
        public var relay: String
        public var challenge: WireBytes
        public var limits: Limits

        public init(protocol: Int = RelayProtocol.version, relay: String, challenge: WireBytes, limits: Limits) {
            self.protocol = `protocol`; self.relay = relay; self.challenge = challenge; self.limits = limits
        }
    }

    /// The relay's limits, so that clients can stay within them (docs/protocol.md, "Limits").
    public struct Limits: Codable, Sendable, Equatable {
        public var frameBytes: Int
        public var membersPerRoom: Int
        public var messagesPerSecond: Double
        public var burst: Int
        public var roomsPerAddress: Int
        public var connectionsPerAddress: Int
        public var knocksPerMinute: Int
        public var wrongCodes: Int
        public var defaultTTLSeconds: UInt64
        public var maxTTLSeconds: UInt64
        public var knockTimeoutSeconds: Int
        public var codeIntervalSeconds: Int
        /// Messages and ciphertext bytes one room's history may hold (absent from relays that
        /// set no quota).
        public var historyMessages: Int?
        public var historyBytes: Int?

        public init(frameBytes: Int, membersPerRoom: Int, messagesPerSecond: Double, burst: Int, roomsPerAddress: Int,
                    connectionsPerAddress: Int, knocksPerMinute: Int, wrongCodes: Int, defaultTTLSeconds: UInt64,
                    maxTTLSeconds: UInt64, knockTimeoutSeconds: Int, codeIntervalSeconds: Int, historyMessages: Int? = nil,
                    historyBytes: Int? = nil) {
            self.historyMessages = historyMessages; self.historyBytes = historyBytes
            self.frameBytes = frameBytes; self.membersPerRoom = membersPerRoom; self.messagesPerSecond = messagesPerSecond
            self.burst = burst; self.roomsPerAddress = roomsPerAddress; self.connectionsPerAddress = connectionsPerAddress
            self.knocksPerMinute = knocksPerMinute; self.wrongCodes = wrongCodes; self.defaultTTLSeconds = defaultTTLSeconds
            self.maxTTLSeconds = maxTTLSeconds; self.knockTimeoutSeconds = knockTimeoutSeconds
            self.codeIntervalSeconds = codeIntervalSeconds
        }

        enum CodingKeys: String, CodingKey {
            case frameBytes = "frame_bytes", membersPerRoom = "members_per_room", messagesPerSecond = "messages_per_second"
            case burst, roomsPerAddress = "rooms_per_address", connectionsPerAddress = "connections_per_address"
            case knocksPerMinute = "knocks_per_minute", wrongCodes = "wrong_codes", defaultTTLSeconds = "default_ttl_seconds"
            case maxTTLSeconds = "max_ttl_seconds", knockTimeoutSeconds = "knock_timeout_seconds"
            case codeIntervalSeconds = "code_interval_seconds"
            case historyMessages = "history_messages", historyBytes = "history_bytes"
        }
    }

    public struct Authenticated: Codable, Sendable, Equatable {
        public var signingKey: WireBytes
        public init(signingKey: WireBytes) { self.signingKey = signingKey }
        enum CodingKeys: String, CodingKey { case signingKey = "signing_key" }
    }

    public struct RoomCreated: Codable, Sendable, Equatable {
        public var roomID: String
        public var policy: RoomPolicy
        public var expiresAt: Int64
        public var maxMembers: Int

        public init(roomID: String, policy: RoomPolicy, expiresAt: Int64, maxMembers: Int) {
            self.roomID = roomID; self.policy = policy; self.expiresAt = expiresAt; self.maxMembers = maxMembers
        }

        enum CodingKeys: String, CodingKey { case roomID = "room_id", policy, expiresAt = "expires_at", maxMembers = "max_members" }
    }

    public struct Joined: Codable, Sendable, Equatable {
        public var roomID: String
        public var role: MemberRole
        public var policy: RoomPolicy
        public var name: String?
        public var expiresAt: Int64
        public var maxMembers: Int
        public var lastSeq: Int64

        public init(roomID: String, role: MemberRole, policy: RoomPolicy, name: String?, expiresAt: Int64, maxMembers: Int, lastSeq: Int64) {
            self.roomID = roomID; self.role = role; self.policy = policy; self.name = name
            self.expiresAt = expiresAt; self.maxMembers = maxMembers; self.lastSeq = lastSeq
        }

        enum CodingKeys: String, CodingKey {
            case roomID = "room_id", role, policy, name, expiresAt = "expires_at", maxMembers = "max_members", lastSeq = "last_seq"
        }
    }

    public struct Roster: Codable, Sendable, Equatable {
        public var roomID: String
        public var members: [RosterEntry]

        public init(roomID: String, members: [RosterEntry]) { self.roomID = roomID; self.members = members }
        enum CodingKeys: String, CodingKey { case roomID = "room_id", members }
    }

    /// A member as the roster shows it; clients show its fingerprint, computed from both keys.
    public struct RosterEntry: Codable, Sendable, Equatable {
        public var member: WireBytes
        public var agreementKey: WireBytes
        public var name: String
        public var role: MemberRole
        public var online: Bool
        /// The member's signed statement of `name` (docs/protocol.md, "Names"), when it made one.
        public var nameVersion: UInt64?
        public var nameSignature: WireBytes?

        public init(member: WireBytes, agreementKey: WireBytes, name: String, role: MemberRole, online: Bool,
                    nameVersion: UInt64? = nil, nameSignature: WireBytes? = nil) {
            self.member = member; self.agreementKey = agreementKey; self.name = name; self.role = role; self.online = online
            self.nameVersion = nameVersion; self.nameSignature = nameSignature
        }

        enum CodingKeys: String, CodingKey {
            case member, agreementKey = "agreement_key", name, role, online, nameVersion = "name_version", nameSignature = "name_signature"
        }
    }

    /// History is replayed up to `seq`; live frames follow.
    public struct Synced: Codable, Sendable, Equatable {
        public var roomID: String
        public var seq: Int64
        public init(roomID: String, seq: Int64) { self.roomID = roomID; self.seq = seq }
        enum CodingKeys: String, CodingKey { case roomID = "room_id", seq }
    }

    public struct Message: Codable, Sendable, Equatable {
        public var roomID: String
        public var seq: Int64
        public var sender: WireBytes
        public var clientID: String
        public var ciphertext: String
        public var time: Int64

        public init(roomID: String, seq: Int64, sender: WireBytes, clientID: String, ciphertext: String, time: Int64) {
            self.roomID = roomID; self.seq = seq; self.sender = sender; self.clientID = clientID
            self.ciphertext = ciphertext; self.time = time
        }

        enum CodingKeys: String, CodingKey { case roomID = "room_id", seq, sender, clientID = "client_id", ciphertext, time }
    }

    /// The relay has committed the sender's message as `seq`.
    public struct Ack: Codable, Sendable, Equatable {
        public var roomID: String
        public var clientID: String
        public var seq: Int64

        public init(roomID: String, clientID: String, seq: Int64) { self.roomID = roomID; self.clientID = clientID; self.seq = seq }
        enum CodingKeys: String, CodingKey { case roomID = "room_id", clientID = "client_id", seq }
    }

    /// Someone knocks on an approval room (sent to its joined members).
    public struct KnockNotice: Codable, Sendable, Equatable {
        public var roomID: String
        public var knockID: String
        public var member: WireBytes
        public var agreementKey: WireBytes
        /// The knocker's own signature over `agreementKey` (`SignedPayload.agreementKey`).
        public var binding: WireBytes
        public var name: String
        public var note: String?
        public var time: Int64

        public init(roomID: String, knockID: String, member: WireBytes, agreementKey: WireBytes, binding: WireBytes, name: String,
                    note: String?, time: Int64) {
            self.roomID = roomID; self.knockID = knockID; self.member = member; self.agreementKey = agreementKey
            self.binding = binding; self.name = name; self.note = note; self.time = time
        }

        enum CodingKeys: String, CodingKey {
            case roomID = "room_id", knockID = "knock_id", member, agreementKey = "agreement_key", binding, name, note, time
        }
    }

    /// The joiner's knock is pending.
    public struct Knocked: Codable, Sendable, Equatable {
        public var roomID: String
        public var knockID: String
        public var expiresAt: Int64

        public init(roomID: String, knockID: String, expiresAt: Int64) { self.roomID = roomID; self.knockID = knockID; self.expiresAt = expiresAt }
        enum CodingKeys: String, CodingKey { case roomID = "room_id", knockID = "knock_id", expiresAt = "expires_at" }
    }

    /// The joiner was approved: the `add` commit that let it in (it checks the commit again as
    /// part of the chain once it has joined).
    public struct Approved: Codable, Sendable, Equatable {
        public var roomID: String
        public var commit: WireBytes

        public init(roomID: String, commit: WireBytes) { self.roomID = roomID; self.commit = commit }

        enum CodingKeys: String, CodingKey { case roomID = "room_id", commit }
    }

    public struct Denied: Codable, Sendable, Equatable {
        public var roomID: String
        public var reason: String?
        public init(roomID: String, reason: String?) { self.roomID = roomID; self.reason = reason }
        enum CodingKeys: String, CodingKey { case roomID = "room_id", reason }
    }

    /// The approval room's current join code (members only).
    public struct Code: Codable, Sendable, Equatable {
        public var roomID: String
        public var code: String
        public var expiresAt: Int64
        public init(roomID: String, code: String, expiresAt: Int64) { self.roomID = roomID; self.code = code; self.expiresAt = expiresAt }
        enum CodingKeys: String, CodingKey { case roomID = "room_id", code, expiresAt = "expires_at" }
    }

    public struct Removed: Codable, Sendable, Equatable {
        public var roomID: String
        public var by: WireBytes
        public init(roomID: String, by: WireBytes) { self.roomID = roomID; self.by = by }
        enum CodingKeys: String, CodingKey { case roomID = "room_id", by }
    }

    public struct Left: Codable, Sendable, Equatable {
        public var roomID: String
        public init(roomID: String) { self.roomID = roomID }
        enum CodingKeys: String, CodingKey { case roomID = "room_id" }
    }

    /// A group-state commit (docs/protocol.md, "Group state"), in `seq` order with the messages;
    /// the room's whole chain comes first on every join.
    public struct Commit: Codable, Sendable, Equatable {
        public var roomID: String
        public var seq: Int64
        public var commit: WireBytes
        public var time: Int64

        public init(roomID: String, seq: Int64, commit: WireBytes, time: Int64) {
            self.roomID = roomID; self.seq = seq; self.commit = commit; self.time = time
        }

        enum CodingKeys: String, CodingKey { case roomID = "room_id", seq, commit, time }
    }

    /// Something happened in the room (live only, not part of history).
    public struct Event: Codable, Sendable, Equatable {
        public var roomID: String
        public var event: EventKind
        public var member: WireBytes?
        /// The member's agreement key (`join`, `approve`): for display; membership comes from commits.
        public var agreementKey: WireBytes?
        public var name: String?
        public var by: WireBytes?
        public var time: Int64
        /// `name`: the member's signed statement of `name` (docs/protocol.md, "Names").
        public var nameVersion: UInt64?
        public var nameSignature: WireBytes?

        public init(roomID: String, event: EventKind, member: WireBytes? = nil, agreementKey: WireBytes? = nil, name: String? = nil,
                    by: WireBytes? = nil, time: Int64, nameVersion: UInt64? = nil, nameSignature: WireBytes? = nil) {
            self.roomID = roomID; self.event = event; self.member = member; self.agreementKey = agreementKey; self.name = name
            self.by = by; self.time = time; self.nameVersion = nameVersion; self.nameSignature = nameSignature
        }

        enum CodingKeys: String, CodingKey {
            case roomID = "room_id", event, member, agreementKey = "agreement_key", name, by, time
            case nameVersion = "name_version", nameSignature = "name_signature"
        }
    }

    public enum EventKind: String, Codable, Sendable, CaseIterable {
        case join, leave, approve, deny, withdraw
        case knockExpired = "knock_expired"
        case remove, expire
        /// A member signed a new name for itself.
        case name
    }

    public struct Presence: Codable, Sendable, Equatable {
        public var roomID: String
        public var member: WireBytes
        public var online: Bool
        public init(roomID: String, member: WireBytes, online: Bool) { self.roomID = roomID; self.member = member; self.online = online }
        enum CodingKeys: String, CodingKey { case roomID = "room_id", member, online }
    }

    public struct Pong: Codable, Sendable, Equatable {
        public init() {}
    }

    public struct Bye: Codable, Sendable, Equatable {
        public var reason: String
        public init(reason: String) { self.reason = reason }
    }
}

/// `error {code, message, limit?, room_id?, client_id?, retry_after_ms?}`.
public struct ErrorFrame: Codable, Sendable, Equatable, Error {
    public var code: ErrorCode
    public var message: String
    public var limit: LimitName?
    public var roomID: String?
    public var clientID: String?
    /// `rate_limited`: milliseconds until the relay accepts the next frame of this connection
    /// (0 to 3,600,000; a client clamps what it reads to that range).
    public var retryAfterMs: Int64?

    public init(_ code: ErrorCode, _ message: String, limit: LimitName? = nil, roomID: String? = nil, clientID: String? = nil,
                retryAfterMs: Int64? = nil) {
        self.code = code; self.message = message; self.limit = limit; self.roomID = roomID; self.clientID = clientID
        self.retryAfterMs = retryAfterMs
    }

    enum CodingKeys: String, CodingKey { case code, message, limit, roomID = "room_id", clientID = "client_id", retryAfterMs = "retry_after_ms" }
}

extension ServerFrame: Codable {
    enum TypeKey: String, CodingKey { case type }

    public init(from decoder: any Decoder) throws {
        let type = try decoder.container(keyedBy: TypeKey.self).decode(String.self, forKey: .type)
        switch type {
        case "hello": self = .hello(try .init(from: decoder))
        case "authenticated": self = .authenticated(try .init(from: decoder))
        case "room_created": self = .roomCreated(try .init(from: decoder))
        case "joined": self = .joined(try .init(from: decoder))
        case "roster": self = .roster(try .init(from: decoder))
        case "synced": self = .synced(try .init(from: decoder))
        case "message": self = .message(try .init(from: decoder))
        case "ack": self = .ack(try .init(from: decoder))
        case "knock": self = .knock(try .init(from: decoder))
        case "knocked": self = .knocked(try .init(from: decoder))
        case "approved": self = .approved(try .init(from: decoder))
        case "denied": self = .denied(try .init(from: decoder))
        case "code": self = .code(try .init(from: decoder))
        case "removed": self = .removed(try .init(from: decoder))
        case "left": self = .left(try .init(from: decoder))
        case "commit": self = .commit(try .init(from: decoder))
        case "event": self = .event(try .init(from: decoder))
        case "presence": self = .presence(try .init(from: decoder))
        case "error": self = .error(try .init(from: decoder))
        case "pong": self = .pong(Pong())
        case "bye": self = .bye(try .init(from: decoder))
        default: throw FrameDecodingError.unknownType(type)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: TypeKey.self)
        try c.encode(type, forKey: .type)
        switch self {
        case .hello(let f): try f.encode(to: encoder)
        case .authenticated(let f): try f.encode(to: encoder)
        case .roomCreated(let f): try f.encode(to: encoder)
        case .joined(let f): try f.encode(to: encoder)
        case .roster(let f): try f.encode(to: encoder)
        case .synced(let f): try f.encode(to: encoder)
        case .message(let f): try f.encode(to: encoder)
        case .ack(let f): try f.encode(to: encoder)
        case .knock(let f): try f.encode(to: encoder)
        case .knocked(let f): try f.encode(to: encoder)
        case .approved(let f): try f.encode(to: encoder)
        case .denied(let f): try f.encode(to: encoder)
        case .code(let f): try f.encode(to: encoder)
        case .removed(let f): try f.encode(to: encoder)
        case .left(let f): try f.encode(to: encoder)
        case .commit(let f): try f.encode(to: encoder)
        case .event(let f): try f.encode(to: encoder)
        case .presence(let f): try f.encode(to: encoder)
        case .error(let f): try f.encode(to: encoder)
        case .pong: break
        case .bye(let f): try f.encode(to: encoder)
        }
    }
}
