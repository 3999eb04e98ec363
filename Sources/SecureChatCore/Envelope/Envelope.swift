import SecureChatCrypto
import SecureChatWire

/// A chat message as its sender signed it (docs/formats.md, "Message envelope"). The relay
/// carries it as a Fernet token under the room key, so only members read it, and the Ed25519
/// signature inside lets every member check who wrote it, for which room and in which order,
/// whatever the relay claims.
///
///     envelope = 0x01 (version) ‖ kind (1) ‖ sender (32) ‖ room id length (1) ‖ room id
///                ‖ counter (8, BE) ‖ time (8, BE) ‖ body length (4, BE) ‖ body ‖ signature (64)
///     signature = Ed25519(sender, "securechat/v1/envelope" ‖ 0x00 ‖ every byte before it)
public struct Envelope: Sendable, Equatable {
    public static let version: UInt8 = 1
    /// Domain separation: no signature made for another purpose verifies as an envelope's.
    public static let signatureLabel = "securechat/v1/envelope"
    /// The largest body a reader accepts (the relay's frame limit keeps real ones far smaller).
    public static let maxBody = 1 << 20
    static let signatureBytes = 64

    /// What the body holds. Version 1 defines text only; readers refuse other kinds.
    public enum Kind: UInt8, Sendable {
        /// UTF-8 text; newlines are part of the message.
        case text = 1
    }

    public var kind: Kind
    /// The sender's Ed25519 public key (32 bytes), which must also be the key that signed.
    public var sender: [UInt8]
    /// The room the sender meant: a message replayed into another room is refused there.
    public var roomID: String
    /// The sender's own message counter in this room: 1, 2, 3, … (gaps allowed, never repeated).
    public var counter: UInt64
    /// When the sender wrote it, Unix seconds by the sender's clock.
    public var time: UInt64
    public var body: [UInt8]

    public init(kind: Kind = .text, sender: [UInt8], roomID: String, counter: UInt64, time: UInt64, body: [UInt8]) {
        self.kind = kind
        self.sender = sender
        self.roomID = roomID
        self.counter = counter
        self.time = time
        self.body = body
    }

    /// The body as text (invalid UTF-8 shows as U+FFFD; readers sanitize before display).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The envelope's bytes without the signature: exactly what is signed after the label.
    public func unsignedBytes() throws(EnvelopeError) -> [UInt8] {
        guard sender.count == 32 else { throw .malformed("the sender key is not 32 bytes") }
        let room = Array(roomID.utf8)
        guard Validation.isRoomID(utf8: room) else { throw .malformed("the room id is not 1 to 64 characters of A-Z a-z 0-9 - _") }
        guard body.count <= Self.maxBody else { throw .malformed("the body is larger than \(Self.maxBody) bytes") }
        var out = [UInt8]()
        out.reserveCapacity(64 + room.count + body.count + 64)
        out.append(Self.version)
        out.append(kind.rawValue)
        out += sender
        out.append(UInt8(room.count))
        out += room
        out += Self.bigEndian(counter, 8)
        out += Self.bigEndian(time, 8)
        out += Self.bigEndian(UInt64(body.count), 4)
        out += body
        return out
    }

    /// Signs with `key`, whose public half must be `sender`.
    public func signed(by key: Curve25519.Signing.PrivateKey) throws(EnvelopeError) -> [UInt8] {
        guard key.publicKey.rawRepresentation == sender else { throw .malformed("the signing key is not the sender's") }
        let unsigned = try unsignedBytes()
        do {
            return unsigned + (try key.signature(for: Self.signedMessage(unsigned)))
        } catch {
            throw .malformed("signing failed: \(error)")
        }
    }

    /// The signed envelope as a Fernet token under the room's newest key.
    public func seal(signingKey: Curve25519.Signing.PrivateKey, fernet: Fernet, now: UInt64) throws(EnvelopeError) -> String {
        fernet.encrypt(try signed(by: signingKey), now: now)
    }

