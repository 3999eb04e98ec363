import SecureChatCrypto

/// Recovering the 16-byte file key from a header's stanzas, by the spec's rules: an scrypt stanza
/// must be alone; stanzas of unknown types are skipped; known stanzas (X25519, mlkem768x25519)
/// that are malformed fail the whole header, whichever identity is tried. Each identity tries the
/// stanzas of its own type only.
enum AgeFileKey {
    static let size = 16

    static func generate() -> [UInt8] { SecureRandom.bytes(size) }

    /// The passphrase is asked for only when the file has an scrypt stanza that passes the
    /// checks (its work factor included), so nobody types a passphrase for a file we then refuse.
    /// `identities` is called only for a file without an scrypt stanza, so a passphrase file never
    /// makes anyone unlock an identity.
    static func unwrap(_ stanzas: [AgeStanza], identities: () throws -> [AgeIdentity], passphrase: (() throws -> [UInt8])?,
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
        // Every stanza of a known type is checked first, so a malformed one fails the header
        // whichever identity would have matched.
        var x25519 = [AgeX25519Stanza.Parsed](), hybrid = [AgeHybridStanza.Parsed]()
        for stanza in stanzas {
            switch stanza.type {
            case AgeX25519Stanza.type: x25519.append(try AgeX25519Stanza.parse(stanza))
            case AgeHybridStanza.type: hybrid.append(try AgeHybridStanza.parse(stanza))
            default: continue
            }
        }
        for identity in try identities() {
            switch identity.key {
            case .x25519(let key):
                for stanza in x25519 {
                    if let fileKey = try AgeX25519Stanza.unwrap(stanza, with: key) { return fileKey }
                }
            case .mlkem768x25519(let key):
                for stanza in hybrid {
                    if let fileKey = try AgeHybridStanza.unwrap(stanza, with: key) { return fileKey }
                }
            }
        }
        throw AgeError.noIdentityMatched
    }
}
