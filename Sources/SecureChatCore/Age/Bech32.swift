/// Bech32 (BIP 173) as age uses it for keys: no 90-character limit, and a string is either all
/// lowercase or all uppercase (the checksum is always computed over the lowercase form).
public enum Bech32 {
    public enum DecodingError: Error, Equatable, Sendable {
        case mixedCase, invalidCharacter, missingSeparator, invalidChecksum, invalidPadding

        /// A lowercase phrase for error messages.
        public var reason: String {
            switch self {
            case .mixedCase: "mixed case"
            case .invalidCharacter: "invalid character"
            case .missingSeparator: "missing or misplaced separator"
            case .invalidChecksum: "invalid checksum"
            case .invalidPadding: "invalid padding"
            }
        }
    }

    private static let charset = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)
    private static let charsetIndex: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (i, c) in charset.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()

    /// Encodes `data` (8-bit bytes) under `hrp`, in lowercase; uppercase the result if wanted.
    public static func encode(hrp: String, data: [UInt8]) -> String {
        let h = Array(hrp.lowercased().utf8)
        let values = convertBits(data, from: 8, to: 5, pad: true)!
        let checksum = createChecksum(hrp: h, values: values)
        var out = h
        out.append(UInt8(ascii: "1"))
        for v in values + checksum { out.append(charset[Int(v)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes a Bech32 string. The human-readable part is returned in the case it was written
    /// in, so callers can insist on one case.
    public static func decode(_ string: String) throws(DecodingError) -> (hrp: String, data: [UInt8]) {
        let s = Array(string.utf8)
        var hasLower = false, hasUpper = false
        for c in s {
            guard (33...126).contains(c) else { throw .invalidCharacter }
            if (97...122).contains(c) { hasLower = true }
            if (65...90).contains(c) { hasUpper = true }
        }
        if hasLower && hasUpper { throw .mixedCase }
        guard let separator = s.lastIndex(of: UInt8(ascii: "1")), separator >= 1, separator + 7 <= s.count else {
            throw .missingSeparator
        }
        let hrp = Array(s[..<separator])
        let lowerHRP = hrp.map { (65...90).contains($0) ? $0 + 32 : $0 }
        var values = [UInt8]()
        values.reserveCapacity(s.count - separator - 1)
        for c in s[(separator + 1)...] {
            let lower = (65...90).contains(c) ? c + 32 : c
            let v = lower < 128 ? charsetIndex[Int(lower)] : -1
            guard v >= 0 else { throw .invalidCharacter }
            values.append(UInt8(v))
        }
        guard polymod(hrpExpand(lowerHRP) + values) == 1 else { throw .invalidChecksum }
        guard let data = convertBits(values.dropLast(6), from: 5, to: 8, pad: false) else { throw .invalidPadding }
        return (String(decoding: hrp, as: UTF8.self), data)
    }

    private static func polymod(_ values: [UInt8]) -> UInt32 {
        let generator: [UInt32] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3]
        var chk: UInt32 = 1
        for v in values {
            let top = chk >> 25
            chk = (chk & 0x1ff_ffff) << 5 ^ UInt32(v)
            for i in 0..<5 where (top >> i) & 1 == 1 { chk ^= generator[i] }
        }
        return chk
    }

    private static func hrpExpand(_ hrp: [UInt8]) -> [UInt8] {
        hrp.map { $0 >> 5 } + [0] + hrp.map { $0 & 31 }
    }

    private static func createChecksum(hrp: [UInt8], values: [UInt8]) -> [UInt8] {
        let mod = polymod(hrpExpand(hrp) + values + [0, 0, 0, 0, 0, 0]) ^ 1
        return (0..<6).map { UInt8((mod >> (5 * (5 - UInt32($0)))) & 31) }
    }

    /// Regroups bits; without padding, leftover bits must be fewer than `from` and all zero.
    private static func convertBits<C: Collection<UInt8>>(_ data: C, from: Int, to: Int, pad: Bool) -> [UInt8]? {
        var acc = 0, bits = 0
        var out = [UInt8]()
        let maxValue = (1 << to) - 1
        for value in data {
            acc = (acc << from) | Int(value)
            bits += from
            while bits >= to {
                bits -= to
                out.append(UInt8((acc >> bits) & maxValue))
            }
            acc &= (1 << bits) - 1
        }
        if pad {
            if bits > 0 { out.append(UInt8((acc << (to - bits)) & maxValue)) }
        } else if bits >= from || (acc << (to - bits)) & maxValue != 0 {
            return nil
        }
        return out
    }
}
