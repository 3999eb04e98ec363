/// Frames a client sends to the relay, one JSON object per WebSocket text frame, told apart by
/// `"type"` (docs/protocol.md).
public enum ClientFrame: Sendable, Equatable {
    case auth(Auth)
    case createRoom(CreateRoom)
    case join(Join)
    case send(Send)
    case knock(Knock)
    case approve(Approve)
    case deny(Deny)
    case commit(Commit)
    case setName(SetName)
    case ping(Ping)

    /// The `type` field's value.
    public var type: String {
        switch self {
        case .auth: "auth"
        case .createRoom: "create_room"
        case .join: "join"
        case .send: "send"
        case .knock: "knock"
        case .approve: "approve"
        case .deny: "deny"
        case .commit: "commit"
        case .setName: "set_name"
        case .ping: "ping"
        }
    }

    /// The room a room-scoped frame is about.
    public var roomID: String? {
        switch self {
        case .auth, .ping: nil
        case .createRoom(let f): f.roomID
        case .join(let f): f.roomID
        case .send(let f): f.roomID
        case .knock(let f): f.roomID
        case .approve(let f): f.roomID
        case .deny(let f): f.roomID
        case .commit(let f): f.roomID
        case .setName(let f): f.roomID
        }
    }

    /// Answers `hello`: who this connection speaks for, proven by a signature over the challenge.
    public struct Auth: Codable, Sendable, Equatable {
        public var signingKey: WireBytes
        public var agreementKey: WireBytes
        public var name: String
        public var signature: WireBytes
        public var `protocol`: Int?

        public init(signingKey: WireBytes, agreementKey: WireBytes, name: String, signature: WireBytes, protocol: Int? = RelayProtocol.version) {
            self.signingKey = signingKey; self.agreementKey = agreementKey; self.name = name
            self.signature = signature; self.protocol = `protocol`
        }

        enum CodingKeys: String, CodingKey {
            case signingKey = "signing_key", agreementKey = "agreement_key", name, signature, `protocol`
        }
    }

    /// Registers a room; the sender becomes its owner.
    public struct CreateRoom: Codable, Sendable, Equatable {
        public var roomID: String
        public var policy: RoomPolicy
        public var name: String?
        public var ttlSeconds: UInt64?
        public var maxMembers: UInt32?
        public var accessKey: WireBytes?
        /// The room's `create` commit (docs/protocol.md, "Group state").
        public var commit: WireBytes
        public var signature: WireBytes

        public init(roomID: String, policy: RoomPolicy, name: String? = nil, ttlSeconds: UInt64? = nil, maxMembers: UInt32? = nil,
                    accessKey: WireBytes? = nil, commit: WireBytes, signature: WireBytes) {
            self.roomID = roomID; self.policy = policy; self.name = name; self.ttlSeconds = ttlSeconds
            self.maxMembers = maxMembers; self.accessKey = accessKey; self.commit = commit; self.signature = signature
        }

        enum CodingKeys: String, CodingKey {
            case roomID = "room_id", policy, name, ttlSeconds = "ttl_seconds", maxMembers = "max_members"
            case accessKey = "access_key", commit, signature
        }
    }

    /// Enters a room (as a member, or with an open room's access proof) and replays history.
    public struct Join: Codable, Sendable, Equatable {
        public var roomID: String
        public var afterSeq: Int64?
        public var proof: WireBytes?

        public init(roomID: String, afterSeq: Int64? = nil, proof: WireBytes? = nil) {
            self.roomID = roomID; self.afterSeq = afterSeq; self.proof = proof
        }

        enum CodingKeys: String, CodingKey { case roomID = "room_id", afterSeq = "after_seq", proof }
    }

    /// One encrypted message (a Fernet token) for everyone in the room.
    public struct Send: Codable, Sendable, Equatable {
        public var roomID: String
        public var clientID: String
        public var ciphertext: String

        public init(roomID: String, clientID: String, ciphertext: String) {
            self.roomID = roomID; self.clientID = clientID; self.ciphertext = ciphertext
        }

        enum CodingKeys: String, CodingKey { case roomID = "room_id", clientID = "client_id", ciphertext }
    }

    /// Asks to be let into an approval room, named by id or by its current join code.
    public struct Knock: Codable, Sendable, Equatable {
        public var roomID: String?
        public var code: String?
        public var name: String?
        public var note: String?
        /// The joiner's signature over its agreement key (`SignedPayload.agreementKey`).
        public var binding: WireBytes

