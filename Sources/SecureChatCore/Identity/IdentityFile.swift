import SecureChatCrypto

/// The identity file: an age identity file with securechat's comments (docs/formats.md).
public enum IdentityFile {
    /// The file's text. `created` is an RFC 3339 time supplied by the caller (Core reads no clock).
    public static func render(_ identity: Identity, created: String) -> String {
        let age = AgeIdentity(privateKey: identity.agreementKey)
        return """
            # created: \(created)
            # public key: \(age.recipient)
            # fingerprint: \(identity.publicIdentity.fingerprint)
            \(age.encoded)

            """
    }

    /// The first X25519 identity in an (unencrypted) identity file. Post-quantum identities
    /// (`AGE-SECRET-KEY-PQ-1…`) decrypt files but are no chat identity: a file of only those is refused.
    public static func parse(_ text: String) throws(AgeError) -> Identity {
        let identities: [AgeIdentity]
        do {
            identities = try AgeIdentityFile.parse(text)
        } catch .noIdentities {
            identities = []
        }
        guard let first = identities.lazy.compactMap(\.x25519).first else {
            if identities.contains(where: \.isPostQuantum) {
                throw .invalidIdentity("a post-quantum identity (AGE-SECRET-KEY-PQ-1…) decrypts files only; a chat identity is an X25519 AGE-SECRET-KEY-1… key")
            }
            throw .invalidIdentity("the file holds no AGE-SECRET-KEY-1 line")
        }
        return Identity(agreementKey: first)
    }

    /// The public identity's text form for `keygen -y`: the age recipient.
    public static func recipient(of identity: Identity) -> String {
        AgeIdentity(privateKey: identity.agreementKey).recipient.description
    }
}