    /// Parses signed envelope bytes and checks the signature against the sender key inside.
    /// Layout problems are `.malformed`; a signature that does not verify is `.badSignature`.
    public static func open(_ bytes: [UInt8]) throws(EnvelopeError) -> Envelope {
        var r = Reader(bytes)
        guard let version = r.take(1)?.first else { throw .malformed("empty") }
        guard version == Self.version else { throw .unsupportedVersion(version) }
        guard let kindByte = r.take(1)?.first else { throw .malformed("truncated before the kind") }
        guard let kind = Kind(rawValue: kindByte) else { throw .unsupportedKind(kindByte) }
        guard let sender = r.take(32) else { throw .malformed("truncated in the sender key") }
        guard let roomLength = r.take(1)?.first else { throw .malformed("truncated before the room id") }
        guard let room = r.take(Int(roomLength)) else { throw .malformed("truncated in the room id") }
        guard Validation.isRoomID(utf8: room) else { throw .malformed("the room id is not 1 to 64 characters of A-Z a-z 0-9 - _") }
        guard let counter = r.number(8) else { throw .malformed("truncated in the counter") }
        guard counter > 0 else { throw .malformed("the counter is 0 (counters start at 1)") }
        guard let time = r.number(8) else { throw .malformed("truncated in the time") }
        guard let length = r.number(4) else { throw .malformed("truncated in the body length") }
        guard length <= UInt64(maxBody) else { throw .malformed("the body is larger than \(maxBody) bytes") }
        guard let body = r.take(Int(length)) else { throw .malformed("truncated in the body") }
        let signedEnd = r.offset
        guard let signature = r.take(signatureBytes) else { throw .malformed("truncated in the signature") }
        guard r.isAtEnd else { throw .malformed("\(bytes.count - r.offset) bytes after the signature") }
        let envelope = Envelope(kind: kind, sender: sender, roomID: String(decoding: room, as: UTF8.self),
                                counter: counter, time: time, body: body)
        // A sender key that is not a valid point cannot have signed anything.
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: sender),
              key.isValidSignature(signature, for: signedMessage(Array(bytes[0..<signedEnd]))) else {
            throw .badSignature(envelope)
        }
        return envelope
    }

    static func signedMessage(_ unsigned: [UInt8]) -> [UInt8] {
        Array(signatureLabel.utf8) + [0] + unsigned
    }

    static func bigEndian(_ value: UInt64, _ count: Int) -> [UInt8] {
        (0..<count).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }

    /// A cursor over the bytes that never reads past the end.
    struct Reader {
        let bytes: [UInt8]
        var offset = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        var isAtEnd: Bool { offset == bytes.count }

        mutating func take(_ n: Int) -> [UInt8]? {
            guard n <= bytes.count - offset else { return nil }
            defer { offset += n }
            return Array(bytes[offset..<(offset + n)])
        }

        mutating func number(_ n: Int) -> UInt64? {
            take(n)?.reduce(0) { $0 << 8 | UInt64($1) }
        }
    }
}

/// Why envelope bytes were refused.
public enum EnvelopeError: Error, Equatable, Sendable {
    /// The bytes are not a version 1 envelope; says what is wrong.
    case malformed(String)
    /// A version this reader does not implement.
    case unsupportedVersion(UInt8)
    /// A body kind this version does not define.
    case unsupportedKind(UInt8)
    /// Well-formed, but the signature is not the named sender's: carries what it claims.
    case badSignature(Envelope)

    public var message: String {
        switch self {
        case .malformed(let why): "malformed message envelope: \(why)"
        case .unsupportedVersion(let v): "message envelope version \(v) is not supported (this securechat reads version \(Envelope.version))"
        case .unsupportedKind(let k): "message envelope kind \(k) is not supported"
        case .badSignature: "the message signature does not verify"
        }
    }
}
