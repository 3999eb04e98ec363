import COpenSSL

/// Small byte helpers shared by the primitives and their callers.
public enum Bytes {
    /// Compares two byte strings in time that depends only on their lengths.
    public static func constantTimeEqual<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A, _ b: B) -> Bool {
        let x = Array(a), y = Array(b)
        guard x.count == y.count else { return false }
        if x.isEmpty { return true }
        return x.withUnsafeBytes { xp in
            y.withUnsafeBytes { yp in CRYPTO_memcmp(xp.baseAddress!, yp.baseAddress!, x.count) == 0 }
        }
    }

    /// Lowercase hexadecimal.
    public static func hex<C: Collection<UInt8>>(_ bytes: C) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses hexadecimal (either case); nil when malformed.
    public static func fromHex(_ s: String) -> [UInt8]? {
        let u = Array(s.utf8)
        guard u.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x61...0x66: return c - 0x61 + 10
            case 0x41...0x46: return c - 0x41 + 10
            default: return nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let h = nibble(u[i]), let l = nibble(u[i + 1]) else { return nil }
            out.append(h << 4 | l)
            i += 2
        }
        return out
    }

    /// Overwrites a buffer with zeroes in a way the optimiser keeps.
    public static func wipe(_ bytes: inout [UInt8]) {
        let n = bytes.count
        guard n > 0 else { return }
        bytes.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, n) }
    }
}

/// Runs `body` with a pointer that is never nil, even for an empty array (OpenSSL treats a NULL
/// pointer as "not given", which differs from "given and empty").
@inline(__always)
func withPointer<R>(_ bytes: [UInt8], _ body: (UnsafePointer<UInt8>, Int) throws -> R) rethrows -> R {
    if bytes.isEmpty {
        var zero: UInt8 = 0
        return try withUnsafePointer(to: &zero) { try body($0, 0) }
    }
    return try bytes.withUnsafeBufferPointer { try body($0.baseAddress!, $0.count) }
}

/// Throws `CryptoError.library(call)` when an OpenSSL call did not return 1.
@inline(__always)
func check(_ result: Int32, _ call: StaticString) throws(CryptoError) {
    guard result == 1 else {
        ERR_clear_error()
        throw .library("\(call)")
    }
}

/// Re-types errors thrown through standard-library closures (which are `rethrows`, not typed).
@inline(__always)
func typed<R>(_ body: () throws -> R) throws(CryptoError) -> R {
    do { return try body() } catch let e as CryptoError { throw e } catch { throw .library("\(error)") }
}
