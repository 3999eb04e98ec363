/// What can be learned about an age file without a key.
public struct AgeFileInfo: Equatable, Sendable {
    public var armored: Bool
    /// The first argument of each stanza, in order (e.g. `["X25519", "X25519"]`, `["scrypt"]`).
    public var stanzaTypes: [String]
    /// Bytes of the binary header, through the MAC line.
    public var headerSize: Int
    /// Bytes after the binary header: the payload nonce and the sealed chunks.
    public var payloadSize: Int
    /// The plaintext's size, or nil when `payloadSize` is not a length a valid payload can have.
    public var plaintextSize: Int?

    public var isPassphraseEncrypted: Bool { stanzaTypes.contains("scrypt") }

    /// The stanza type of the hybrid post-quantum recipient.
    public static let postQuantumStanzaType = AgeHybridStanza.type

    /// Whether the file is encrypted to post-quantum recipients and to no X25519 or scrypt one,
    /// any of which a future quantum computer could open.
    public var isPostQuantum: Bool {
        stanzaTypes.contains(Self.postQuantumStanzaType)
            && !stanzaTypes.contains(AgeX25519Stanza.type) && !stanzaTypes.contains(AgeScryptStanza.type)
    }
}

extension Age {
    /// Parses the header and counts the payload (reading `input` to its end, with flat memory).
    /// Nothing is decrypted or authenticated.
    public static func inspect(_ input: ByteReader) throws -> AgeFileInfo {
        let (reader, armored) = try AgeInput.open(input)
        let header = try AgeHeader.parse(from: reader)
        var payloadSize = 0
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
            if n == 0 { break }
            payloadSize += n
        }
        return AgeFileInfo(armored: armored, stanzaTypes: header.stanzas.map(\.type), headerSize: header.size,
                           payloadSize: payloadSize, plaintextSize: plaintextSize(payloadSize: payloadSize))
    }

    /// The plaintext size a payload of `payloadSize` bytes decrypts to, if it can be valid.
    static func plaintextSize(payloadSize: Int) -> Int? {
        let sealed = payloadSize - AgeStream.nonceSize
        guard sealed >= AgeStream.tagSize else { return nil }
        let full = sealed / AgeStream.sealedChunkSize, rest = sealed % AgeStream.sealedChunkSize
        if rest == 0 { return full * AgeStream.chunkSize }
        // The last chunk holds at least one byte, unless it is the only one.
        guard rest > AgeStream.tagSize || (rest == AgeStream.tagSize && full == 0) else { return nil }
        return full * AgeStream.chunkSize + rest - AgeStream.tagSize
    }
}
