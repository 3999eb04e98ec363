import Testing
import TestSupport
@testable import SecureChatCrypto

/// Issue 17, findings 9 and 17: small-order and non-canonical public keys, refused by the
/// initializers every key from outside passes through.
@Suite struct SmallOrderKeyTests {
    /// The classic Ed25519 table (little-endian hex), each with the exact error.
    static let ed25519: [(String, String, CryptoError)] = [
        ("identity (0, 1)", "0100000000000000000000000000000000000000000000000000000000000000", .smallOrderKey),
        ("identity with the sign bit set", "0100000000000000000000000000000000000000000000000000000000000080", .nonCanonicalKey),
        ("identity as y = p + 1", "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", .nonCanonicalKey),
        ("identity as y = p + 1, sign bit set", "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", .nonCanonicalKey),
        ("order 2 (0, -1)", "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", .smallOrderKey),
        ("order 2 with the sign bit set", "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", .nonCanonicalKey),
        ("all zero: order 4 (sqrt(-1), 0)", "0000000000000000000000000000000000000000000000000000000000000000", .smallOrderKey),
        ("order 4, the other sign", "0000000000000000000000000000000000000000000000000000000000000080", .smallOrderKey),
        ("order 4 as y = p", "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", .nonCanonicalKey),
        ("order 4 as y = p, sign bit set", "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", .nonCanonicalKey),
        ("order 8", "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", .smallOrderKey),
        ("order 8, other sign", "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", .smallOrderKey),
        ("order 8, -y", "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", .smallOrderKey),
        ("order 8, -y, other sign", "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", .smallOrderKey),
        ("y = 2^255 - 1 (non-canonical, not small order)", "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", .nonCanonicalKey),
        ("y = p + 18, sign bit set", "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", .nonCanonicalKey),
    ]

    @Test(arguments: ed25519) func ed25519KeyIsRefused(_ name: String, _ key: String, _ error: CryptoError) {
        #expect(throws: error, "\(name)") { try Curve25519.Signing.PublicKey(rawRepresentation: hex(key)) }
    }

    /// The "universal" signatures: R a torsion point, S = 0, against each key of the table. None
    /// gets as far as OpenSSL, which would have verified some (finding 17: 8 of 9 at the relay).
    @Test func universalSignaturesNeverVerify() throws {
        let message = Array("securechat/v1/relay-auth".utf8) + [0] + [UInt8](repeating: 7, count: 32)
        for (name, key, _) in Self.ed25519 {
            for (_, r, _) in Self.ed25519 {
                let verified = (try? Curve25519.Signing.PublicKey(rawRepresentation: hex(key)))?
                    .isValidSignature(hex(r) + [UInt8](repeating: 0, count: 32), for: message) ?? false
                #expect(!verified, "\(name)")
            }
        }
        let real = Curve25519.Signing.PrivateKey()
        #expect(real.publicKey.isValidSignature(try real.signature(for: message), for: message))
    }

    @Test func ordinaryKeysPass() throws {
        // RFC 8032 test 1's public key, and y = p - 2 (canonical; whether it is on the curve is
        // for verification to find out).
        _ = try Curve25519.Signing.PublicKey(rawRepresentation: hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"))
        _ = try Curve25519.Signing.PublicKey(rawRepresentation: hex("ebffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"))
        #expect(throws: CryptoError.invalidParameter("Ed25519 public key must be 32 bytes")) {
            try Curve25519.Signing.PublicKey(rawRepresentation: [1])
        }
    }

    /// X25519: every small-order u, with and without the top bit X25519 ignores.
    static let x25519: [String] = [
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "0100000000000000000000000000000000000000000000000000000000000080",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    ]

    @Test(arguments: x25519) func x25519KeyIsRefused(_ key: String) {
        #expect(throws: CryptoError.smallOrderKey) { try Curve25519.KeyAgreement.PublicKey(rawRepresentation: hex(key)) }
    }
}
