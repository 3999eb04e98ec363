import COpenSSL

/// AES-CBC with PKCS#7 padding, incremental, so a large input can be encrypted in pieces with
/// flat memory (Fernet's streaming encryption uses this).
public final class AESCBC {
    private let context = CipherContext()
    private var finished = false

    /// - Parameters: `key` 16, 24 or 32 bytes; `iv` 16 bytes.
    public init(key: [UInt8], iv: [UInt8], encrypt: Bool) throws(CryptoError) {
        let cipher: OpaquePointer
        switch key.count {
        case 16: cipher = EVP_aes_128_cbc()
        case 24: cipher = EVP_aes_192_cbc()
        case 32: cipher = EVP_aes_256_cbc()
        default: throw .invalidParameter("AES key must be 16, 24 or 32 bytes")
        }
        guard iv.count == 16 else { throw .invalidParameter("AES-CBC IV must be 16 bytes") }
        let r = key.withUnsafeBufferPointer { k in
            iv.withUnsafeBufferPointer { v in EVP_CipherInit_ex(context.ctx, cipher, nil, k.baseAddress, v.baseAddress, encrypt ? 1 : 0) }
        }
        try check(r, "EVP_CipherInit_ex(AES-CBC)")
    }

    /// Processes `input`; returns the output available so far (at most `input.count + 16` bytes).
    public func update(_ input: UnsafeRawBufferPointer) throws(CryptoError) -> [UInt8] {
        guard input.count > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: input.count + 16)
        let n = try typed { try out.withUnsafeMutableBytes { o in try context.update(input, into: o) } }
        out.removeSubrange(n...)
        return out
    }

    public func update(_ input: [UInt8]) throws(CryptoError) -> [UInt8] {
        try typed { try input.withUnsafeBytes { i in try update(i) } }
    }

    /// The last block (encrypting) or the unpadded tail (decrypting). Bad padding is an
    /// authentication failure, with no detail.
    public func finalize() throws(CryptoError) -> [UInt8] {
        precondition(!finished)
        finished = true
        var out = [UInt8](repeating: 0, count: 32)
        var outl: Int32 = 0
        let r = out.withUnsafeMutableBufferPointer { EVP_CipherFinal_ex(context.ctx, $0.baseAddress, &outl) }
        guard r == 1 else {
            ERR_clear_error()
            throw .authenticationFailure
        }
        return Array(out.prefix(Int(outl)))
    }

    public static func encrypt(_ plaintext: [UInt8], key: [UInt8], iv: [UInt8]) throws(CryptoError) -> [UInt8] {
        let c = try AESCBC(key: key, iv: iv, encrypt: true)
        return try c.update(plaintext) + c.finalize()
    }

    public static func decrypt(_ ciphertext: [UInt8], key: [UInt8], iv: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard !ciphertext.isEmpty, ciphertext.count % 16 == 0 else { throw .authenticationFailure }
        let c = try AESCBC(key: key, iv: iv, encrypt: false)
        return try c.update(ciphertext) + c.finalize()
    }
}
