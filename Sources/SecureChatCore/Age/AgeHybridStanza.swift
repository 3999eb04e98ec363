import SecureChatCrypto

/// The hybrid post-quantum recipient stanza: `-> mlkem768x25519 <enc>` and a 32-byte body, the
/// file key sealed with HPKE base mode (MLKEM768-X25519, HKDF-SHA256, ChaCha20-Poly1305) under
/// the info string `"age-encryption.org/mlkem768x25519"` and an empty aad (C2SP age,
/// "mlkem768x25519 recipient stanza").
enum AgeHybridStanza {
    static let type = "mlkem768x25519"
    static let info = Array("age-encryption.org/mlkem768x25519".utf8)
    static let bodySize = AgeFileKey.size + 16

    /// A stanza whose shape the spec requires; parsed before any key is tried.
    struct Parsed {
        let encapsulatedKey: [UInt8]
        let body: [UInt8]
    }

    static func wrap(fileKey: [UInt8], to recipient: MLKEM768X25519.PublicKey) throws(AgeError) -> AgeStanza {
        do {
            let sealed = try MLKEM768X25519.seal(fileKey, to: recipient, info: info)
            return AgeStanza(type: type, arguments: [Base64.encodeUnpadded(sealed.encapsulatedKey)], body: sealed.ciphertext)
        } catch {
            throw .crypto(error)
        }
    }

    /// Checks what the spec says MUST be rejected: exactly one argument after the type, a
    /// canonical base64 encoding of a 1120-byte `enc`, a 32-byte body (checked before decrypting,
    /// against partitioning oracles). Also refused here, as for X25519 stanzas: an `enc` whose
    /// X25519 share is of small order, whose shared secret would be the forbidden all-zero value.
    static func parse(_ stanza: AgeStanza) throws(AgeError) -> Parsed {
        guard stanza.arguments.count == 1 else { throw .malformedHeader("mlkem768x25519 stanza must have exactly one argument") }
        guard let enc = Base64.decode(stanza.arguments[0].utf8, alphabet: .standard, padded: false),
              enc.count == MLKEM768X25519.encapsulatedKeySize else {
            throw .malformedHeader("mlkem768x25519 stanza enc is not a canonical \(MLKEM768X25519.encapsulatedKeySize)-byte value")
        }
        do {
            try MLKEM768X25519.checkEncapsulatedKey(enc)
        } catch {
            throw .malformedHeader("mlkem768x25519 stanza X25519 share is a low-order point")
        }
        guard stanza.body.count == bodySize else { throw .malformedHeader("mlkem768x25519 stanza body must be 32 bytes") }
        return Parsed(encapsulatedKey: enc, body: stanza.body)
    }

    /// The file key, or nil when the stanza was not made for `identity` (or was altered: the
    /// two cannot be told apart).
    static func unwrap(_ stanza: Parsed, with identity: MLKEM768X25519.PrivateKey) throws(AgeError) -> [UInt8]? {
        do {
            return try MLKEM768X25519.open(stanza.body, encapsulatedKey: stanza.encapsulatedKey, privateKey: identity, info: info)
        } catch .authenticationFailure {
            return nil
        } catch .smallOrderKey {
            throw .malformedHeader("mlkem768x25519 stanza X25519 share is a low-order point")
        } catch {
            throw .crypto(error)
        }
    }
}
