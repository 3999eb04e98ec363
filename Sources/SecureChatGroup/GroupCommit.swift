import SecureChatCrypto
import SecureChatWire

/// One signed change to a room's group state (docs/protocol.md, "Group state"): who is a
/// member, who owns the room, which room key is current. Commits form a hash chain: each names
/// the epoch it creates and the hash of the commit before it, so a relay can drop or delay
/// them but cannot forge, reorder or fork them without clients noticing.
///
/// The byte layout is fixed (all integers big-endian) and is what the signature and the hash
/// cover:
///
///     content = "securechat/v2/group-commit" ‖ 0x00
///               ‖ u8 room id length ‖ room id (ASCII)
///               ‖ u64 epoch ‖ prev (32 bytes; zero at epoch 0)
///               ‖ u8 kind ‖ author (32) ‖ subject (32) ‖ subject agreement key (32, or zero)
///               ‖ u8 policy (0 open, 1 approval)
///               ‖ key id (32) ‖ access key (32, or zero for approval rooms)
///               ‖ u8 sealed count ‖ sealed*    sealed = member (32) ‖ enc (32) ‖ u16 ct length ‖ ct
///               ‖ proof (64, or zero: a join's signature by the room's current access key)
///     commit  = content ‖ Ed25519 signature by author over content (64)
///     hash    = SHA-256(commit)
public struct GroupCommit: Sendable, Equatable {
    public enum Kind: UInt8, Sendable, CaseIterable {
        /// Epoch 0: the owner founds the room (author = subject = owner).
        case create = 0
        /// Approval rooms: a member lets a joiner in, sealing the current key to it.
        case add = 1
        /// Open rooms: a key holder enters by itself, proving it holds the current key.
        case join = 2
        /// The owner removes a member and, in the same commit, replaces the room key.
        case remove = 3
        /// A member (never the owner) leaves; the key is stale until the next rotation.
        case leave = 4
        /// A new room key for every member: by the owner at any time, by any member while stale.
        case rotate = 5
    }

    /// A room key sealed to one member (HPKE, see `GroupKeys.seal`).
    public struct Sealed: Sendable, Equatable {
        public var member: [UInt8]
        public var enc: [UInt8]
        public var ct: [UInt8]
        public init(member: [UInt8], enc: [UInt8], ct: [UInt8]) { self.member = member; self.enc = enc; self.ct = ct }
    }

    public static let label = "securechat/v2/group-commit"
    public static let maxSealed = 255
    public static let maxCiphertext = 1024
    /// The largest commit: 255 sealed keys of the largest size, with the longest room id.
    public static let maxBytes = 16 * 1024 * 1024

    public var roomID: String
    public var epoch: UInt64
    public var prev: [UInt8]
    public var kind: Kind
    public var author: [UInt8]
    public var subject: [UInt8]
    public var subjectAgreementKey: [UInt8]
    public var policy: RoomPolicy
    public var keyID: [UInt8]
    public var accessKey: [UInt8]
    public var sealed: [Sealed]
    public var proof: [UInt8]
    public var signature: [UInt8]

    public static let zero = [UInt8](repeating: 0, count: 32)
    /// An absent proof.
    public static let noProof = [UInt8](repeating: 0, count: 64)
    /// At most this many members, so that a key change can seal to every one (a u8 count).
    public static let maxMembers = 255

    public init(roomID: String, epoch: UInt64, prev: [UInt8], kind: Kind, author: [UInt8], subject: [UInt8],
                subjectAgreementKey: [UInt8] = zero, policy: RoomPolicy, keyID: [UInt8], accessKey: [UInt8] = zero,
                sealed: [Sealed] = [], proof: [UInt8] = noProof, signature: [UInt8] = []) {
        self.roomID = roomID; self.epoch = epoch; self.prev = prev; self.kind = kind; self.author = author
        self.subject = subject; self.subjectAgreementKey = subjectAgreementKey; self.policy = policy; self.keyID = keyID
        self.accessKey = accessKey; self.sealed = sealed; self.proof = proof; self.signature = signature
    }

    // MARK: bytes