        public init(roomID: String? = nil, code: String? = nil, name: String? = nil, note: String? = nil, binding: WireBytes) {
            self.roomID = roomID; self.code = code; self.name = name; self.note = note; self.binding = binding
        }

        enum CodingKeys: String, CodingKey { case roomID = "room_id", code, name, note, binding }
    }

    /// Lets a knocking joiner in: the `add` commit for it (docs/protocol.md, "Group state"), which
    /// carries the room key sealed to the joiner's agreement key.
    public struct Approve: Codable, Sendable, Equatable {
        public var roomID: String
        public var knockID: String
        public var commit: WireBytes

        public init(roomID: String, knockID: String, commit: WireBytes) {
            self.roomID = roomID; self.knockID = knockID; self.commit = commit
        }

        enum CodingKeys: String, CodingKey { case roomID = "room_id", knockID = "knock_id", commit }
    }

    public struct Deny: Codable, Sendable, Equatable {
        public var roomID: String
        public var knockID: String
        public var reason: String?

        public init(roomID: String, knockID: String, reason: String? = nil) {
            self.roomID = roomID; self.knockID = knockID; self.reason = reason
        }

        enum CodingKeys: String, CodingKey { case roomID = "room_id", knockID = "knock_id", reason }
    }

    /// A change to the room's group state: a `join`, `leave`, `remove` or `rotate` commit
    /// (docs/protocol.md, "Group state"), as the bytes the author signed.
    public struct Commit: Codable, Sendable, Equatable {
        public var roomID: String
        public var commit: WireBytes

        public init(roomID: String, commit: WireBytes) { self.roomID = roomID; self.commit = commit }

        enum CodingKeys: String, CodingKey { case roomID = "room_id", commit }
    }

    /// A member's signed statement of its name in a room (docs/protocol.md, "Names").
    public struct SetName: Codable, Sendable, Equatable {
        public var roomID: String
        public var name: String
        /// Milliseconds since 1970 at signing, above the member's earlier statements in the room.
        public var version: UInt64
        /// Ed25519 by the member's signing key over `SignedPayload.memberName`.
        public var signature: WireBytes

        public init(roomID: String, name: String, version: UInt64, signature: WireBytes) {
            self.roomID = roomID; self.name = name; self.version = version; self.signature = signature
        }

        enum CodingKeys: String, CodingKey { case roomID = "room_id", name, version, signature }
    }

    public struct Ping: Codable, Sendable, Equatable {
        public init() {}
    }
}

extension ClientFrame: Codable {
    enum TypeKey: String, CodingKey { case type }

    public init(from decoder: any Decoder) throws {
        let type = try decoder.container(keyedBy: TypeKey.self).decode(String.self, forKey: .type)
        switch type {
        case "auth": self = .auth(try Auth(from: decoder))
        case "create_room": self = .createRoom(try CreateRoom(from: decoder))
        case "join": self = .join(try Join(from: decoder))
        case "send": self = .send(try Send(from: decoder))
        case "knock": self = .knock(try Knock(from: decoder))
        case "approve": self = .approve(try Approve(from: decoder))
        case "deny": self = .deny(try Deny(from: decoder))
        case "commit": self = .commit(try Commit(from: decoder))
        case "set_name": self = .setName(try SetName(from: decoder))
        case "ping": self = .ping(Ping())
        default: throw FrameDecodingError.unknownType(type)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: TypeKey.self)
        try c.encode(type, forKey: .type)
        switch self {
        case .auth(let f): try f.encode(to: encoder)
        case .createRoom(let f): try f.encode(to: encoder)
        case .join(let f): try f.encode(to: encoder)
        case .send(let f): try f.encode(to: encoder)
        case .knock(let f): try f.encode(to: encoder)
        case .approve(let f): try f.encode(to: encoder)
        case .deny(let f): try f.encode(to: encoder)
        case .commit(let f): try f.encode(to: encoder)
        case .setName(let f): try f.encode(to: encoder)
        case .ping: break
        }
    }
}

/// Why a frame could not be decoded.
public enum FrameDecodingError: Error, Equatable, Sendable {
    /// Well-formed, but of a type this side does not know.
    case unknownType(String)
    /// Not a JSON object, or a field is missing or has the wrong form.
    case malformed(String)
}
