import COpenSSL

/// HMAC-SHA256 (RFC 2104), incremental. The key is copied into OpenSSL's context.
public final class HMACSHA256 {
    public static let byteCount = 32
    private let ctx: OpaquePointer

    public init(key: [UInt8]) {
        let c = withPointer(key) { securechat_hmac_sha256_new($0, $1) }
        precondition(c != nil, "HMAC-SHA256 is unavailable in this OpenSSL")
        ctx = c!
    }

    deinit { EVP_MAC_CTX_free(ctx) }

    public func update(_ data: UnsafeRawBufferPointer) {
        guard data.count > 0 else { return }
        precondition(EVP_MAC_update(ctx, data.baseAddress!.assumingMemoryBound(to: UInt8.self), data.count) == 1)
    }

    public func update(_ data: [UInt8]) {
        data.withUnsafeBytes { update($0) }
    }

    /// The 32-byte tag. The context must not be used afterwards.
    public func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var len = 0
        out.withUnsafeMutableBufferPointer { _ = EVP_MAC_final(ctx, $0.baseAddress, &len, 32) }
        return out
    }

    public static func authenticationCode(for data: [UInt8], key: [UInt8]) -> [UInt8] {
        let h = HMACSHA256(key: key)
        h.update(data)
        return h.finalize()
    }

    /// Checks `tag` in constant time; a truncated tag is compared with the same-length prefix.
    public static func isValid(_ tag: [UInt8], for data: [UInt8], key: [UInt8]) -> Bool {
        guard !tag.isEmpty, tag.count <= 32 else { return false }
        return Bytes.constantTimeEqual(authenticationCode(for: data, key: key).prefix(tag.count), tag)
    }
}