    /// The content up to, not including, the proof: what a join's proof MACs.
    public var contentBeforeProof: [UInt8] {
        var out = Array(Self.label.utf8) + [0]
        let id = Array(roomID.utf8)
        out.append(UInt8(truncatingIfNeeded: id.count)); out += id
        out += SignedPayload.bigEndian(epoch, bytes: 8) + prev
        out.append(kind.rawValue)
        out += author + subject + subjectAgreementKey
        out.append(policy == .open ? 0 : 1)
        out += keyID + accessKey
        out.append(UInt8(truncatingIfNeeded: sealed.count))
        for s in sealed { out += s.member + s.enc + SignedPayload.bigEndian(UInt64(s.ct.count), bytes: 2) + s.ct }
        return out
    }

    /// What the author signs.
    public var content: [UInt8] { contentBeforeProof + proof }

    /// The commit as sent: content and signature.
    public var bytes: [UInt8] { content + signature }

    /// SHA-256 of the commit: the `prev` of the next one.
    public var hash: [UInt8] { SHA256.hash(bytes) }

    /// Signs the content with the author's key (which must be `author`).
    public mutating func sign(with key: Curve25519.Signing.PrivateKey) throws(CryptoError) {
        signature = try key.signature(for: content)
    }

    /// Whether the signature is the author's. A key that is not a valid Ed25519 point (or is of
    /// small order, which the crypto layer refuses) never verifies.
    public var isSignatureValid: Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: author) else { return false }
        return key.isValidSignature(signature, for: content)
    }

    /// Parses a commit exactly: every length is checked before it is used, and nothing may follow.
    public init(parsing data: [UInt8]) throws(GroupCommitError) {
        guard data.count <= Self.maxBytes else { throw .tooLarge }
        var r = Reader(data)
        let label = Array(Self.label.utf8) + [0]
        guard try r.take(label.count) == label else { throw .wrongLabel }
        let idLength = Int(try r.byte())
        let id = try r.take(idLength)
        guard let roomID = String(validating: id, as: UTF8.self), Validation.isRoomID(roomID) else { throw .invalidRoomID }
        self.roomID = roomID
        epoch = try r.uint(8)
        prev = try r.take(32)
        guard let kind = Kind(rawValue: try r.byte()) else { throw .unknownKind }
        self.kind = kind
        author = try r.take(32)
        subject = try r.take(32)
        subjectAgreementKey = try r.take(32)
        switch try r.byte() {
        case 0: policy = .open
        case 1: policy = .approval
        default: throw .unknownPolicy
        }
        keyID = try r.take(32)
        accessKey = try r.take(32)
        let count = Int(try r.byte())
        var sealed = [Sealed]()
        for _ in 0..<count {
            let member = try r.take(32), enc = try r.take(32)
            let ctLength = Int(try r.uint(2))
            guard ctLength > 0, ctLength <= Self.maxCiphertext else { throw .invalidSealedKey }
            sealed.append(Sealed(member: member, enc: enc, ct: try r.take(ctLength)))
        }
        self.sealed = sealed
        proof = try r.take(64)
        signature = try r.take(64)
        guard r.isAtEnd else { throw .trailingBytes }
    }

    /// Reads fixed-size fields; every read checks the bytes left first.
    struct Reader {
        let data: [UInt8]
        var offset = 0
        init(_ data: [UInt8]) { self.data = data }
        var isAtEnd: Bool { offset == data.count }

        mutating func take(_ n: Int) throws(GroupCommitError) -> [UInt8] {
            guard n >= 0, data.count - offset >= n else { throw .truncated }
            defer { offset += n }
            return Array(data[offset..<offset + n])
        }

        mutating func byte() throws(GroupCommitError) -> UInt8 { try take(1)[0] }

        mutating func uint(_ n: Int) throws(GroupCommitError) -> UInt64 {
            try take(n).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
    }
}

/// Why bytes are not a commit at all (before any rule is checked).
public enum GroupCommitError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooLarge, wrongLabel, truncated, invalidRoomID, unknownKind, unknownPolicy, invalidSealedKey, trailingBytes

    public var description: String {
        switch self {
        case .tooLarge: "the commit is larger than any valid commit"
        case .wrongLabel: "not a group commit (wrong label)"
        case .truncated: "the commit is truncated"
        case .invalidRoomID: "the commit's room id is not a room id"
        case .unknownKind: "the commit's kind is unknown"
        case .unknownPolicy: "the commit's policy is unknown"
        case .invalidSealedKey: "a sealed key's ciphertext length is out of range (1 to 1024 bytes)"
        case .trailingBytes: "bytes follow the commit's signature"
        }
    }
}
