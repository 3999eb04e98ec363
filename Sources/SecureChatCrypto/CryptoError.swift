/// Failures of the primitives. Authentication failures deliberately carry no detail.
public enum CryptoError: Error, Equatable, Sendable {
    /// A MAC, tag or signature did not verify, or a ciphertext was malformed.
    case authenticationFailure
    /// A key, nonce or parameter has the wrong size or is out of range.
    case invalidParameter(String)
    /// A Diffie-Hellman result was all zeroes (a low-order public key).
    case weakSharedSecret
    /// A public key that is a point of small order (the identity, or another of the eight
    /// torsion points): one signature would verify for every message, or a key agreement
    /// would give a secret the sender of the key knows.
    case smallOrderKey
    /// An Ed25519 public key that is not the canonical encoding of its point (RFC 8032 section
    /// 5.1.3): y ≥ 2^255 − 19, or x = 0 with the sign bit set.
    case nonCanonicalKey
    /// OpenSSL refused an operation that should not fail; the string names the call.
    case library(String)
}
