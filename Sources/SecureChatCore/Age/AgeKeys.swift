import SecureChatCrypto

/// An age X25519 recipient: the public key a file is encrypted to, written `age1…`.
public struct AgeRecipient: Hashable, Sendable, CustomStringConvertible {
    public let publicKey: Curve25519.KeyAgreement.PublicKey

    public init(publicKey: Curve25519.KeyAgreement.PublicKey) {
        self.publicKey = publicKey
    }

    /// Parses an `age1…` string. Recipients are lowercase Bech32, as age writes them.
    public init(string: String) throws(AgeError) {
        if let foreign = ForeignKey.recognise(line: string) { throw .invalidRecipient(foreign.notAnAgeKey) }
        if string.uppercased().hasPrefix("AGE-SECRET-KEY-") {
            throw .invalidRecipient("this is an identity (a secret key), not a recipient (age1…)")
        }
        let decoded: (hrp: String, data: [UInt8])
        do { decoded = try Bech32.decode(string) } catch { throw .invalidRecipient(error.reason) }
        switch decoded.hrp {
        case "age": break
        case "AGE": throw .invalidRecipient("recipient must be lowercase")
        case "age1pq": throw .invalidRecipient("post-quantum (age1pq…) recipients are not supported")
        case let hrp where hrp.hasPrefix("age1"): throw .invalidRecipient("plugin recipients are not supported")
        default: throw .invalidRecipient("not an age recipient (expected age1…)")
        }
        guard decoded.data.count == 32 else { throw .invalidRecipient("wrong key length") }
        guard let key = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: decoded.data) else {
            throw .invalidRecipient("the public key is a low-order point")
        }
        publicKey = key
    }

    /// The `age1…` encoding.
    public var description: String { Bech32.encode(hrp: "age", data: publicKey.rawRepresentation) }
}

/// An age X25519 identity: the private key, written `AGE-SECRET-KEY-1…`. Printing, debugging
/// and reflecting it show only its recipient, so the key does not end up in logs or test output
/// by accident; `encoded` gives the secret on purpose.
public struct AgeIdentity: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let privateKey: Curve25519.KeyAgreement.PrivateKey

    public init(privateKey: Curve25519.KeyAgreement.PrivateKey) {
        self.privateKey = privateKey
    }

    /// A new random identity.
    public init() {
        privateKey = Curve25519.KeyAgreement.PrivateKey()
    }

    /// Parses an `AGE-SECRET-KEY-1…` string (uppercase Bech32, as age writes it). Errors never
    /// quote the string.
    public init(string: String) throws(AgeError) {
        let decoded: (hrp: String, data: [UInt8])
        do { decoded = try Bech32.decode(string) } catch { throw .invalidIdentity(error.reason) }
        switch decoded.hrp {
        case "AGE-SECRET-KEY-": break
        case "age-secret-key-": throw .invalidIdentity("identity must be uppercase")
        case "AGE-SECRET-KEY-PQ-": throw .invalidIdentity("post-quantum identities are not supported")
        case let hrp where hrp.hasPrefix("AGE-PLUGIN-"): throw .invalidIdentity("plugin identities are not supported")
        default: throw .invalidIdentity("not an age identity (expected AGE-SECRET-KEY-1…)")
        }
        guard decoded.data.count == 32, let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: decoded.data) else {
            throw .invalidIdentity("wrong key length")
        }
        privateKey = key
    }

    public var recipient: AgeRecipient { AgeRecipient(publicKey: privateKey.publicKey) }

    public var description: String { "AgeIdentity(recipient: \(recipient))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["recipient": recipient.description]) }

    /// The `AGE-SECRET-KEY-1…` encoding: secret, for identity files only.
    public var encoded: String {
        Bech32.encode(hrp: "AGE-SECRET-KEY-", data: privateKey.rawRepresentation).uppercased()
    }
}
