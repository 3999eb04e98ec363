/// Base64 (RFC 4648) in the two alphabets securechat's formats use. Strict on decode: only the
/// alphabet, canonical trailing bits, and padding exactly as requested; callers decide what
/// whitespace to strip before calling. Streaming encode for large tokens lives in `Base64Encoder`.
public enum Base64 {
    public enum Alphabet: Sendable { case standard, url }

    static let standardTable = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let urlTable = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static let standardDecode = makeDecodeTable(standardTable)
    static let urlDecode = makeDecodeTable(urlTable)

    private static func makeDecodeTable(_ t: [UInt8]) -> [UInt8] {
        var d = [UInt8](repeating: 0xff, count: 256)
        for (i, c) in t.enumerated() { d[Int(c)] = UInt8(i) }
        return d
    }

    public static func encode(_ bytes: [UInt8], alphabet: Alphabet = .standard, padded: Bool = true) -> String {
        String(decoding: encodeBytes(bytes, alphabet: alphabet, padded: padded), as: UTF8.self)
    }

    public static func encodeBytes(_ bytes: [UInt8], alphabet: Alphabet, padded: Bool) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        bytes.withUnsafeBufferPointer { encodeAppending($0, table: alphabet == .url ? urlTable : standardTable, padded: padded, to: &out) }
        return out
    }

    static func encodeAppending(_ input: UnsafeBufferPointer<UInt8>, table: [UInt8], padded: Bool, to out: inout [UInt8]) {
        var i = 0
        let n = input.count
        table.withUnsafeBufferPointer { t in
            while i + 3 <= n {
                let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                out.append(t[Int(v >> 18 & 63)]); out.append(t[Int(v >> 12 & 63)])
                out.append(t[Int(v >> 6 & 63)]); out.append(t[Int(v & 63)])
                i += 3
            }
            let rest = n - i
            if rest == 1 {
                let v = UInt32(input[i]) << 16
                out.append(t[Int(v >> 18 & 63)]); out.append(t[Int(v >> 12 & 63)])
                if padded { out.append(UInt8(ascii: "=")); out.append(UInt8(ascii: "=")) }
            } else if rest == 2 {
                let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
                out.append(t[Int(v >> 18 & 63)]); out.append(t[Int(v >> 12 & 63)]); out.append(t[Int(v >> 6 & 63)])
                if padded { out.append(UInt8(ascii: "=")) }
            }
        }
    }

    /// Decodes `text`; nil on any character outside the alphabet, wrong padding, or
    /// non-zero trailing bits (a non-canonical encoding).
    public static func decode<S: Collection<UInt8>>(_ text: S, alphabet: Alphabet = .standard, padded: Bool = true) -> [UInt8]? {
        var chars = Array(text)
        if padded {
            guard chars.count % 4 == 0 else { return nil }
            var pad = 0
            while pad < 2, chars.last == UInt8(ascii: "=") { chars.removeLast(); pad += 1 }
        }
        if chars.count % 4 == 1 { return nil }
        let table = alphabet == .url ? urlDecode : standardDecode
        var out = [UInt8]()
        out.reserveCapacity(chars.count * 3 / 4)
        var acc: UInt32 = 0, bits = 0
        for c in chars {
            let v = table[Int(c)]
            if v == 0xff { return nil }
            acc = acc << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
            }
        }
        // Leftover bits must be zero, or two encodings would decode to the same bytes.
        if bits > 0, acc & ((1 << UInt32(bits)) - 1) != 0 { return nil }
        return out
    }

    public static func decode(_ text: String, alphabet: Alphabet = .standard, padded: Bool = true) -> [UInt8]? {
        decode(Array(text.utf8), alphabet: alphabet, padded: padded)
    }
}

/// Encodes a stream piece by piece: bytes go in, base64 text comes out in multiples of four
/// characters, with the padding at `finish()`.
public struct Base64Encoder {
    private let table: [UInt8]
    private let padded: Bool
    private var carry: [UInt8] = []

    public init(alphabet: Base64.Alphabet, padded: Bool) {
        table = alphabet == .url ? Base64.urlTable : Base64.standardTable
        self.padded = padded
    }

    /// Appends the text for every complete 3-byte group so far to `out`.
    public mutating func update(_ input: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        var bytes = input.bindMemory(to: UInt8.self)
        if !carry.isEmpty {
            let need = 3 - carry.count
            carry.append(contentsOf: bytes.prefix(need))
            bytes = UnsafeBufferPointer(rebasing: bytes.dropFirst(min(need, bytes.count)))
            if carry.count < 3 { return }
            carry.withUnsafeBufferPointer { Base64.encodeAppending($0, table: table, padded: padded, to: &out) }
            carry = []
        }
        let whole = bytes.count / 3 * 3
        Base64.encodeAppending(UnsafeBufferPointer(rebasing: bytes[0..<whole]), table: table, padded: padded, to: &out)
        carry.append(contentsOf: bytes[whole...])
    }

    public mutating func finish(into out: inout [UInt8]) {
        carry.withUnsafeBufferPointer { Base64.encodeAppending($0, table: table, padded: padded, to: &out) }
        carry = []
    }
}
