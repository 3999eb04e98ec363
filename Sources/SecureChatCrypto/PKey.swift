import COpenSSL

/// Owns one `EVP_PKEY`; freed in `deinit`. Keys are stored as raw bytes in the public types
/// and turned into OpenSSL keys only for the length of an operation.
final class PKey {
    let key: OpaquePointer

    init(privateRaw raw: [UInt8], type: Int32) throws(CryptoError) {
        let k = raw.withUnsafeBufferPointer { EVP_PKEY_new_raw_private_key(type, nil, $0.baseAddress, $0.count) }
        guard let k else {
            ERR_clear_error()
            throw .invalidParameter("private key must be 32 bytes")
        }
        key = k
    }

    init(publicRaw raw: [UInt8], type: Int32) throws(CryptoError) {
        let k = raw.withUnsafeBufferPointer { EVP_PKEY_new_raw_public_key(type, nil, $0.baseAddress, $0.count) }
        guard let k else {
            ERR_clear_error()
            throw .invalidParameter("public key must be 32 bytes")
        }
        key = k
    }

    deinit { EVP_PKEY_free(key) }

    var rawPublicKey: [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var len = 32
        let r = out.withUnsafeMutableBufferPointer { EVP_PKEY_get_raw_public_key(key, $0.baseAddress, &len) }
        precondition(r == 1 && len == 32, "EVP_PKEY_get_raw_public_key failed")
        return out
    }
}
