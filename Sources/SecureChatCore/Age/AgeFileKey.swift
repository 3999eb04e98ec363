import SecureChatCrypto

/// Recovering the 16-byte file key from a header's stanzas, by the spec's rules: an scrypt stanza
/// must be alone; stanzas of unknown types are skipped; known stanzas that are malformed fail
/// the whole header, whichever identity is tried.
enum AgeFileKey {
    static let size = 16

    static func generate() -> [UInt8] { SecureRandom.bytes(size) }

    /// The passphrase is asked for only when the file has an scrypt stanza that passes the
    /// checks (its work factor included), so nobody types a passphrase for a file we then refuse.
    static func unwrap(_ stanzas: [AgeStanza], identities: [AgeIdentity], passphrase: (() throws -> [UInt8])?,
                       maxWorkFactor: Int) throws -> [UInt8] {
        if stanzas.contains(where: { $0.type == AgeScryptStanza.type }) {
            guard stanzas.count == 1 else { throw AgeError.scryptMustBeAlone }
            let stanza = try AgeScryptStanza.parse(stanzas[0], maxWorkFactor: maxWorkFactor)
            guard let passphrase else { throw AgeError.passphraseRequired }
            var secret = try passphrase()
            defer { Bytes.wipe(&secret) }
            guard let fileKey = try AgeScryptStanza.unwrap(stanza, passphrase: secret) else { throw AgeError.wrongPassphrase }
            return fileKey
        }
        var x25519 = [AgeX25519Stanza.Parsed]()
        for stanza in stanzas where stanza.type == AgeX25519Stanza.type {
            x25519.append(try AgeX25519Stanza.parse(stanza))
        }
        for identity in identities {
            for stanza in x25519 {
                if let fileKey = try AgeX25519Stanza.unwrap(stanza, with: identity) { return fileKey }
            }
        }
        throw AgeError.noIdentityMatched
    }
}
