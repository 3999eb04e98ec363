import SecureChatCrypto

/// Everything that can go wrong reading or writing age files, keys and key files.
///
/// Cases are what callers branch on (the CLI maps them to exit codes); `message` is one lowercase
/// line for people. No case ever carries key material: reasons describe, they do not quote keys.
public enum AgeError: Error, Equatable, Sendable {
    /// None of the identities could unwrap any X25519 or mlkem768x25519 stanza of the file.
    case noIdentityMatched
    /// The file is passphrase-encrypted and the passphrase did not open it.
    case wrongPassphrase
    /// The file key was recovered but the header's MAC does not match: the header was modified.
    case headerMACMismatch
    /// The payload ended before its final chunk.
    case truncated
    case malformedHeader(String)
    /// Payload chunk `chunk` (counting from 0) failed to authenticate: the file was altered,
    /// or cut at a chunk boundary (a cut elsewhere is `truncated`).
    case payloadAuthenticationFailed(chunk: UInt64)
    /// The payload is not a valid STREAM (an empty final chunk, data after the final chunk).
    case malformedPayload(String)
    case malformedArmor(String)
    /// The file's scrypt work factor (log2 N) is above what the caller allows.
    case workFactorTooHigh(Int, max: Int)
    /// A work factor asked for when encrypting is outside 1...30.
    case invalidWorkFactor(Int)
    case invalidRecipient(String)
    case invalidIdentity(String)
    case malformedIdentityFile(line: Int, reason: String)
    case malformedRecipientsFile(line: Int, reason: String)
    /// An identity file with no keys in it.
    case noIdentities
    /// Encrypting to an empty list of recipients, or a recipients file with none in it.
    case noRecipients
    /// The header mixes an scrypt stanza with other stanzas, which the spec forbids.
    case scryptMustBeAlone
    /// Encrypting to post-quantum (`age1pq1…`) and X25519 (`age1…`) recipients at once, which the
    /// spec says an encryptor should not do; the counts of each.
    case mixedPostQuantumRecipients(postQuantum: Int, classic: Int)
    /// The file is passphrase-encrypted but the caller offered no way to ask for a passphrase.
    case passphraseRequired
    case emptyPassphrase
    /// A primitive failed in a way that valid parameters never cause.
    case cryptoFailure(String)

    public var message: String {
        switch self {
        case .noIdentityMatched: "no identity matches any recipient"
        case .wrongPassphrase: "incorrect passphrase"
        case .headerMACMismatch: "header authentication failed: the file was modified or corrupted"
        case .truncated: "file is truncated"
        case .malformedHeader(let reason): "malformed age header: \(reason)"
        case .payloadAuthenticationFailed(let chunk): "payload chunk \(chunk) failed to authenticate: the file was modified or corrupted"
        case .malformedPayload(let reason): "malformed age payload: \(reason)"
        case .malformedArmor(let reason): "malformed armor: \(reason)"
        case .workFactorTooHigh(let n, let max):
            "scrypt work factor \(n) is above the limit of \(max) (decrypting would take too long)"
        case .invalidWorkFactor(let n): "scrypt work factor must be between 1 and 30, not \(n)"
        case .invalidRecipient(let reason): "invalid recipient: \(reason)"
        case .invalidIdentity(let reason): "invalid identity: \(reason)"
        case .malformedIdentityFile(let line, let reason): "identity file, line \(line): \(reason)"
        case .malformedRecipientsFile(let line, let reason): "recipients file, line \(line): \(reason)"
        case .noIdentities: "no identities found"
        case .noRecipients: "no recipients given"
        case .scryptMustBeAlone: "an scrypt (passphrase) stanza must be the only stanza in the header"
        case .mixedPostQuantumRecipients(let pq, let classic):
            "refusing to mix post-quantum (age1pq1…) and X25519 (age1…) recipients in one file (\(pq) and \(classic)): it would be only as safe as X25519"
        case .passphraseRequired: "the file is passphrase-encrypted but no passphrase was given"
        case .emptyPassphrase: "the passphrase is empty"
        case .cryptoFailure(let reason): "cryptographic operation failed: \(reason)"
        }
    }
}

extension AgeError {
    /// Re-types a primitive's failure. Callers catch the failures that mean something (a tag that
    /// does not verify, a low-order point) before this; what is left is a library fault.
    static func crypto(_ error: CryptoError) -> AgeError {
        switch error {
        case .authenticationFailure: .cryptoFailure("authentication failed")
        case .invalidParameter(let what): .cryptoFailure(what)
        case .weakSharedSecret: .cryptoFailure("all-zero shared secret")
        case .smallOrderKey: .cryptoFailure("a public key of small order")
        case .nonCanonicalKey: .cryptoFailure("a non-canonical public key")
        case .library(let call): .cryptoFailure(call)
        }
    }
}
