import SecureChatCrypto

/// An age recipient: the public key a file is encrypted to. Either X25519, written `age1…`, or
/// the hybrid post-quantum MLKEM768-X25519, written `age1pq1…` (about 1960 characters).
public struct AgeRecipient: Hashable, Sendable, CustomStringConvertible {
    public enum Key: Hashable, Sendable {
        case x25519(Curve25519.KeyAgreement.PublicKey)
        case mlkem768x25519(MLKEM768X25519.PublicKey)
    }

    public let key: Key

    public init(publicKey: Curve25519.KeyAgreement.PublicKey) {
        key = .x25519(publicKey)
    }

    public init(hybrid publicKey: MLKEM768X25519.PublicKey) {
        key = .mlkem768x25519(publicKey)
    }

    /// Parses an `age1…` or `age1pq1…` string. Recipients are lowercase Bech32, as age writes them.
    public init(string: String) throws(AgeError) {
        if let foreign = ForeignKey.recognise(line: string) { throw .invalidRecipient(foreign.notAnAgeKey) }
        if string.uppercased().hasPrefix("AGE-SECRET-KEY-") {
            throw .invalidRecipient("this is an identity (a secret key), not a recipient (age1…)")
        }
        let decoded: (hrp: String, data: [UInt8])
        do { decoded = try Bech32.decode(string) } catch { throw .invalidRecipient(error.reason) }
        switch decoded.hrp {
        case AgeKeyEncoding.x25519Recipient:
            guard decoded.data.count == 32 else { throw .invalidRecipient("wrong key length") }
            guard let key = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: decoded.data) else {
                throw .invalidRecipient("the public key is a low-order point")
            }
            self.key = .x25519(key)
        case AgeKeyEncoding.hybridRecipient:
            guard decoded.data.count == MLKEM768X25519.publicKeySize else {
                throw .invalidRecipient("wrong key length for a post-quantum recipient (\(decoded.data.count) bytes, not \(MLKEM768X25519.publicKeySize))")
            }
            do {
                key = .mlkem768x25519(try MLKEM768X25519.PublicKey(rawRepresentation: decoded.data))
            } catch .smallOrderKey {
                throw .invalidRecipient("the X25519 part of the post-quantum recipient is a low-order point")
            } catch {
                throw .invalidRecipient("the ML-KEM-768 part of the post-quantum recipient is not a valid key")
            }
        case let hrp where hrp != hrp.lowercased()
            && [AgeKeyEncoding.x25519Recipient, AgeKeyEncoding.hybridRecipient].contains(hrp.lowercased()):
            throw .invalidRecipient("recipient must be lowercase")
        case let hrp where hrp.hasPrefix("age1"): throw .invalidRecipient("plugin recipients are not supported")
        default: throw .invalidRecipient("not an age recipient (expected age1…)")
        }
    }

    /// Whether files to this recipient are protected against a future quantum computer.
    public var isPostQuantum: Bool {
        if case .mlkem768x25519 = key { return true }
        return false
    }

    /// The type of the stanza a file gets for this recipient (`inspect` shows it).
    public var stanzaType: String {
        switch key {
        case .x25519: AgeX25519Stanza.type
        case .mlkem768x25519: AgeHybridStanza.type
        }
    }

    /// The `age1…` or `age1pq1…` encoding.
    public var description: String {
        switch key {
        case .x25519(let k): Bech32.encode(hrp: AgeKeyEncoding.x25519Recipient, data: k.rawRepresentation)
        case .mlkem768x25519(let k): Bech32.encode(hrp: AgeKeyEncoding.hybridRecipient, data: k.rawRepresentation)
        }
    }
}

