/// Why an invite link or a server address was refused. `reason` says what is wrong in
/// lowercase and never repeats key material; `message` adds which kind of text it was.
public enum InviteError: Error, Equatable, Sendable {
    /// Nothing was given.
    case empty
    /// A space, control or non-ASCII character at this (0-based) character offset.
    case invalidCharacter(offset: Int)
    /// Not `http://` or `https://`; carries the scheme found, or nil when there is none.
    case unsupportedScheme(String?)
    /// Nothing between `://` and the path.
    case missingHost
    /// A host outside the allowed characters or lengths (user info, `%`, over 253 characters…).
    case invalidHost(String)
    /// A port that is not a number in 1…65535 written without leading zeros.
    case invalidPort(String)
    /// A `?query` part: keys never travel where servers and logs see them.
    case queryNotAllowed
    /// The path is not `/join/…`; carries the path found.
    case missingJoinPath(String)
    /// `/join/` with nothing after it.
    case missingRoomID
    /// The room id is not 22 characters of canonical unpadded base64url; carries it.
    case invalidRoomID(String)
    /// A server address with something after the authority (a path, query or fragment).
    case serverHasPath(String)
    /// The fragment has no `v` parameter (nil) or one other than 1 or 2.
    case unknownVersion(String?)
    /// A fragment part without `=` or with an empty name.
    case malformedParameter(String)
    /// The same parameter twice.
    case duplicateParameter(String)
    /// A parameter this version does not define.
    case unknownParameter(String)
    /// A key that is not 43 characters long; carries the length found.
    case invalidKeyLength(Int)
    /// A key of the right length that is not canonical base64url.
    case invalidKey
    /// An owner pin (`o`) that is not a valid Ed25519 public key as 43 characters of base64url.
    case invalidOwner

    public var reason: String {
        switch self {
        case .empty: "it is empty"
        case .invalidCharacter(let offset): "it contains a space, control or non-ASCII character (at character \(offset + 1))"
        case .unsupportedScheme(nil): "it must start with http:// or https://"
        case .unsupportedScheme(let s?): "unsupported scheme \"\(s)\"; use http or https"
        case .missingHost: "it has no host"
        case .invalidHost(let h): "invalid host \"\(h)\"; use a DNS name, an IPv4 address or a bracketed IPv6 address"
        case .invalidPort(let p): "invalid port \"\(p)\"; use a number from 1 to 65535"
        case .queryNotAllowed: "it has a query string (?…); invite parameters belong in the fragment (#…)"
        case .missingJoinPath: "the path must be /join/ROOM_ID"
        case .missingRoomID: "it has no room id after /join/"
        case .invalidRoomID(let id): "invalid room id (\(id.count) characters); expected 22 characters of base64url (A-Z a-z 0-9 - _)"
        case .serverHasPath: "unexpected path after the host; a server address is http(s)://HOST[:PORT]"
        case .unknownVersion(nil): "unknown invite version: the fragment has no v= parameter"
        case .unknownVersion(let v?): "unknown invite version \"\(v.prefix(8))\"; this securechat reads versions 1 and 2"
        case .malformedParameter: "malformed fragment parameter; expected NAME=VALUE"
        case .duplicateParameter(let n): "the fragment parameter \"\(n.prefix(16))\" appears more than once"
        case .unknownParameter(let n): "unknown fragment parameter \"\(n.prefix(16))\""
        case .invalidKeyLength(let n): "the room key must be 43 characters of base64url, got \(n)"
        case .invalidKey: "the room key is not valid base64url"
        case .invalidOwner: "the owner key (o=) is not an Ed25519 public key as 43 characters of base64url"
        }
    }

    /// The reason as a sentence about an invite link; a server address gets its own prefix
    /// from the caller (`invalid --server: …`).
    public var message: String { "invalid invite link: \(reason)" }
}
