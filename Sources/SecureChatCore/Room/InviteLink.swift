import SecureChatCrypto

/// An invite to a room, version 2 (specified in docs/invite.md):
///
///     http(s)://HOST[:PORT]/join/ROOM_ID#v=2&o=OWNER&k=KEY    an open room: the link carries the key
///     http(s)://HOST[:PORT]/join/ROOM_ID#v=2&o=OWNER          an approval room: no key, members let joiners in
///
/// `o`, the owner's Ed25519 signing key, pins who may found the room's group state; a room not
/// registered on a relay has no owner yet and its link no `o`. Version 1 links (no `o`) are read.
///
/// The key sits in the fragment, which browsers never send to a server. Parsing is strict (any
/// deviation is a typed `InviteError`), and `text` of a parsed link is the text parsed.
public struct InviteLink: Sendable, Equatable, CustomStringConvertible {
    public static let version = "2"
    /// Versions this reader accepts: 1 (no owner pin) and 2.
    public static let readableVersions: Set<Substring> = ["1", "2"]
    /// Length of the key in a link: 32 bytes as unpadded base64url.
    public static let keyLength = 43

    public let server: ServerAddress
    public let roomID: RoomID
    /// The room key for an open room; nil for an approval room.
    public let key: FernetKey?
    /// The owner's Ed25519 signing key (32 bytes), when the link pins it.
    public let owner: [UInt8]?
    /// The format version of the text this link was read from (1 or 2); made links are version 2.
    public let formatVersion: Int

    public init(server: ServerAddress, roomID: RoomID, key: FernetKey?, owner: [UInt8]? = nil) {
        self.init(server: server, roomID: roomID, key: key, owner: owner, formatVersion: 2)
    }

    init(server: ServerAddress, roomID: RoomID, key: FernetKey?, owner: [UInt8]?, formatVersion: Int) {
        self.server = server
        self.roomID = roomID
        self.key = key
        self.owner = owner
        self.formatVersion = formatVersion
    }

    /// Equal links name the same relay, room, key and owner, whichever version they were read from.
    public static func == (a: InviteLink, b: InviteLink) -> Bool {
        a.server == b.server && a.roomID == b.roomID && a.key == b.key && a.owner == b.owner
    }

    /// The policy the link implies: a key means anyone holding the link may join.
    public var policy: Room.Policy { key == nil ? .approval : .open }

    /// The canonical text: parameters `v`, then `o`, then `k`.
    public var text: String {
        var s = "\(server)/join/\(roomID)#v=\(Self.version)"
        if let owner { s += "&o=" + Base64.encode(owner, alphabet: .url, padded: false) }
        if let key { s += "&k=" + Base64.encode(key.rawRepresentation, alphabet: .url, padded: false) }
        return s
    }

    public var description: String { text }

    /// A quick look, not a parse: whether `text` is meant as an invite link (so a tool like
    /// `securechat inspect` can route it here, and report this parser's errors if it is broken).
    public static func looksLikeInvite(_ text: String) -> Bool {
        let t = text.trimmingASCIIWhitespace()
        return (t.hasPrefix("http://") || t.hasPrefix("https://")) && t.contains("/join/")
    }

    /// Parses a link exactly; surrounding whitespace is not trimmed here.
    public init(parsing text: String) throws(InviteError) {
        let (server, rest) = try ServerAddress.parsePrefix(Substring(text))
        let hash = rest.firstIndex(of: "#") ?? rest.endIndex
        let path = rest[..<hash]
        if path.contains("?") { throw .queryNotAllowed }
        guard path.hasPrefix("/join/") else { throw .missingJoinPath(String(path)) }
        let idText = path.dropFirst("/join/".count)
        guard !idText.isEmpty else { throw .missingRoomID }
        guard let id = RoomID(String(idText)) else { throw .invalidRoomID(String(idText)) }
        let fragment = hash < rest.endIndex ? rest[rest.index(after: hash)...] : ""
        let parameters = try Self.parameters(fragment)
        var owner: [UInt8]?
        if let text = parameters["o"] {
            guard let key = Self.ownerKey(text) else { throw .invalidOwner }
            owner = key
        }
        self.init(server: server, roomID: id, key: try parameters["k"].map(Self.key), owner: owner,
                  formatVersion: parameters["v"] == "1" ? 1 : 2)
    }

    /// Splits `v=2&o=…&k=…` and checks the names; the version is checked before anything else that
    /// a later version might change.
    private static func parameters(_ fragment: Substring) throws(InviteError) -> [String: Substring] {
        guard !fragment.isEmpty else { throw .unknownVersion(nil) }
        var found = [String: Substring]()
        for part in fragment.split(separator: "&", omittingEmptySubsequences: false) {
            guard let eq = part.firstIndex(of: "="), eq > part.startIndex else { throw .malformedParameter(String(part)) }
            let name = String(part[..<eq])
            guard found[name] == nil else { throw .duplicateParameter(name) }
            found[name] = part[part.index(after: eq)...]
        }
        guard let v = found["v"] else { throw .unknownVersion(nil) }
        guard readableVersions.contains(v) else { throw .unknownVersion(String(v)) }
        let known: Set<String> = v == "1" ? ["v", "k"] : ["v", "o", "k"]
        if let unknown = found.keys.filter({ !known.contains($0) }).sorted().first { throw .unknownParameter(unknown) }
        return found
    }

    /// An owner pin: 43 characters of canonical unpadded base64url holding a valid Ed25519 key.
    public static func ownerKey(_ text: Substring) -> [UInt8]? {
        guard text.utf8.count == keyLength, let raw = Base64.decode(Array(text.utf8), alphabet: .url, padded: false),
              (try? Curve25519.Signing.PublicKey(rawRepresentation: raw)) != nil else { return nil }
        return raw
    }

    private static func key(_ text: Substring) throws(InviteError) -> FernetKey {
        guard text.utf8.count == keyLength else { throw .invalidKeyLength(text.utf8.count) }
        guard let raw = Base64.decode(Array(text.utf8), alphabet: .url, padded: false),
              let key = try? FernetKey(rawRepresentation: raw) else { throw .invalidKey }
        return key
    }
}