/// An age identity: the private key, written `AGE-SECRET-KEY-1…` (X25519) or
/// `AGE-SECRET-KEY-PQ-1…` (MLKEM768-X25519, a 32-byte seed). Printing, debugging and reflecting
/// it show only its recipient, so the key does not end up in logs or test output by accident;
/// `encoded` gives the secret on purpose.
public struct AgeIdentity: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public enum Key: Sendable {
        case x25519(Curve25519.KeyAgreement.PrivateKey)
        case mlkem768x25519(MLKEM768X25519.PrivateKey)
    }

    public let key: Key

    public init(privateKey: Curve25519.KeyAgreement.PrivateKey) {
        key = .x25519(privateKey)
    }

    public init(hybrid privateKey: MLKEM768X25519.PrivateKey) {
        key = .mlkem768x25519(privateKey)
    }

    /// A new random X25519 identity.
    public init() {
        key = .x25519(Curve25519.KeyAgreement.PrivateKey())
    }

    /// A new random hybrid post-quantum identity.
    public static func generateHybrid() -> AgeIdentity {
        AgeIdentity(hybrid: MLKEM768X25519.PrivateKey())
    }

    /// Parses an `AGE-SECRET-KEY-1…` or `AGE-SECRET-KEY-PQ-1…` string (uppercase Bech32, as age
    /// writes it). Errors never quote the string.
    public init(string: String) throws(AgeError) {
        let decoded: (hrp: String, data: [UInt8])
        do { decoded = try Bech32.decode(string) } catch { throw .invalidIdentity(error.reason) }
        switch decoded.hrp {
        case AgeKeyEncoding.x25519Identity:
            guard decoded.data.count == 32, let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: decoded.data) else {
                throw .invalidIdentity("wrong key length")
            }
            self.key = .x25519(key)
        case AgeKeyEncoding.hybridIdentity:
            guard decoded.data.count == MLKEM768X25519.seedSize, let key = try? MLKEM768X25519.PrivateKey(seed: decoded.data) else {
                throw .invalidIdentity("wrong key length for a post-quantum identity (\(decoded.data.count) bytes, not \(MLKEM768X25519.seedSize))")
            }
            self.key = .mlkem768x25519(key)
        case AgeKeyEncoding.x25519Identity.lowercased(), AgeKeyEncoding.hybridIdentity.lowercased():
            throw .invalidIdentity("identity must be uppercase")
        case let hrp where hrp.hasPrefix("AGE-PLUGIN-"): throw .invalidIdentity("plugin identities are not supported")
        default: throw .invalidIdentity("not an age identity (expected AGE-SECRET-KEY-1… or AGE-SECRET-KEY-PQ-1…)")
        }
    }

    /// The X25519 private key; nil for a hybrid identity.
    public var x25519: Curve25519.KeyAgreement.PrivateKey? {
        if case .x25519(let k) = key { return k }
        return nil
    }

    public var isPostQuantum: Bool { recipient.isPostQuantum }

    public var recipient: AgeRecipient {
        switch key {
        case .x25519(let k): AgeRecipient(publicKey: k.publicKey)
        case .mlkem768x25519(let k): AgeRecipient(hybrid: k.publicKey)
        }
    }

    public var description: String { "AgeIdentity(recipient: \(recipient))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["recipient": recipient.description]) }

    /// The `AGE-SECRET-KEY-1…` or `AGE-SECRET-KEY-PQ-1…` encoding: secret, for identity files only.
    public var encoded: String {
        switch key {
        case .x25519(let k): Bech32.encode(hrp: AgeKeyEncoding.x25519Identity, data: k.rawRepresentation).uppercased()
        case .mlkem768x25519(let k): Bech32.encode(hrp: AgeKeyEncoding.hybridIdentity, data: k.seed).uppercased()
        }
    }
}

/// The Bech32 human-readable parts of the age specification.
enum AgeKeyEncoding {
    static let x25519Recipient = "age"
    static let hybridRecipient = "age1pq"
    static let x25519Identity = "AGE-SECRET-KEY-"
    static let hybridIdentity = "AGE-SECRET-KEY-PQ-"
}
