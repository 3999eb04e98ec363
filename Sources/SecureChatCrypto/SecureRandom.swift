import COpenSSL
#if canImport(Glibc)
import Glibc
#endif

/// The operating system's CSPRNG, read with getrandom(2): the same source that seeds OpenSSL's
/// DRBG, without the cost of setting that DRBG up in a short-lived process. Every key, nonce, id
/// and code comes from here.
public enum SecureRandom {
    /// `count` random bytes. Aborts only if the system has no entropy source, which no caller can handle.
    public static func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        fill(&out)
        return out
    }

    /// Fills `buffer` with random bytes.
    public static func fill(_ buffer: inout [UInt8]) {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeMutableBytes { raw in
            var filled = 0
            while filled < raw.count {
                let n = securechat_getrandom(raw.baseAddress! + filled, raw.count - filled)
                if n < 0, errno == EINTR { continue }
                precondition(n > 0, "the system random number generator failed")
                filled += n
            }
        }
    }

    /// A uniformly distributed integer in `0..<upperBound`, without modulo bias.
    public static func uniform(below upperBound: UInt64) -> UInt64 {
        precondition(upperBound > 0)
        let limit = UInt64.max - (UInt64.max % upperBound)
        while true {
            let b = bytes(8)
            let v = b.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            if v < limit { return v % upperBound }
        }
    }
}
