import SecureChatCrypto

/// A Fernet key: 16 bytes of HMAC-SHA256 key, then 16 bytes of AES-128 key, written as 44
/// characters of URL-safe base64 (what Python's `Fernet.generate_key()` prints).
public struct FernetKey: Sendable, Equatable {
    public let signingKey: [UInt8]
    public let encryptionKey: [UInt8]

    public init(rawRepresentation raw: [UInt8]) throws(FernetError) {
        guard raw.count == 32 else { throw .invalidKey("must be 32 bytes, got \(raw.count)") }
        signingKey = Array(raw[0..<16])
        encryptionKey = Array(raw[16..<32])
    }

    /// Parses the text form; surrounding whitespace (a trailing newline in a key file) is ignored.
    public init(encoded: String) throws(FernetError) {
        let text = encoded.trimmingASCIIWhitespace()
        guard !text.isEmpty else { throw .invalidKey("the key is empty") }
        guard let raw = Base64.decode(Array(text.utf8), alphabet: .url, padded: true) else {
            throw .invalidKey("not URL-safe base64 (expected 44 characters of A-Z a-z 0-9 - _ ending in =)")
        }
        try self.init(rawRepresentation: raw)
    }

    /// A new key from the system CSPRNG.
    public static func generate() -> FernetKey {
        try! FernetKey(rawRepresentation: SecureRandom.bytes(32))
    }

    public var rawRepresentation: [UInt8] { signingKey + encryptionKey }
    public var encoded: String { Base64.encode(rawRepresentation, alphabet: .url, padded: true) }
}

extension String {
    /// The string without leading and trailing spaces, tabs, CR and LF.
    public func trimmingASCIIWhitespace() -> String {
        let u = Array(utf8)
        func ws(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d }
        guard let start = u.firstIndex(where: { !ws($0) }), let end = u.lastIndex(where: { !ws($0) }) else { return "" }
        return String(decoding: u[start...end], as: UTF8.self)
    }
}
