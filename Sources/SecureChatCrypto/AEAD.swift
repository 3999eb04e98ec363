import COpenSSL

/// The AEAD constructions securechat uses. Tags are always 16 bytes, appended to the ciphertext.
public enum AEADAlgorithm: Sendable {
    case aes128GCM, aes256GCM, chaCha20Poly1305

    public var keyByteCount: Int { self == .aes128GCM ? 16 : 32 }
    public static let tagByteCount = 16

    fileprivate var cipher: OpaquePointer {
        switch self {
        case .aes128GCM: EVP_aes_128_gcm()
        case .aes256GCM: EVP_aes_256_gcm()
        case .chaCha20Poly1305: EVP_chacha20_poly1305()
        }
    }

    fileprivate func validate(nonce: Int) throws(CryptoError) {
        switch self {
        case .chaCha20Poly1305 where nonce != 12:
            throw .invalidParameter("ChaCha20-Poly1305 nonce must be 12 bytes")
        case .aes128GCM, .aes256GCM:
            // OpenSSL's GCM accepts 1 to 128-byte IVs; securechat itself only uses 12.
            if nonce < 1 || nonce > 128 { throw .invalidParameter("AES-GCM nonce must be 1 to 128 bytes") }
        case .chaCha20Poly1305: break
        }
    }
}

/// A keyed AEAD that can seal and open many messages, reusing one OpenSSL context (the STREAM
/// construction of age seals a chunk every 64 KiB).
public final class AEADCipher {
    public let algorithm: AEADAlgorithm
    private let key: [UInt8]
    private let context = CipherContext()

    public init(_ algorithm: AEADAlgorithm, key: [UInt8]) throws(CryptoError) {
        guard key.count == algorithm.keyByteCount else {
            throw .invalidParameter("key must be \(algorithm.keyByteCount) bytes")
        }
        self.algorithm = algorithm
        self.key = key
    }

    private func start(nonce: [UInt8], encrypt: Bool) throws(CryptoError) {
        try algorithm.validate(nonce: nonce.count)
        let ctx = context.ctx
        try check(EVP_CipherInit_ex(ctx, algorithm.cipher, nil, nil, nil, encrypt ? 1 : 0), "EVP_CipherInit_ex")
        try check(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, Int32(nonce.count), nil), "set IV length")
        let r = key.withUnsafeBufferPointer { k in
            nonce.withUnsafeBufferPointer { n in EVP_CipherInit_ex(ctx, nil, nil, k.baseAddress, n.baseAddress, encrypt ? 1 : 0) }
        }
        try check(r, "EVP_CipherInit_ex(key)")
    }

    /// Writes `plaintext.count + 16` bytes (ciphertext, then tag) to `output`.
    public func seal(_ plaintext: UnsafeRawBufferPointer, nonce: [UInt8], aad: [UInt8] = [],
                     into output: UnsafeMutableRawBufferPointer) throws(CryptoError) {
        precondition(output.count >= plaintext.count + 16)
        try start(nonce: nonce, encrypt: true)
        try context.updateAAD(aad)
        let n = try context.update(plaintext, into: output)
        var outl: Int32 = 0
        let tail = output.baseAddress!.advanced(by: n).assumingMemoryBound(to: UInt8.self)
        try check(EVP_CipherFinal_ex(context.ctx, tail, &outl), "EVP_CipherFinal_ex")
        try check(EVP_CIPHER_CTX_ctrl(context.ctx, EVP_CTRL_AEAD_GET_TAG, 16, output.baseAddress! + plaintext.count), "get tag")
    }

    /// Opens `sealed` (ciphertext then 16-byte tag), writing `sealed.count - 16` bytes to `output`.
    /// Nothing in `output` may be used unless this returns.
    public func open(_ sealed: UnsafeRawBufferPointer, nonce: [UInt8], aad: [UInt8] = [],
                     into output: UnsafeMutableRawBufferPointer) throws(CryptoError) {
        guard sealed.count >= 16 else { throw .authenticationFailure }
        let ctLen = sealed.count - 16
        precondition(output.count >= ctLen)
        try start(nonce: nonce, encrypt: false)
        try context.updateAAD(aad)
        let n = try context.update(UnsafeRawBufferPointer(rebasing: sealed[0..<ctLen]), into: output)
        // OpenSSL only copies the tag from this pointer, so the input can be passed without a copy
        // (no allocation per message: age's STREAM opens one every 64 KiB).
        let tagPointer = UnsafeMutableRawPointer(mutating: sealed.baseAddress! + ctLen)
        try check(EVP_CIPHER_CTX_ctrl(context.ctx, EVP_CTRL_AEAD_SET_TAG, 16, tagPointer), "set tag")
        var outl: Int32 = 0
        let tail = output.baseAddress.map { $0.advanced(by: n).assumingMemoryBound(to: UInt8.self) }
        var scratch: UInt8 = 0
        guard EVP_CipherFinal_ex(context.ctx, tail ?? withUnsafeMutablePointer(to: &scratch) { $0 }, &outl) == 1 else {
            ERR_clear_error()
            throw .authenticationFailure
        }
    }

    public func seal(_ plaintext: [UInt8], nonce: [UInt8], aad: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: plaintext.count + 16)
        try typed {
            try withPointer(plaintext) { p, n in
                try out.withUnsafeMutableBytes { o in
                    try seal(UnsafeRawBufferPointer(start: p, count: n), nonce: nonce, aad: aad, into: o)
                }
            }
        }
        return out
    }

    public func open(_ sealed: [UInt8], nonce: [UInt8], aad: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        guard sealed.count >= 16 else { throw .authenticationFailure }
        var out = [UInt8](repeating: 0, count: sealed.count - 16 + 1)
        try typed {
            try sealed.withUnsafeBytes { s in
                try out.withUnsafeMutableBytes { o in try open(s, nonce: nonce, aad: aad, into: o) }
            }
        }
        out.removeLast()
        return out
    }
}

/// One-shot AES-GCM with the API shape of swift-crypto.
public enum AESGCM {
    public static func seal(_ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        let alg: AEADAlgorithm = key.count == 16 ? .aes128GCM : .aes256GCM
        return try AEADCipher(alg, key: key).seal(plaintext, nonce: nonce, aad: aad)
    }

    public static func open(_ sealed: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        let alg: AEADAlgorithm = key.count == 16 ? .aes128GCM : .aes256GCM
        return try AEADCipher(alg, key: key).open(sealed, nonce: nonce, aad: aad)
    }
}

/// One-shot ChaCha20-Poly1305 (RFC 8439) with the API shape of swift-crypto.
public enum ChaChaPoly {
    public static func seal(_ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        try AEADCipher(.chaCha20Poly1305, key: key).seal(plaintext, nonce: nonce, aad: aad)
    }

    public static func open(_ sealed: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        try AEADCipher(.chaCha20Poly1305, key: key).open(sealed, nonce: nonce, aad: aad)
    }
}
