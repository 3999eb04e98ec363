import FoundationEssentials
import SecureChatCrypto

/// Trust on first use for room members (docs/formats.md, "Known keys"). The first time a name is
/// seen in a room, its public identity is remembered; a later identity under the same name in
/// the same room is a key change, which clients announce loudly. Verification (`/verify`) is
/// per public identity, so a member verified once is verified in every room.
///
/// A value: the executable reads and writes the file (`KnownKeysFile`); this type only decides.
public struct KnownKeys: Sendable, Equatable {
    /// A name bound to a public identity in one room.
    public struct Entry: Sendable, Equatable {
        public var roomID: String
        public var name: String
        public var identity: PublicIdentity
        /// Unix seconds of the first sighting.
        public var firstSeen: UInt64

        public init(roomID: String, name: String, identity: PublicIdentity, firstSeen: UInt64) {
            self.roomID = roomID; self.name = name; self.identity = identity; self.firstSeen = firstSeen
        }
    }

    /// What a sighting means.
    public enum Observation: Sendable, Equatable {
        /// Never seen under this name in this room: now remembered.
        case new
        /// The identity remembered for this name.
        case known
        /// Another identity than the one remembered; the new one replaces it, so the warning is
        /// given once per change.
        case changed(previous: PublicIdentity)
        /// A new name that looks like `name` (the same `NameSkeleton`), which this room knows with
        /// another identity: someone may be passing as that member. Remembered under its own name.
        case looksLike(name: String, identity: PublicIdentity)
    }

    public private(set) var entries: [Entry]
    /// Fingerprints (docs/formats.md, "Public identity and fingerprint") the user has verified.
    public private(set) var verified: Set<String>

    public init(entries: [Entry] = [], verified: Set<String> = []) {
        self.entries = entries
        self.verified = verified
    }

    /// Records that `identity` appears as `name` in room `roomID`.
    public mutating func observe(roomID: String, name: String, identity: PublicIdentity, now: UInt64) -> Observation {
        if let i = entries.firstIndex(where: { $0.roomID == roomID && $0.name == name }) {
            let previous = entries[i].identity
            guard previous != identity else { return .known }
            entries[i] = Entry(roomID: roomID, name: name, identity: identity, firstSeen: now)
            return .changed(previous: previous)
        }
        let lookalike = self.lookalike(roomID: roomID, name: name, identity: identity)
        entries.append(Entry(roomID: roomID, name: name, identity: identity, firstSeen: now))
        return lookalike.map { .looksLike(name: $0.name, identity: $0.identity) } ?? .new
    }

    /// The member of `roomID` first seen before `identity` under `name` whose name looks like it
    /// (the same skeleton, not the same text) with another identity, if any: `name` is then the
    /// look-alike. The member seen first keeps its name unflagged.
    public func lookalike(roomID: String, name: String, identity: PublicIdentity) -> Entry? {
        let skeleton = NameSkeleton.skeleton(name)
        let mine = entries.firstIndex { $0.roomID == roomID && $0.name == name && $0.identity == identity } ?? entries.endIndex
        return entries[..<mine].first {
            $0.roomID == roomID && $0.identity != identity && $0.name != name && NameSkeleton.skeleton($0.name) == skeleton
        }
    }

    /// The identity remembered for `name` in `roomID`.
    public func identity(roomID: String, name: String) -> PublicIdentity? {
        entries.first { $0.roomID == roomID && $0.name == name }?.identity
    }

    public func isVerified(_ identity: PublicIdentity) -> Bool { verified.contains(identity.fingerprint) }

    /// Marks an identity verified (after comparing the safety number out of band).
    public mutating func markVerified(_ identity: PublicIdentity) { verified.insert(identity.fingerprint) }

    /// Takes back a verification.
    public mutating func unmarkVerified(_ identity: PublicIdentity) { verified.remove(identity.fingerprint) }

    /// Brings in what another copy learned (another process may have written the file meanwhile):
    /// their bindings for names this copy has not seen, and their verifications.
    public mutating func merge(_ other: KnownKeys) {
        for entry in other.entries where !entries.contains(where: { $0.roomID == entry.roomID && $0.name == entry.name }) {
            entries.append(entry)
        }
        verified.formUnion(other.verified)
    }
}

/// The known-keys file, `securechat-known-keys/1`: one JSON object with sorted keys.
///
///     {"format": "securechat-known-keys/1",
///      "members": [{"room": ID, "name": NAME, "signing_key": B64URL, "agreement_key": B64URL,
///                   "fingerprint": FP, "first_seen": RFC3339}, …],
///      "verified": [FP, …]}
public enum KnownKeysFile {
    public static let format = "securechat-known-keys/1"

    private struct Stored: Codable {
        var format: String
        var members: [Member]
        var verified: [String]
    }

    private struct Member: Codable {
        var room: String
        var name: String
        var signingKey: String
        var agreementKey: String
        var fingerprint: String
        var firstSeen: String

        enum CodingKeys: String, CodingKey {
            case room, name, signingKey = "signing_key", agreementKey = "agreement_key", fingerprint, firstSeen = "first_seen"
        }
    }

    public static func encode(_ keys: KnownKeys) -> [UInt8] {
        let stored = Stored(
            format: format,
            members: keys.entries.map {
                Member(room: $0.roomID, name: $0.name,
                       signingKey: Base64.encode($0.identity.signingKey.rawRepresentation, alphabet: .url, padded: false),
                       agreementKey: Base64.encode($0.identity.agreementKey.rawRepresentation, alphabet: .url, padded: false),
                       fingerprint: $0.identity.fingerprint, firstSeen: Timestamp.format($0.firstSeen))
            },
            verified: keys.verified.sorted())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try! encoder.encode(stored)) + [0x0a]
    }

    /// Parses the file; the fingerprint stored beside each key pair is recomputed, not trusted.
    public static func decode(_ bytes: [UInt8]) throws(KnownKeysError) -> KnownKeys {
        let stored: Stored
        do {
            stored = try JSONDecoder().decode(Stored.self, from: Data(bytes))
        } catch {
            throw .malformed("not a known-keys file (expected a JSON object with format, members and verified)")
        }
        guard stored.format == format else { throw .malformed("unsupported format \"\(stored.format)\"; this securechat reads \"\(format)\"") }
        var entries = [KnownKeys.Entry]()
        for (i, m) in stored.members.enumerated() {
            guard let s = Base64.decode(Array(m.signingKey.utf8), alphabet: .url, padded: false),
                  let a = Base64.decode(Array(m.agreementKey.utf8), alphabet: .url, padded: false),
                  let signing = try? Curve25519.Signing.PublicKey(rawRepresentation: s),
                  let agreement = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: a) else {
                throw .malformed("member \(i + 1) has an invalid key")
            }
            guard let seen = Timestamp.parse(m.firstSeen) else { throw .malformed("member \(i + 1) has an invalid first_seen") }
            entries.append(.init(roomID: m.room, name: m.name, identity: PublicIdentity(agreementKey: agreement, signingKey: signing),
                                 firstSeen: seen))
        }
        return KnownKeys(entries: entries, verified: Set(stored.verified))
    }
}

public enum KnownKeysError: Error, Equatable, Sendable {
    case malformed(String)

    public var message: String {
        switch self { case .malformed(let why): "known-keys file: \(why)" }
    }
}
