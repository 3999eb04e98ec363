import SecureChatCrypto

/// The X25519 recipient stanza: `-> X25519 <ephemeral share>` and the file key sealed with a key
/// derived from the shared secret.
enum AgeX25519Stanza {
    static let type = "X25519"
    private static let info = Array("age-encryption.org/v1/X25519".utf8)
    private static let zeroNonce = [UInt8](repeating: 0, count: 12)

    /// A stanza whose shape the spec requires; parsed before any key is tried.
    struct Parsed {
        let share: Curve25519.KeyAgreement.PublicKey
        let body: [UInt8]
    }

    static func wrap(fileKey: [UInt8], to recipient: Curve25519.KeyAgreement.PublicKey) throws(AgeError) -> AgeStanza {
        let ephemeral = Curve25519.KeyAgreement.PrivateKey()
        let share = ephemeral.publicKey.rawRepresentation
        do {
            let secret = try ephemeral.sharedSecretFromKeyAgreement(with: recipient)
            let key = try HKDF.deriveKey(ikm: secret, salt: share + recipient.rawRepresentation, info: info, length: 32)
            let body = try ChaChaPoly.seal(fileKey, key: key, nonce: zeroNonce)
            return AgeStanza(type: type, arguments: [Base64.encodeUnpadded(share)], body: body)
        } catch .weakSharedSecret {
            throw .invalidRecipient("the public key is a low-order point")
        } catch {
            throw .crypto(error)
        }
    }

    /// Checks what the spec says MUST be rejected: exactly one argument after the type, a
    /// canonical 32-byte share, a 32-byte body (checked before decrypting, against partitioning
    /// oracles).
    static func parse(_ stanza: AgeStanza) throws(AgeError) -> Parsed {
        guard stanza.arguments.count == 1 else { throw .malformedHeader("X25519 stanza must have exactly one argument") }
        guard let raw = Base64.decode(stanza.arguments[0].utf8, alphabet: .standard, padded: false), raw.count == 32,
              let share = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: raw) else {
            throw .malformedHeader("X25519 stanza share is not a canonical 32-byte value")
        }
        guard stanza.body.count == 32 else { throw .malformedHeader("X25519 stanza body must be 32 bytes") }
        return Parsed(share: share, body: stanza.body)
    }

    /// The file key, or nil when the stanza was not made for `identity`.
    static func unwrap(_ stanza: Parsed, with identity: Curve25519.KeyAgreement.PrivateKey) throws(AgeError) -> [UInt8]? {
        do {
            let secret = try identity.sharedSecretFromKeyAgreement(with: stanza.share)
            let salt = stanza.share.rawRepresentation + identity.publicKey.rawRepresentation
            let key = try HKDF.deriveKey(ikm: secret, salt: salt, info: info, length: 32)
            return try ChaChaPoly.open(stanza.body, key: key, nonce: zeroNonce)
        } catch .authenticationFailure {
            return nil
        } catch .weakSharedSecret {
            throw .malformedHeader("X25519 stanza share is a low-order point")
        } catch {
            throw .crypto(error)
        }
    }
}
