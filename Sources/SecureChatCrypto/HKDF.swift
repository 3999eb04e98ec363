import COpenSSL

/// HKDF with SHA-256 (RFC 5869). Extract is HMAC by definition; Expand is OpenSSL's.
public enum HKDF {
    public static func extract(salt: [UInt8], ikm: [UInt8]) -> [UInt8] {
        // RFC 5869 2.2: an absent salt is HashLen zero bytes, which HMAC treats like an empty key.
        HMACSHA256.authenticationCode(for: ikm, key: salt)
    }

    public static func expand(prk: [UInt8], info: [UInt8], length: Int) throws(CryptoError) -> [UInt8] {
        guard length > 0, length <= 255 * 32 else {
            throw .invalidParameter("HKDF-SHA256 output must be 1 to 8160 bytes")
        }
        guard prk.count >= 32 else { throw .invalidParameter("HKDF pseudorandom key is shorter than 32 bytes") }
        var out = [UInt8](repeating: 0, count: length)
        let ok = withPointer(prk) { p, pn in
            withPointer(info) { i, iN in
                out.withUnsafeMutableBufferPointer { securechat_hkdf_sha256_expand(p, pn, i, iN, $0.baseAddress, length) }
            }
        }
        try check(ok, "HKDF-Expand")
        return out
    }

    public static func deriveKey(ikm: [UInt8], salt: [UInt8] = [], info: [UInt8], length: Int) throws(CryptoError) -> [UInt8] {
        try expand(prk: extract(salt: salt, ikm: ikm), info: info, length: length)
    }
}
