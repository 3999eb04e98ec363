import SecureChatCrypto

/// Fernet (the spec at github.com/fernet/spec): 0x80 ‖ timestamp ‖ IV ‖ AES-128-CBC ciphertext ‖
/// HMAC-SHA256, URL-safe base64. With several keys it behaves like Python's `MultiFernet`: the
/// first key encrypts, any key decrypts, and `rotate` re-encrypts under the first key keeping the
/// original timestamp.
public struct Fernet: Sendable {
    public static let version: UInt8 = 0x80
    /// How far in the future a token may be dated when a TTL is checked (the spec's skew rule).
    public static let maxClockSkew: UInt64 = 60
    static let overhead = 1 + 8 + 16 + 32

    public let keys: [FernetKey]

    public init(keys: [FernetKey]) {
        precondition(!keys.isEmpty, "Fernet needs at least one key")
        self.keys = keys
    }

    public init(key: FernetKey) { self.init(keys: [key]) }

    /// A token for `plaintext`, dated `now` (Unix seconds). `iv` is random unless given (tests).
    public func encrypt(_ plaintext: [UInt8], now: UInt64, iv: [UInt8]? = nil) -> String {
        let writer = MemoryWriter()
        var stream = FernetEncryptingStream(key: keys[0], now: now, iv: iv ?? SecureRandom.bytes(16))
        // Memory writers do not throw.
        try! stream.write(plaintext, to: writer)
        try! stream.finish(to: writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// The verified parts of a token: its timestamp and the key index that authenticated it.
    public struct Verified: Sendable {
        public let timestamp: UInt64
        public let keyIndex: Int
        /// The whole decoded token; IV at 9..<25, ciphertext from 25 to the HMAC.
        let data: [UInt8]
    }

    /// Decodes and authenticates a token without decrypting it; TTL rules applied when `ttl` is set.
    public func verify(_ token: some StringProtocol, ttl: UInt64? = nil, now: UInt64) throws(FernetError) -> Verified {
        try verify(bytes: Array(token.utf8), ttl: ttl, now: now)
    }

    /// `verify` for a token given as its ASCII bytes (avoids copies for large tokens).
    public func verify(bytes token: [UInt8], ttl: UInt64? = nil, now: UInt64) throws(FernetError) -> Verified {
        let data = try Fernet.decodeToken(bytes: token)
        let mac = Array(data[(data.count - 32)...])
        // Authenticate before looking at anything else the token claims.
        let index = data.withUnsafeBytes { raw in
            keys.firstIndex { key in
                let h = HMACSHA256(key: key.signingKey)
                h.update(UnsafeRawBufferPointer(rebasing: raw[0..<(data.count - 32)]))
                return Bytes.constantTimeEqual(h.finalize(), mac)
            }
        }
        guard let index else { throw .authenticationFailed }
        let timestamp = Fernet.timestamp(of: data)
        if let ttl {
            if timestamp > now, timestamp - now > Fernet.maxClockSkew {
                throw .fromTheFuture(aheadSeconds: timestamp - now)
            }
            if timestamp <= now, now - timestamp > ttl {
                throw .expired(ageSeconds: now - timestamp, ttl: ttl)
            }
        }
        return Verified(timestamp: timestamp, keyIndex: index, data: data)
    }

    /// The plaintext of a token. No plaintext is produced unless the HMAC verified first.
    public func decrypt(_ token: some StringProtocol, ttl: UInt64? = nil, now: UInt64) throws(FernetError) -> [UInt8] {
        try open(verify(token, ttl: ttl, now: now))
    }

    public func decrypt(bytes token: [UInt8], ttl: UInt64? = nil, now: UInt64) throws(FernetError) -> [UInt8] {
        try open(verify(bytes: token, ttl: ttl, now: now))
    }

    func open(_ v: Verified) throws(FernetError) -> [UInt8] {
        do {
            let c = try AESCBC(key: keys[v.keyIndex].encryptionKey, iv: Array(v.data[9..<25]), encrypt: false)
            let body = try v.data.withUnsafeBytes { raw throws(CryptoError) in
                try c.update(UnsafeRawBufferPointer(rebasing: raw[25..<(v.data.count - 32)]))
            }
            return try body + c.finalize()
        } catch {
            // The MAC held, so whoever made this token had the signing key but padded wrongly.
            throw .malformedToken("invalid padding")
        }
    }

    /// Re-encrypts under the first key, keeping the token's original timestamp.
    public func rotate(_ token: some StringProtocol, now: UInt64) throws(FernetError) -> String {
        let v = try verify(token, now: now)
        return encrypt(try open(v), now: v.timestamp)
    }

    /// The timestamp a token claims, read without authenticating it (for `inspect`).
    public static func unverifiedTimestamp(_ token: some StringProtocol) throws(FernetError) -> UInt64 {
        timestamp(of: try decodeToken(bytes: Array(token.utf8)))
    }

    static func timestamp(of data: [UInt8]) -> UInt64 {
        data[1..<9].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Base64url-decodes and checks the framing every Fernet token must have.
    static func decodeToken(bytes text: [UInt8]) throws(FernetError) -> [UInt8] {
        guard !text.isEmpty else { throw .malformedToken("the token is empty") }
        guard let data = Base64.decode(text, alphabet: .url, padded: true) else {
            throw .malformedToken("not URL-safe base64 with correct padding")
        }
        let tooShort = FernetError.malformedToken("too short (\(data.count) bytes; a token has at least \(overhead + 16))")
        guard data.count >= overhead else { throw tooShort }
        guard data[0] == version else {
            throw .malformedToken("unknown version byte 0x\(Bytes.hex([data[0]])) (expected 0x80)")
        }
        guard (data.count - overhead) % 16 == 0 else {
            throw .malformedToken("ciphertext is not a whole number of AES blocks")
        }
        guard data.count > overhead else { throw tooShort }
        return data
    }

    /// True when `text` could be a Fernet token (starts like one): used to tell formats apart.
    public static func looksLikeToken(_ text: some StringProtocol) -> Bool {
        text.utf8.starts(with: "gAAAAA".utf8)
    }
}
