/// The public-key encodings no honest party produces, refused wherever a key comes from outside.
///
/// OpenSSL 3.0 verifies Ed25519 signatures against small-order public keys: with the identity
/// point `01‖0^31` as a key, the "universal" signature R = identity, S = 0 verifies for every
/// message, and similar signatures exist for each of the eight torsion points. RFC 8032 section
/// 5.1.7 leaves rejecting them to the application; so does RFC 7748 for X25519, where a
/// small-order public key makes the shared secret a value the attacker knows (all zero).
enum SmallOrder {
    /// p = 2^255 − 19, little-endian.
    static let p: [UInt8] = [0xed] + [UInt8](repeating: 0xff, count: 30) + [0x7f]

    /// The y coordinates of the eight Ed25519 points of order 1, 2, 4 and 8, canonical and
    /// little-endian: 1 (the identity), p − 1 (order 2), 0 (the two points of order 4), and the
    /// two y values of the four points of order 8. A point's y fixes it up to the sign of x, and
    /// both signs have the same order, so these five values are exactly the torsion subgroup.
    static let ed25519TorsionY: [[UInt8]] = [
        [0x01] + [UInt8](repeating: 0, count: 31),
        [0xec] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
        [UInt8](repeating: 0, count: 32),
        hex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
        hex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
    ]

    /// The u coordinates of the X25519 points of small order on the curve and its twist (the list
    /// libsodium refuses), little-endian, without the top bit that X25519 ignores: 0, 1, the two
    /// points of order 8, p − 1, and the unreduced spellings p and p + 1 of 0 and 1.
    static let x25519SmallOrderU: [[UInt8]] = [
        [UInt8](repeating: 0, count: 32),
        [0x01] + [UInt8](repeating: 0, count: 31),
        hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
        hex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
        [0xec] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
        [0xed] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
        [0xee] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
    ]

    /// Why a 32-byte Ed25519 public key is refused, or nil when it may be used. Non-canonical
    /// first (RFC 8032 section 5.1.3: y ≥ p, or x = 0 with the sign bit set), then small order.
    static func ed25519Problem(_ key: [UInt8]) -> CryptoError? {
        var y = key
        let sign = y[31] >> 7
        y[31] &= 0x7f
        if !lessThanP(y) { return .nonCanonicalKey }
        // x = 0 exactly when y = ±1; its only canonical spelling has the sign bit clear.
        if sign == 1, y == ed25519TorsionY[0] || y == ed25519TorsionY[1] { return .nonCanonicalKey }
        if ed25519TorsionY.contains(y) { return .smallOrderKey }
        return nil
    }

    /// Whether a 32-byte X25519 public key is a point of small order (in any spelling).
    static func isSmallOrderX25519(_ key: [UInt8]) -> Bool {
        var u = key
        u[31] &= 0x7f
        return x25519SmallOrderU.contains(u)
    }

    /// y < p for a little-endian y below 2^255 (compared from the most significant byte).
    static func lessThanP(_ y: [UInt8]) -> Bool {
        for i in stride(from: 31, through: 0, by: -1) where y[i] != p[i] {
            return y[i] < p[i]
        }
        return false
    }

    static func hex(_ s: StaticString) -> [UInt8] {
        let digits = Array(s.description.utf8).map { $0 <= 0x39 ? $0 - 0x30 : $0 - 0x57 }
        return stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
    }
}
