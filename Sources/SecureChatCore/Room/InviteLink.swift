/// An invite to a room, version 1 (specified in docs/invite.md):
///
///     http(s)://HOST[:PORT]/join/ROOM_ID#v=1&k=KEY    an open room: the link carries the key
///     http(s)://HOST[:PORT]/join/ROOM_ID#v=1          an approval room: no key, members let joiners in
///
/// The key sits in the fragment, which browsers never send to a server. Parsing is strict (any
/// deviation is a typed `InviteError`), and `text` of a parsed link is the text parsed.
public struct InviteLink: Sendable, Equatable, CustomStringConvertible {
    public static let version = "1"
    /// Length of the key in a link: 32 bytes as unpadded base64url.
    public static let keyLength = 43

    public let server: ServerAddress
    public let roomID: RoomID
    /// The room key for an open room; nil for an approval room.
    public let key: FernetKey?

    public init(server: ServerAddress, roomID: RoomID, key: FernetKey?) {
        self.server = server
        self.roomID = roomID
        self.key = key
    }

    /// The policy the link implies: a key means anyone holding the link may join.
    public var policy: Room.Policy { key == nil ? .approval : .open }

    /// The canonical text: parameters `v` then `k`.
    public var text: String {
        var s = "\(server)/join/\(roomID)#v=\(Self.version)"
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
        self.init(server: server, roomID: id, key: try parameters["k"].map(Self.key))
    }

    /// Splits `v=1&k=…` and checks the names; the version is checked before anything else that
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
        guard v == version else { throw .unknownVersion(String(v)) }
        if let unknown = found.keys.filter({ $0 != "v" && $0 != "k" }).sorted().first { throw .unknownParameter(unknown) }
        return found
    }

    private static func key(_ text: Substring) throws(InviteError) -> FernetKey {
        guard text.utf8.count == keyLength else { throw .invalidKeyLength(text.utf8.count) }
        guard let raw = Base64.decode(Array(text.utf8), alphabet: .url, padded: false),
              let key = try? FernetKey(rawRepresentation: raw) else { throw .invalidKey }
        return key
    }
}
