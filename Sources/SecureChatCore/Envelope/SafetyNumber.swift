import SecureChatCrypto

/// The number two members compare out of band (read aloud, on a call, side by side) to know that
/// each holds the other's real key, as `/verify NAME` shows it. Both sides compute the same
/// number, whichever of them asks:
///
///     p_i  = X_i ‖ E_i                                  (64 bytes: X25519 key, then Ed25519 key)
///     d    = SHA-256("securechat/v1/safety-number" ‖ 0x00 ‖ min(p_1, p_2) ‖ max(p_1, p_2))
///     n_k  = big-endian integer of d[5k ..< 5k+5] mod 100000, for k = 0 … 5
///
/// written as six groups of five digits (`min`/`max` compare bytes lexicographically). 30 digits
/// carry about 100 bits: matching them with a made-up key pair is out of reach.
public enum SafetyNumber {
    public static let label = "securechat/v1/safety-number"

    public static func compute(_ a: PublicIdentity, _ b: PublicIdentity) -> String {
        let pa = a.agreementKey.rawRepresentation + a.signingKey.rawRepresentation
        let pb = b.agreementKey.rawRepresentation + b.signingKey.rawRepresentation
        let (lo, hi) = pa.lexicographicallyPrecedes(pb) ? (pa, pb) : (pb, pa)
        let digest = SHA256.hash(Array(label.utf8) + [0] + lo + hi)
        return (0..<6).map { k in
            let chunk = digest[(5 * k)..<(5 * k + 5)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let text = String(chunk % 100_000)
            return String(repeating: "0", count: 5 - text.count) + text
        }.joined(separator: " ")
    }
}
