/// Why a Fernet key or token was refused. Messages are lowercase, name no key material, and
/// say what the user can do.
public enum FernetError: Error, Equatable, Sendable {
    /// The key text is not 32 bytes of URL-safe base64 (44 characters ending in `=`).
    case invalidKey(String)
    /// The token is not a Fernet token at all (base64, length, version, block size).
    case malformedToken(String)
    /// The HMAC did not verify under any of the keys: a different key, or an altered token.
    case authenticationFailed
    /// The token verified but is older than the TTL allows.
    case expired(ageSeconds: UInt64, ttl: UInt64)
    /// The token verified but claims a time more than 60 s ahead of this clock (TTL checks only).
    case fromTheFuture(aheadSeconds: UInt64)

    public var message: String {
        switch self {
        case .invalidKey(let why): "invalid Fernet key: \(why)"
        case .malformedToken(let why): "malformed token: \(why)"
        case .authenticationFailed: "token does not authenticate with the given key (wrong key, or the token was altered)"
        case .expired(let age, let ttl): "token expired: it is \(age) s old and the limit is \(ttl) s"
        case .fromTheFuture(let ahead): "token is dated \(ahead) s in the future (more than the 60 s clock skew allowed)"
        }
    }
}
