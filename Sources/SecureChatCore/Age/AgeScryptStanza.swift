import SecureChatCrypto

/// The scrypt (passphrase) stanza: `-> scrypt <salt> <log2 N>` and the file key sealed with a key
/// derived from the passphrase. It must be the only stanza of its header.
enum AgeScryptStanza {
    static let type = "scrypt"
    /// age's own default, about a second on a laptop.
    static let defaultWorkFactor = 18
    /// The most our scrypt supports.
    static let maxSupportedWorkFactor = 30
    private static let saltLabel = Array("age-encryption.org/v1/scrypt".utf8)
    private static let zeroNonce = [UInt8](repeating: 0, count: 12)

    struct Parsed {
        let salt: [UInt8]
        let workFactor: Int
        let body: [UInt8]
    }

    static func wrap(fileKey: [UInt8], passphrase: [UInt8], workFactor: Int) throws(AgeError) -> AgeStanza {
        guard (1...maxSupportedWorkFactor).contains(workFactor) else { throw .invalidWorkFactor(workFactor) }
        guard !passphrase.isEmpty else { throw .emptyPassphrase }
        let salt = SecureRandom.bytes(16)
        do {
            let key = try Scrypt.deriveKey(password: passphrase, salt: saltLabel + salt, logN: workFactor, r: 8, p: 1, length: 32)
            let body = try ChaChaPoly.seal(fileKey, key: key, nonce: zeroNonce)
            return AgeStanza(type: type, arguments: [AgeBase64.encodeToString(salt), String(workFactor)], body: body)
        } catch {
            throw .crypto(error)
        }
    }

    /// Checks the stanza's shape (two arguments, a canonical 16-byte salt, a decimal work factor
    /// without leading zeros, a 32-byte body) and that its work factor is at most `maxWorkFactor`,
    /// before any passphrase is asked for.
    static func parse(_ stanza: AgeStanza, maxWorkFactor: Int) throws(AgeError) -> Parsed {
        guard stanza.arguments.count == 2 else { throw .malformedHeader("scrypt stanza must have exactly two arguments") }
        guard let salt = AgeBase64.decode(stanza.arguments[0].utf8), salt.count == 16 else {
            throw .malformedHeader("scrypt stanza salt is not a canonical 16-byte value")
        }
        let digits = Array(stanza.arguments[1].utf8)
        guard let first = digits.first, (0x31...0x39).contains(first), digits.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw .malformedHeader("scrypt work factor is not a decimal number")
        }
        guard digits.count <= 9, let workFactor = Int(stanza.arguments[1]) else {
            throw .malformedHeader("scrypt work factor is out of range")
        }
        let limit = min(maxWorkFactor, maxSupportedWorkFactor)
        guard workFactor <= limit else { throw .workFactorTooHigh(workFactor, max: limit) }
        guard stanza.body.count == 32 else { throw .malformedHeader("scrypt stanza body must be 32 bytes") }
        return Parsed(salt: salt, workFactor: workFactor, body: stanza.body)
    }

    /// The file key, or nil when the passphrase is wrong.
    static func unwrap(_ stanza: Parsed, passphrase: [UInt8]) throws(AgeError) -> [UInt8]? {
        do {
            let key = try Scrypt.deriveKey(password: passphrase, salt: saltLabel + stanza.salt, logN: stanza.workFactor,
                                           r: 8, p: 1, length: 32)
            return try ChaChaPoly.open(stanza.body, key: key, nonce: zeroNonce)
        } catch .authenticationFailure {
            return nil
        } catch {
            throw .crypto(error)
        }
    }
}
