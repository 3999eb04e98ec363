/// The base64 age uses (RFC 4648 section 4): unpadded in the header, padded in the armor. Decoding
/// is strict: only canonical encodings are accepted (no stray characters, no padding where none
/// belongs, zero trailing bits), because the spec makes age files non-malleable.
enum AgeBase64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xff, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()
    private static let pad = UInt8(ascii: "=")

    static func encodedCount(_ byteCount: Int, padded: Bool) -> Int {
        padded ? (byteCount + 2) / 3 * 4 : (byteCount * 4 + 2) / 3
    }

    /// Writes the encoding of `input` to `out`, which must have room for `encodedCount`; returns
    /// the number of characters written.
    static func encode(_ input: UnsafeRawBufferPointer, padded: Bool, into out: UnsafeMutablePointer<UInt8>) -> Int {
        alphabet.withUnsafeBufferPointer { a in
            var o = 0, i = 0
            let n = input.count
            while i + 3 <= n {
                let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                out[o] = a[Int(v >> 18)]
                out[o + 1] = a[Int(v >> 12 & 63)]
                out[o + 2] = a[Int(v >> 6 & 63)]
                out[o + 3] = a[Int(v & 63)]
                i += 3
                o += 4
            }
            let rest = n - i
            if rest > 0 {
                let v = UInt32(input[i]) << 16 | (rest == 2 ? UInt32(input[i + 1]) << 8 : 0)
                out[o] = a[Int(v >> 18)]
                out[o + 1] = a[Int(v >> 12 & 63)]
                o += 2
                if rest == 2 {
                    out[o] = a[Int(v >> 6 & 63)]
                    o += 1
                }
                if padded {
                    for _ in rest..<3 {
                        out[o] = pad
                        o += 1
                    }
                }
            }
            return o
        }
    }

    static func encode(_ bytes: [UInt8], padded: Bool = false) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: encodedCount(bytes.count, padded: padded))
        let n = bytes.withUnsafeBytes { i in out.withUnsafeMutableBufferPointer { encode(i, padded: padded, into: $0.baseAddress!) } }
        precondition(n == out.count)
        return out
    }

    static func encodeToString(_ bytes: [UInt8]) -> String {
        String(decoding: encode(bytes), as: UTF8.self)
    }

    /// Decodes a canonical encoding into `out` (room for `count / 4 * 3 + 2` bytes); nil for
    /// anything not canonical.
    static func decode(_ input: UnsafeRawBufferPointer, padded: Bool, into out: UnsafeMutablePointer<UInt8>) -> Int? {
        var n = input.count
        if padded {
            guard n % 4 == 0 else { return nil }
            var pads = 0
            while pads < 2, n > 0, input[n - 1] == pad {
                n -= 1
                pads += 1
            }
            // "xx==" leaves 2 characters (1 byte), "xxx=" leaves 3.
            if pads > 0, n % 4 != 4 - pads { return nil }
        }
        guard n % 4 != 1 else { return nil }
        return decodeTable.withUnsafeBufferPointer { t -> Int? in
            var i = 0, o = 0
            while i + 4 <= n {
                let a = t[Int(input[i])], b = t[Int(input[i + 1])], c = t[Int(input[i + 2])], d = t[Int(input[i + 3])]
                guard (a | b | c | d) < 64 else { return nil }
                let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                out[o] = UInt8(truncatingIfNeeded: v >> 16)
                out[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
                out[o + 2] = UInt8(truncatingIfNeeded: v)
                i += 4
                o += 3
            }
            switch n - i {
            case 0: break
            case 2:
                let a = t[Int(input[i])], b = t[Int(input[i + 1])]
                guard (a | b) < 64, b & 0x0f == 0 else { return nil }
                out[o] = a << 2 | b >> 4
                o += 1
            case 3:
                let a = t[Int(input[i])], b = t[Int(input[i + 1])], c = t[Int(input[i + 2])]
                guard (a | b | c) < 64, c & 0x03 == 0 else { return nil }
                out[o] = a << 2 | b >> 4
                out[o + 1] = b << 4 | c >> 2
                o += 2
            default: return nil
            }
            return o
        }
    }

    static func decode<C: Collection<UInt8>>(_ chars: C, padded: Bool = false) -> [UInt8]? {
        let input = Array(chars)
        var out = [UInt8](repeating: 0, count: input.count / 4 * 3 + 2)
        let n = input.withUnsafeBytes { i in out.withUnsafeMutableBufferPointer { decode(i, padded: padded, into: $0.baseAddress!) } }
        guard let n else { return nil }
        out.removeSubrange(n...)
        return out
    }
}
