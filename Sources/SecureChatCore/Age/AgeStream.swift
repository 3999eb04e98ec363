import SecureChatCrypto

/// The age payload: a 16-byte nonce, then the plaintext in 64 KiB chunks, each sealed with
/// ChaCha20-Poly1305 under HKDF(ikm: file key, salt: nonce, info: "payload") and the nonce
/// `11-byte big-endian chunk counter ‖ last-chunk flag` (the STREAM construction).
///
/// Both directions stream with two fixed buffers, whatever the input size; nothing is written
/// that has not been sealed or authenticated.
enum AgeStream {
    static let chunkSize = 64 * 1024
    static let tagSize = 16
    static let nonceSize = 16
    static let sealedChunkSize = chunkSize + tagSize

    static func payloadKey(fileKey: [UInt8], nonce: [UInt8]) throws(AgeError) -> AEADCipher {
        do {
            let key = try HKDF.deriveKey(ikm: fileKey, salt: nonce, info: Array("payload".utf8), length: 32)
            return try AEADCipher(.chaCha20Poly1305, key: key)
        } catch {
            throw .crypto(error)
        }
    }

    /// Sets `nonce` to the chunk counter and last-chunk flag. Counters past 2^64 chunks
    /// (a zettabyte) are not reachable, so the top three counter bytes stay zero.
    @inline(__always)
    private static func setNonce(_ nonce: inout [UInt8], counter: UInt64, last: Bool) {
        for i in 0..<8 { nonce[10 - i] = UInt8(truncatingIfNeeded: counter >> (8 * UInt64(i))) }
        nonce[11] = last ? 1 : 0
    }

    /// Writes a fresh nonce and the sealed chunks of everything `input` holds.
    static func encrypt(fileKey: [UInt8], from input: ByteReader, to output: ByteWriter) throws {
        let streamNonce = SecureRandom.bytes(nonceSize)
        let cipher = try payloadKey(fileKey: fileKey, nonce: streamNonce)
        try output.write(streamNonce)
        var nonce = [UInt8](repeating: 0, count: 12)
        // One byte more than a chunk: reading it tells whether the chunk in hand is the last.
        var plain = [UInt8](repeating: 0, count: chunkSize + 1)
        var sealed = [UInt8](repeating: 0, count: sealedChunkSize)
        try plain.withUnsafeMutableBytes { p in
            try sealed.withUnsafeMutableBytes { s in
                var counter: UInt64 = 0
                var carried = 0
                while true {
                    let n = carried + (try input.readFully(into: UnsafeMutableRawBufferPointer(rebasing: p[carried...])))
                    let last = n <= chunkSize
                    let count = last ? n : chunkSize
                    setNonce(&nonce, counter: counter, last: last)
                    do {
                        try cipher.seal(UnsafeRawBufferPointer(rebasing: p[0..<count]), nonce: nonce, into: s)
                    } catch let error as CryptoError {
                        throw AgeError.crypto(error)
                    }
                    try output.write(UnsafeRawBufferPointer(rebasing: s[0..<count + tagSize]))
                    if last { return }
                    p[0] = p[chunkSize]
                    carried = 1
                    counter += 1
                }
            }
        }
    }

    /// Authenticates and writes the chunks that follow the payload nonce.
    static func decrypt(fileKey: [UInt8], nonce streamNonce: [UInt8], from input: ByteReader, to output: ByteWriter) throws {
        let cipher = try payloadKey(fileKey: fileKey, nonce: streamNonce)
        var nonce = [UInt8](repeating: 0, count: 12)
        var sealed = [UInt8](repeating: 0, count: sealedChunkSize)
        var plain = [UInt8](repeating: 0, count: chunkSize)
        try sealed.withUnsafeMutableBytes { s in
            try plain.withUnsafeMutableBytes { p in
                var counter: UInt64 = 0
                while true {
                    let n = try input.readFully(into: s)
                    // A payload must end with a chunk marked last; running out before one is a cut.
                    guard n >= tagSize else { throw AgeError.truncated }
                    var last = n < sealedChunkSize
                    if last && counter > 0 && n == tagSize {
                        throw AgeError.malformedPayload("final chunk is empty")
                    }
                    let chunk = UnsafeRawBufferPointer(rebasing: s[0..<n])
                    setNonce(&nonce, counter: counter, last: last)
                    do {
                        try cipher.open(chunk, nonce: nonce, into: p)
                    } catch {
                        // A full-size chunk may be the last one; only the flag tells.
                        guard !last else { throw AgeError.payloadAuthenticationFailed(chunk: counter) }
                        last = true
                        setNonce(&nonce, counter: counter, last: true)
                        do { try cipher.open(chunk, nonce: nonce, into: p) } catch {
                            throw AgeError.payloadAuthenticationFailed(chunk: counter)
                        }
                    }
                    if last, try input.readFully(into: UnsafeMutableRawBufferPointer(rebasing: s[0..<1])) != 0 {
                        throw AgeError.malformedPayload("trailing data after the final chunk")
                    }
                    try output.write(UnsafeRawBufferPointer(rebasing: p[0..<n - tagSize]))
                    if last { return }
                    counter += 1
                }
            }
        }
    }
}
