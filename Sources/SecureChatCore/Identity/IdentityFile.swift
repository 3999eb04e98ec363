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

    /// The first identity in an (unencrypted) identity file.
    public static func parse(_ text: String) throws(AgeError) -> Identity {
        let identities: [AgeIdentity]
        do {
            identities = try AgeIdentityFile.parse(text)
        } catch .noIdentities {
            identities = []
        }
        guard let first = identities.first else {
            throw .invalidIdentity("the file holds no AGE-SECRET-KEY-1 line")
        }
        return Identity(agreementKey: first.privateKey)
    }

    /// The public identity's text form for `keygen -y`: the age recipient.
    public static func recipient(of identity: Identity) -> String {
        AgeIdentity(privateKey: identity.agreementKey).recipient.description
    }
}
