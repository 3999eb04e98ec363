import COpenSSL

/// X25519 key agreement and Ed25519 signatures, shaped like swift-crypto's `Curve25519`.
public enum Curve25519 {
    public enum KeyAgreement {
        public struct PublicKey: Sendable, Hashable {
            public let rawRepresentation: [UInt8]

            /// A 32-byte X25519 public key (RFC 7748). Throws `invalidParameter` for another
            /// length and `smallOrderKey` for a point of small order in any spelling (with or
            /// without the top bit, reduced or not), whose shared secret anyone can predict.
            public init(rawRepresentation: [UInt8]) throws(CryptoError) {
                guard rawRepresentation.count == 32 else { throw .invalidParameter("X25519 public key must be 32 bytes") }
                guard !SmallOrder.isSmallOrderX25519(rawRepresentation) else { throw .smallOrderKey }
                self.rawRepresentation = rawRepresentation
            }
        }

        public struct PrivateKey: Sendable {
            public let rawRepresentation: [UInt8]
            public let publicKey: PublicKey

            /// A new random key.
            public init() {
                try! self.init(rawRepresentation: SecureRandom.bytes(32))
            }

            public init(rawRepresentation: [UInt8]) throws(CryptoError) {
                guard rawRepresentation.count == 32 else { throw .invalidParameter("X25519 private key must be 32 bytes") }
                self.rawRepresentation = rawRepresentation
                let pkey = try PKey(privateRaw: rawRepresentation, type: EVP_PKEY_X25519)
                publicKey = try PublicKey(rawRepresentation: pkey.rawPublicKey)
            }

            /// X25519(self, peer). An all-zero result (a low-order peer key) is refused, as RFC 7748
            /// section 6.1 allows and age requires.
            public func sharedSecretFromKeyAgreement(with peer: PublicKey) throws(CryptoError) -> [UInt8] {
                let mine = try PKey(privateRaw: rawRepresentation, type: EVP_PKEY_X25519)
                let theirs = try PKey(publicRaw: peer.rawRepresentation, type: EVP_PKEY_X25519)
                guard let ctx = EVP_PKEY_CTX_new(mine.key, nil) else { throw .library("EVP_PKEY_CTX_new") }
                defer { EVP_PKEY_CTX_free(ctx) }
                try check(EVP_PKEY_derive_init(ctx), "EVP_PKEY_derive_init")
                try check(EVP_PKEY_derive_set_peer(ctx, theirs.key), "EVP_PKEY_derive_set_peer")
                var out = [UInt8](repeating: 0, count: 32)
                var len = 32
                let r = out.withUnsafeMutableBufferPointer { EVP_PKEY_derive(ctx, $0.baseAddress, &len) }
                // OpenSSL fails the derivation exactly when the result is all zeroes.
                guard r == 1, len == 32, out.contains(where: { $0 != 0 }) else {
                    ERR_clear_error()
                    throw .weakSharedSecret
                }
                return out
            }
        }
    }

    public enum Signing {
        public struct PublicKey: Sendable, Hashable {
            public let rawRepresentation: [UInt8]

            /// A 32-byte Ed25519 public key (RFC 8032 section 5.1.2). Every key that enters from
            /// outside passes here, so none of these is ever used: another length
            /// (`invalidParameter`), a non-canonical encoding, y ≥ 2^255 − 19 or x = 0 with the
            /// sign bit set (`nonCanonicalKey`), and the eight points of small order
            /// (`smallOrderKey`), for which OpenSSL 3.0 verifies "universal" signatures.
            public init(rawRepresentation: [UInt8]) throws(CryptoError) {
                guard rawRepresentation.count == 32 else { throw .invalidParameter("Ed25519 public key must be 32 bytes") }
                if let problem = SmallOrder.ed25519Problem(rawRepresentation) { throw problem }
                self.rawRepresentation = rawRepresentation
            }

            /// RFC 8032 verification (OpenSSL rejects non-canonical S; the initializer has
            /// already refused small-order and non-canonical keys).
            public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
                guard signature.count == 64, let pkey = try? PKey(publicRaw: rawRepresentation, type: EVP_PKEY_ED25519),
                      let md = EVP_MD_CTX_new() else { return false }
                defer { EVP_MD_CTX_free(md) }
                guard EVP_DigestVerifyInit(md, nil, nil, nil, pkey.key) == 1 else { ERR_clear_error(); return false }
                let r = signature.withUnsafeBufferPointer { s in
                    withPointer(message) { m, n in EVP_DigestVerify(md, s.baseAddress, 64, m, n) }
                }
                ERR_clear_error()
                return r == 1
            }
        }

        public struct PrivateKey: Sendable {
            public let rawRepresentation: [UInt8]
            public let publicKey: PublicKey

            public init() {
                try! self.init(rawRepresentation: SecureRandom.bytes(32))
            }

            /// The 32-byte RFC 8032 seed.
            public init(rawRepresentation: [UInt8]) throws(CryptoError) {
                guard rawRepresentation.count == 32 else { throw .invalidParameter("Ed25519 private key must be 32 bytes") }
                self.rawRepresentation = rawRepresentation
                let pkey = try PKey(privateRaw: rawRepresentation, type: EVP_PKEY_ED25519)
                publicKey = try PublicKey(rawRepresentation: pkey.rawPublicKey)
            }

            /// A deterministic 64-byte signature (PureEdDSA).
            public func signature(for message: [UInt8]) throws(CryptoError) -> [UInt8] {
                let pkey = try PKey(privateRaw: rawRepresentation, type: EVP_PKEY_ED25519)
                guard let md = EVP_MD_CTX_new() else { throw .library("EVP_MD_CTX_new") }
                defer { EVP_MD_CTX_free(md) }
                try check(EVP_DigestSignInit(md, nil, nil, nil, pkey.key), "EVP_DigestSignInit")
                var sig = [UInt8](repeating: 0, count: 64)
                var len = 64
                let r = sig.withUnsafeMutableBufferPointer { s in
                    withPointer(message) { m, n in EVP_DigestSign(md, s.baseAddress, &len, m, n) }
                }
                try check(r, "EVP_DigestSign")
                return sig
            }
        }
    }
}
