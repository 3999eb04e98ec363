import COpenSSL

/// SHA-256, one-shot or incremental.
public struct SHA256: ~Copyable {
    public static let byteCount = 32
    private let ctx: OpaquePointer

    public init() {
        ctx = EVP_MD_CTX_new()!
        precondition(EVP_DigestInit_ex(ctx, EVP_sha256(), nil) == 1)
    }

    deinit { EVP_MD_CTX_free(ctx) }

    public mutating func update(_ data: UnsafeRawBufferPointer) {
        guard data.count > 0 else { return }
        precondition(EVP_DigestUpdate(ctx, data.baseAddress, data.count) == 1)
    }

    public mutating func update(_ data: [UInt8]) {
        data.withUnsafeBytes { update($0) }
    }

    public consuming func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var len: UInt32 = 0
        out.withUnsafeMutableBufferPointer { _ = EVP_DigestFinal_ex(ctx, $0.baseAddress, &len) }
        return out
    }

    public static func hash(_ data: [UInt8]) -> [UInt8] {
        var h = SHA256()
        h.update(data)
        return h.finalize()
    }
}
