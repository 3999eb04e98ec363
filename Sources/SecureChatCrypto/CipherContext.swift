import COpenSSL

/// Owns one `EVP_CIPHER_CTX`; freed in `deinit`. Shared plumbing for CBC and the AEADs.
final class CipherContext {
    let ctx: OpaquePointer

    init() {
        guard let c = EVP_CIPHER_CTX_new() else { fatalError("out of memory") }
        ctx = c
    }

    deinit { EVP_CIPHER_CTX_free(ctx) }

    /// Feeds `input` in pieces OpenSSL's `int` lengths can carry; returns bytes written to `output`.
    func update(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer?) throws(CryptoError) -> Int {
        var written = 0
        var offset = 0
        let step = 1 << 30
        while offset < input.count {
            let n = min(step, input.count - offset)
            var outl: Int32 = 0
            let outPtr = output.map { $0.baseAddress!.advanced(by: written).assumingMemoryBound(to: UInt8.self) }
            let inPtr = input.baseAddress!.advanced(by: offset).assumingMemoryBound(to: UInt8.self)
            try check(EVP_CipherUpdate(ctx, outPtr, &outl, inPtr, Int32(n)), "EVP_CipherUpdate")
            written += Int(outl)
            offset += n
        }
        return written
    }

    /// Passes additional authenticated data to an AEAD.
    func updateAAD(_ aad: [UInt8]) throws(CryptoError) {
        guard !aad.isEmpty else { return }
        var outl: Int32 = 0
        let r = aad.withUnsafeBufferPointer { EVP_CipherUpdate(ctx, nil, &outl, $0.baseAddress, Int32($0.count)) }
        try check(r, "EVP_CipherUpdate(aad)")
    }
}
