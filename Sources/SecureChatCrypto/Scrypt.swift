import COpenSSL

/// scrypt (RFC 7914). Callers cap `logN` for untrusted input; see age's scrypt stanza.
public enum Scrypt {
    public static func deriveKey(password: [UInt8], salt: [UInt8], logN: Int, r: Int = 8, p: Int = 1,
                                 length: Int) throws(CryptoError) -> [UInt8] {
        guard (1...30).contains(logN), r > 0, p > 0, length > 0 else {
            throw .invalidParameter("scrypt parameters out of range")
        }
        let n = UInt64(1) << UInt64(logN)
        // OpenSSL's default memory cap is 32 MiB; allow what the parameters need, plus slack.
        let maxmem = UInt64(128) * UInt64(r) * (n + UInt64(p) + 2) + (1 << 20)
        var out = [UInt8](repeating: 0, count: length)
        let ok = withPointer(password) { pw, pwn in
            withPointer(salt) { s, sn in
                out.withUnsafeMutableBufferPointer { o in
                    pw.withMemoryRebound(to: CChar.self, capacity: max(pwn, 1)) { pwc in
                        EVP_PBE_scrypt(pwc, pwn, s, sn, n, UInt64(r), UInt64(p), maxmem, o.baseAddress, length)
                    }
                }
            }
        }
        try check(ok, "EVP_PBE_scrypt")
        return out
    }
}
