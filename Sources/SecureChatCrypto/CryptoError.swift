/// Failures of the primitives. Authentication failures deliberately carry no detail.
public enum CryptoError: Error, Equatable, Sendable {
    /// A MAC, tag or signature did not verify, or a ciphertext was malformed.
    case authenticationFailure
    /// A key, nonce or parameter has the wrong size or is out of range.
    case invalidParameter(String)
    /// A Diffie-Hellman result was all zeroes (a low-order public key).
    case weakSharedSecret
    /// OpenSSL refused an operation that should not fail; the string names the call.
    case library(String)
}
