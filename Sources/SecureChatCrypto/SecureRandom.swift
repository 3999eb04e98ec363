import COpenSSL

/// The operating system's CSPRNG through OpenSSL's DRBG. Every key, nonce, id and code comes from here.
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
        let ok = buffer.withUnsafeMutableBytes { RAND_bytes($0.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32($0.count)) }
        precondition(ok == 1, "the system random number generator failed")
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
