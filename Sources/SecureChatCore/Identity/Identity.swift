import SecureChatCrypto

/// A securechat identity: one age X25519 secret, from which the Ed25519 signing key is derived,
/// so a single age-compatible identity file holds everything (docs/formats.md, "Identity").
public struct Identity: Sendable {
    /// HKDF-SHA256 info string for the signing key; the salt is empty, the IKM is the X25519 secret.
    public static let signingKeyInfo = "securechat/v1/ed25519-signing-key"

    public let agreementKey: Curve25519.KeyAgreement.PrivateKey
    public let signingKey: Curve25519.Signing.PrivateKey

    public init(agreementKey: Curve25519.KeyAgreement.PrivateKey) {
        self.agreementKey = agreementKey
        let seed = try! HKDF.deriveKey(ikm: agreementKey.rawRepresentation, info: Array(Self.signingKeyInfo.utf8), length: 32)
        signingKey = try! Curve25519.Signing.PrivateKey(rawRepresentation: seed)
    }

    /// A new identity from the system CSPRNG.
    public static func generate() -> Identity {
        Identity(agreementKey: Curve25519.KeyAgreement.PrivateKey())
    }

    public var publicIdentity: PublicIdentity {
        PublicIdentity(agreementKey: agreementKey.publicKey, signingKey: signingKey.publicKey)
    }
}

/// What others know of a member: the X25519 recipient (age1…) and the Ed25519 verification key.
public struct PublicIdentity: Sendable, Hashable {
    public static let fingerprintDomain = "securechat/v1/fingerprint"

    public let agreementKey: Curve25519.KeyAgreement.PublicKey
    public let signingKey: Curve25519.Signing.PublicKey

    public init(agreementKey: Curve25519.KeyAgreement.PublicKey, signingKey: Curve25519.Signing.PublicKey) {
        self.agreementKey = agreementKey
        self.signingKey = signingKey
    }

    /// 80 bits of SHA-256 over both public keys, as 16 base32 characters in four groups:
    /// short enough to read aloud, long enough that no one can make a second key that matches.
    public var fingerprint: String {
        let digest = SHA256.hash(Array(Self.fingerprintDomain.utf8) + agreementKey.rawRepresentation + signingKey.rawRepresentation)
        let chars = Base32.encode(Array(digest.prefix(10)))
        return stride(from: 0, to: 16, by: 4).map { i in
            String(chars[chars.index(chars.startIndex, offsetBy: i)..<chars.index(chars.startIndex, offsetBy: i + 4)])
        }.joined(separator: "-")
    }

    /// The signing key as 43 characters of unpadded base64url.
    public var signingKeyText: String { Base64.encode(signingKey.rawRepresentation, alphabet: .url, padded: false) }
}

/// RFC 4648 base32, lowercase, no padding (used for fingerprints only).
enum Base32 {
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        var acc: UInt32 = 0, bits = 0
        for b in bytes {
            acc = acc << 8 | UInt32(b)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(alphabet[Int(acc >> UInt32(bits) & 31)])
            }
        }
        if bits > 0 { out.append(alphabet[Int(acc << UInt32(5 - bits) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
