import FoundationEssentials

/// The on-disk form of a `Room`, specified in docs/room-file.md: one JSON object, keys sorted,
/// two-space indented, with a `"format": "securechat-room/1"` marker. Times are RFC 3339 UTC,
/// keys are Fernet keys in their usual 44-character form, newest first. Fields this version
/// does not know are ignored, so later versions of version 1 can add some.
public enum RoomFile {
    public static let format = "securechat-room/1"

    private struct Stored: Codable {
        var format: String?
        var id: String?
        var name: String?
        var policy: String?
        var created: String?
        var expires: String?
        var maxMembers: Int?
        var server: String?
        var keys: [String]?
        var owner: String?

        enum CodingKeys: String, CodingKey {
            case format, id, name, policy, created, expires, maxMembers = "max_members", server, keys, owner
        }
    }

    public static func encode(_ room: Room) -> [UInt8] {
        let stored = Stored(
            format: format, id: room.id.text, name: room.name, policy: room.policy.rawValue,
            created: Timestamp.format(room.created), expires: Timestamp.format(room.expires),
            maxMembers: room.memberLimit, server: room.server.description, keys: room.keys.map(\.encoded),
            owner: room.owner.map { Base64.encode($0, alphabet: .url, padded: false) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and integers cannot fail.
        return Array(try! encoder.encode(stored)) + [0x0a]
    }

    private static func field(of error: Error) -> String? {
        let context: DecodingError.Context
        switch error as? DecodingError {
        case .typeMismatch(_, let c)?, .valueNotFound(_, let c)?, .dataCorrupted(let c)?: context = c
        default: return nil
        }
        return context.codingPath.first?.stringValue
    }

    public static func decode(_ bytes: [UInt8]) throws(RoomFileError) -> Room {
        let s: Stored
        do {
            s = try JSONDecoder().decode(Stored.self, from: Data(bytes))
        } catch {
            // A value of the wrong type names its field; anything else is not JSON at all.
            guard let field = Self.field(of: error) else { throw .notJSON }
            throw field == "format" ? .wrongFormat(nil) : .invalidField(field, "wrong type")
        }
        guard let f = s.format else { throw .wrongFormat(nil) }
        guard f == format else { throw .wrongFormat(f) }

        func required<T>(_ value: T?, _ name: String) throws(RoomFileError) -> T {
            guard let value else { throw .missingField(name) }
            return value
        }
        func time(_ value: String?, _ name: String) throws(RoomFileError) -> UInt64 {
            guard let t = Timestamp.parse(try required(value, name)) else {
                throw .invalidField(name, "expected an RFC 3339 UTC time like 2024-05-01T12:00:00Z")
            }
            return t
        }

        guard let id = RoomID(try required(s.id, "id")) else {
            throw .invalidField("id", "expected 22 characters of base64url")
        }
        let name = try required(s.name, "name")
        if let problem = Room.nameProblem(name) { throw .invalidField("name", problem) }
        guard let policy = Room.Policy(rawValue: try required(s.policy, "policy")) else {
            throw .invalidField("policy", "expected \"open\" or \"approval\"")
        }
        let created = try time(s.created, "created")
        let expires = try time(s.expires, "expires")
        guard expires >= created else { throw .invalidField("expires", "it is before \"created\"") }
        let limit = try required(s.maxMembers, "max_members")
        guard Room.memberLimitRange.contains(limit) else {
            throw .invalidField("max_members", "expected \(Room.memberLimitRange.lowerBound) to \(Room.memberLimitRange.upperBound)")
        }
        let serverText = try required(s.server, "server")
        let server: ServerAddress
        do { server = try ServerAddress(parsing: serverText) } catch { throw .invalidField("server", error.reason) }
        var keys = [FernetKey]()
        for (i, text) in try required(s.keys, "keys").enumerated() {
            do { keys.append(try FernetKey(encoded: text)) } catch {
                throw .invalidField("keys", "entry \(i + 1): \(error.message)")
            }
        }
        if policy == .open, keys.isEmpty { throw .noKeyForOpenRoom }
        var owner: [UInt8]?
        if let text = s.owner {
            guard let key = InviteLink.ownerKey(Substring(text)) else {
                throw .invalidField("owner", "expected an Ed25519 public key as 43 characters of base64url")
            }
            owner = key
        }
        return Room(id: id, name: name, policy: policy, created: created, expires: expires,
                    memberLimit: limit, server: server, keys: keys, owner: owner)
    }
}
