import SecureChatCrypto

/// The age v1 file format (age-encryption.org/v1): encryption to X25519 or hybrid post-quantum
/// (MLKEM768-X25519) recipients or to a passphrase, binary or armored, streaming both ways with
/// flat memory.
///
/// Readers and writers are the caller's; their errors pass through unchanged. Everything else
/// thrown is an `AgeError`. `decrypt` writes only authenticated plaintext, but a failure can come
/// after some of it was written: callers that must not leave partial output write to a temporary
/// file and rename it on success.
public enum Age {
    public static let defaultWorkFactor = AgeScryptStanza.defaultWorkFactor
    public static let defaultMaxWorkFactor = 22

    /// Encrypts everything `input` holds to each of `recipients`. Post-quantum and X25519
    /// recipients are not mixed (`AgeError.mixedPostQuantumRecipients`): the specification says a
    /// file SHOULD NOT be encrypted to both, since the X25519 stanza would undo the protection.
    public static func encrypt(to recipients: [AgeRecipient], armor: Bool, from input: ByteReader, to output: ByteWriter) throws {
        guard !recipients.isEmpty else { throw AgeError.noRecipients }
        let postQuantum = recipients.filter(\.isPostQuantum).count
        guard postQuantum == 0 || postQuantum == recipients.count else {
            throw AgeError.mixedPostQuantumRecipients(postQuantum: postQuantum, classic: recipients.count - postQuantum)
        }
        let fileKey = AgeFileKey.generate()
        var stanzas = [AgeStanza]()
        for recipient in recipients {
            switch recipient.key {
            case .x25519(let key): stanzas.append(try AgeX25519Stanza.wrap(fileKey: fileKey, to: key))
            case .mlkem768x25519(let key): stanzas.append(try AgeHybridStanza.wrap(fileKey: fileKey, to: key))
            }
        }
        try write(stanzas: stanzas, fileKey: fileKey, armor: armor, from: input, to: output)
    }

    /// Encrypts with a passphrase (one scrypt stanza). `workFactor` is log2 of scrypt's N, 1...30.
    public static func encrypt(passphrase: [UInt8], workFactor: Int = defaultWorkFactor, armor: Bool,
                               from input: ByteReader, to output: ByteWriter) throws {
        let fileKey = AgeFileKey.generate()
        let stanza = try AgeScryptStanza.wrap(fileKey: fileKey, passphrase: passphrase, workFactor: workFactor)
        try write(stanzas: [stanza], fileKey: fileKey, armor: armor, from: input, to: output)
    }

    /// Decrypts a binary or armored age file (told apart automatically). `passphrase` is called
    /// only for a passphrase-encrypted file, and only after its header checked out; when it is nil
    /// such a file fails with `.passphraseRequired`. Work factors above `maxWorkFactor` are refused.
    public static func decrypt(identities: [AgeIdentity], passphrase: (() throws -> [UInt8])?,
                               maxWorkFactor: Int = defaultMaxWorkFactor, from input: ByteReader, to output: ByteWriter) throws {
        try decrypt(identities: { identities }, passphrase: passphrase, maxWorkFactor: maxWorkFactor, from: input, to: output)
    }

    /// As above, with identities loaded only if the file needs them (not for a passphrase file),
    /// so a passphrase-protected identity is unlocked only when it can be used.
    public static func decrypt(identities: () throws -> [AgeIdentity], passphrase: (() throws -> [UInt8])?,
                               maxWorkFactor: Int = defaultMaxWorkFactor, from input: ByteReader, to output: ByteWriter) throws {
        let reader = try AgeInput.open(input).reader
        let header = try AgeHeader.parse(from: reader)
        let fileKey = try AgeFileKey.unwrap(header.stanzas, identities: identities, passphrase: passphrase,
                                            maxWorkFactor: maxWorkFactor)
        try header.verifyMAC(fileKey: fileKey)
        var nonce = [UInt8](repeating: 0, count: AgeStream.nonceSize)
        guard try nonce.withUnsafeMutableBytes({ try reader.readFully(into: $0) }) == nonce.count else {
            throw AgeError.malformedHeader("the payload nonce is missing")
        }
        try AgeStream.decrypt(fileKey: fileKey, nonce: nonce, from: reader, to: output)
    }

    /// Whether `firstBytes` (a file's first kilobyte or so) starts like an age file, binary or
    /// armored; for telling age files from other formats, such as Fernet tokens.
    public static func looksLikeAge(_ firstBytes: [UInt8]) -> Bool {
        AgeInput.looksLikeAge(firstBytes)
    }

    private static func write(stanzas: [AgeStanza], fileKey: [UInt8], armor: Bool, from input: ByteReader, to output: ByteWriter) throws {
        let header = try AgeHeader.encode(stanzas: stanzas, fileKey: fileKey)
        guard armor else {
            try output.write(header)
            try AgeStream.encrypt(fileKey: fileKey, from: input, to: output)
            return
        }
        let armored = AgeArmorWriter(output)
        try armored.write(header)
        try AgeStream.encrypt(fileKey: fileKey, from: input, to: armored)
        try armored.finish()
    }
}
