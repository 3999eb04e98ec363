import SecureChatCrypto

/// Encrypts a Fernet token piece by piece, writing the base64 text as it goes, so memory stays
/// flat however large the input (the token is one long line).
public struct FernetEncryptingStream {
    private let cipher: AESCBC
    private let mac: HMACSHA256
    private var encoder = Base64Encoder(alphabet: .url, padded: true)
    private var text: [UInt8] = []

    public init(key: FernetKey, now: UInt64, iv: [UInt8] = SecureRandom.bytes(16)) {
        precondition(iv.count == 16)
        cipher = try! AESCBC(key: key.encryptionKey, iv: iv, encrypt: true)
        mac = HMACSHA256(key: key.signingKey)
        var header: [UInt8] = [Fernet.version]
        for shift in stride(from: 56, through: 0, by: -8) { header.append(UInt8(truncatingIfNeeded: now >> UInt64(shift))) }
        header += iv
        emit(header)
    }

    private mutating func emit(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        mac.update(bytes)
        bytes.withUnsafeBytes { encoder.update($0, into: &text) }
    }

    private mutating func flush(to out: ByteWriter) throws {
        guard !text.isEmpty else { return }
        try out.write(text)
        text.removeAll(keepingCapacity: true)
    }

    public mutating func write(_ plaintext: UnsafeRawBufferPointer, to out: ByteWriter) throws {
        emit(try cipher.update(plaintext))
        try flush(to: out)
    }

    public mutating func write(_ plaintext: [UInt8], to out: ByteWriter) throws {
        try plaintext.withUnsafeBytes { try write($0, to: out) }
    }

    /// Writes the last block, the HMAC and the padding. The stream cannot be used afterwards.
    public mutating func finish(to out: ByteWriter) throws {
        emit(try cipher.finalize())
        let tag = mac.finalize()
        tag.withUnsafeBytes { encoder.update($0, into: &text) }
        encoder.finish(into: &text)
        try flush(to: out)
    }
}
