/// Base64 (RFC 4648) in the two alphabets securechat's formats use. Strict on decode: only the
/// alphabet, canonical trailing bits, and padding exactly as requested; callers decide what
/// whitespace to strip before calling. Streaming encode for large tokens lives in `Base64Encoder`.
public enum Base64 {
    public enum Alphabet: Sendable { case standard, url }

    static let standardTable = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let urlTable = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Two output characters for every 12-bit value: halves the table lookups when encoding.
    static let standardPairs = makePairTable(standardTable)
    static let urlPairs = makePairTable(urlTable)

    private static func makePairTable(_ t: [UInt8]) -> [UInt16] {
        (0..<4096).map { UInt16(t[$0 >> 6]) | UInt16(t[$0 & 63]) << 8 }
    }

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
        let n = input.count
        guard n > 0 else { return }
        let full = n / 3, rest = n % 3
        let produced = full * 4 + (rest == 0 ? 0 : (padded ? 4 : rest + 1))
        let base = out.count
        out.append(contentsOf: repeatElement(0, count: produced))
        let pairs = table == urlTable ? urlPairs : standardPairs
        out.withUnsafeMutableBufferPointer { o in
            table.withUnsafeBufferPointer { t in
                pairs.withUnsafeBufferPointer { p in
                    let raw = UnsafeMutableRawPointer(o.baseAddress! + base)
                    var i = 0
                    for g in 0..<full {
                        let v = Int(input[i]) << 16 | Int(input[i + 1]) << 8 | Int(input[i + 2])
                        let word = UInt32(p[v >> 12]) | UInt32(p[v & 0xfff]) << 16
                        raw.storeBytes(of: word.littleEndian, toByteOffset: g * 4, as: UInt32.self)
                        i += 3
                    }
                }
                var w = base + full * 4, i = full * 3
                if rest > 0 {
                    let v = UInt32(input[i]) << 16 | (rest == 2 ? UInt32(input[i + 1]) << 8 : 0)
                    o[w] = t[Int(v >> 18 & 63)]; o[w + 1] = t[Int(v >> 12 & 63)]
                    if rest == 2 { o[w + 2] = t[Int(v >> 6 & 63)] } else if padded { o[w + 2] = UInt8(ascii: "=") }
                    if padded { o[w + 3] = UInt8(ascii: "=") }
                }
            }
        }
    }

    /// Decodes `text`; nil on any character outside the alphabet, wrong padding, or
    /// non-zero trailing bits (a non-canonical encoding).
    public static func decode<S: Collection<UInt8>>(_ text: S, alphabet: Alphabet = .standard, padded: Bool = true) -> [UInt8]? {
        if let r = text.withContiguousStorageIfAvailable({ decode(buffer: $0, alphabet: alphabet, padded: padded) }) { return r }
        return Array(text).withUnsafeBufferPointer { decode(buffer: $0, alphabet: alphabet, padded: padded) }
    }

    static func decode(buffer: UnsafeBufferPointer<UInt8>, alphabet: Alphabet, padded: Bool) -> [UInt8]? {
        var count = buffer.count
        if padded {
            guard count % 4 == 0 else { return nil }
            var pad = 0
            while pad < 2, count > 0, buffer[count - 1] == UInt8(ascii: "=") { count -= 1; pad += 1 }
        }
        if count % 4 == 1 { return nil }
        let table = alphabet == .url ? urlDecode : standardDecode
        let full = count / 4, rest = count % 4
        let outCount = full * 3 + (rest == 0 ? 0 : rest - 1)
        var ok = true
        let out = [UInt8](unsafeUninitializedCapacity: outCount) { o, initialized in
            table.withUnsafeBufferPointer { t in
                var r = 0, w = 0, bad: UInt8 = 0
                for _ in 0..<full {
                    let a = t[Int(buffer[r])], b = t[Int(buffer[r + 1])], c = t[Int(buffer[r + 2])], d = t[Int(buffer[r + 3])]
                    bad |= a | b | c | d
                    let v = UInt32(a & 63) << 18 | UInt32(b & 63) << 12 | UInt32(c & 63) << 6 | UInt32(d & 63)
                    o[w] = UInt8(truncatingIfNeeded: v >> 16); o[w + 1] = UInt8(truncatingIfNeeded: v >> 8); o[w + 2] = UInt8(truncatingIfNeeded: v)
                    r += 4; w += 3
                }
                // 0xff marks characters outside the alphabet; any of them sets the top bits.
                if bad & 0xc0 != 0 { ok = false }
                if rest > 0, ok {
                    var v: UInt32 = 0
                    for k in 0..<rest {
                        let x = t[Int(buffer[r + k])]
                        if x == 0xff { ok = false; break }
                        v = v << 6 | UInt32(x)
                    }
                    if ok {
                        let bits = rest * 6
                        let extra = bits % 8
                        // Leftover bits must be zero, or two encodings would decode to the same bytes.
                        if v & ((1 << UInt32(extra)) - 1) != 0 { ok = false }
                        v >>= UInt32(extra)
                        for k in 0..<(rest - 1) { o[w + k] = UInt8(truncatingIfNeeded: v >> UInt32(8 * (rest - 2 - k))) }
                    }
                }
            }
            initialized = outCount
        }
        return ok ? out : nil
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
