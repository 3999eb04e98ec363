import SecureChatCrypto

/// The number two members compare out of band (read aloud, on a call, side by side) to know that
/// each holds the other's real keys, as `/verify NAME` shows it (docs/formats.md, "Safety
/// numbers"). Both sides compute the same 60 digits, whichever of them asks:
///
///     half(m) = SHA-256("securechat/v2/safety-number" ‖ 0x00 ‖ X_m ‖ E_m)    (X25519 key, then Ed25519 key)
///     digits  = for k = 0 … 5: big-endian integer of half[5k ..< 5k+5] mod 100000, as five digits
///
/// Each member's 30 digits stand for about 100 bits of its own keys; the safety number is the
/// two members' digits, the smaller string first, written as twelve groups of five. Matching one
/// half with a made-up key pair (a second preimage of 100 bits) is out of reach, where a short
/// fingerprint label of a few characters is not: the label only tells members apart on screen.
public enum SafetyNumber {
    public static let label = "securechat/v2/safety-number"

    public static func compute(_ a: PublicIdentity, _ b: PublicIdentity) -> String {
        let (lo, hi) = [digits(a), digits(b)].sorted().pair
        let all = Array(lo + hi)
        return stride(from: 0, to: all.count, by: 5).map { String(all[$0..<$0 + 5]) }.joined(separator: " ")
    }

    /// One member's 30 digits.
    public static func digits(_ m: PublicIdentity) -> String {
        let digest = SHA256.hash(Array(label.utf8) + [0] + m.agreementKey.rawRepresentation + m.signingKey.rawRepresentation)
        return (0..<6).map { k in
            let chunk = digest[(5 * k)..<(5 * k + 5)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let text = String(chunk % 100_000)
            return String(repeating: "0", count: 5 - text.count) + text
        }.joined()
    }
}

private extension Array where Element == String {
    var pair: (String, String) { (self[0], self[1]) }
}
