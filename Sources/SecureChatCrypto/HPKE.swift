/// HPKE (RFC 9180) base mode for exactly one suite: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
/// AES-128-GCM: the suite a browser's WebCrypto can also run. Used to hand a room key to one member.
public enum HPKE {
    static let kemID: [UInt8] = [0x00, 0x20]
    static let kdfID: [UInt8] = [0x00, 0x01]
    static let aeadID: [UInt8] = [0x00, 0x01]
    static let kemSuite = Array("KEM".utf8) + kemID
    static let hpkeSuite = Array("HPKE".utf8) + kemID + kdfID + aeadID
    static let version = Array("HPKE-v1".utf8)

    static func labeledExtract(suite: [UInt8], salt: [UInt8], label: String, ikm: [UInt8]) -> [UInt8] {
        HKDF.extract(salt: salt, ikm: version + suite + Array(label.utf8) + ikm)
    }

    static func labeledExpand(suite: [UInt8], prk: [UInt8], label: String, info: [UInt8], length: Int) throws(CryptoError) -> [UInt8] {
        let l = [UInt8(length >> 8), UInt8(length & 0xff)]
        return try HKDF.expand(prk: prk, info: l + version + suite + Array(label.utf8) + info, length: length)
    }

    /// DHKEM ExtractAndExpand (RFC 9180 section 4.1).
    static func kemSharedSecret(dh: [UInt8], enc: [UInt8], recipient: [UInt8]) throws(CryptoError) -> [UInt8] {
        let prk = labeledExtract(suite: kemSuite, salt: [], label: "eae_prk", ikm: dh)
        return try labeledExpand(suite: kemSuite, prk: prk, label: "shared_secret", info: enc + recipient, length: 32)
    }

    /// The key schedule's outputs for base mode (no PSK).
    struct Context {
        let key: [UInt8]
        let baseNonce: [UInt8]
        let exporterSecret: [UInt8]
        var sequence: UInt64 = 0

        init(sharedSecret: [UInt8], info: [UInt8]) throws(CryptoError) {
            let pskIDHash = labeledExtract(suite: hpkeSuite, salt: [], label: "psk_id_hash", ikm: [])
            let infoHash = labeledExtract(suite: hpkeSuite, salt: [], label: "info_hash", ikm: info)
            let ksc = [0x00] + pskIDHash + infoHash
            let secret = labeledExtract(suite: hpkeSuite, salt: sharedSecret, label: "secret", ikm: [])
            key = try labeledExpand(suite: hpkeSuite, prk: secret, label: "key", info: ksc, length: 16)
            baseNonce = try labeledExpand(suite: hpkeSuite, prk: secret, label: "base_nonce", info: ksc, length: 12)
            exporterSecret = try labeledExpand(suite: hpkeSuite, prk: secret, label: "exp", info: ksc, length: 32)
        }

        /// base_nonce XOR I2OSP(seq, 12), then the sequence advances.
        mutating func nextNonce() throws(CryptoError) -> [UInt8] {
            guard sequence < UInt64.max else { throw .invalidParameter("HPKE message limit reached") }
            var nonce = baseNonce
            for i in 0..<8 { nonce[11 - i] ^= UInt8(truncatingIfNeeded: sequence >> (8 * UInt64(i))) }
            sequence += 1
            return nonce
        }
    }

    /// The sending side of a base-mode context.
    public struct Sender {
        public let encapsulatedKey: [UInt8]
        var context: Context
        let sharedSecret: [UInt8]

        public init(recipient: Curve25519.KeyAgreement.PublicKey, info: [UInt8]) throws(CryptoError) {
            try self.init(recipient: recipient, info: info, ephemeralKey: Curve25519.KeyAgreement.PrivateKey())
        }

        /// With a fixed ephemeral key: for the RFC's test vectors only.
        init(recipient: Curve25519.KeyAgreement.PublicKey, info: [UInt8],
             ephemeralKey: Curve25519.KeyAgreement.PrivateKey) throws(CryptoError) {
            let dh = try ephemeralKey.sharedSecretFromKeyAgreement(with: recipient)
            encapsulatedKey = ephemeralKey.publicKey.rawRepresentation
            sharedSecret = try kemSharedSecret(dh: dh, enc: encapsulatedKey, recipient: recipient.rawRepresentation)
            context = try Context(sharedSecret: sharedSecret, info: info)
        }

        public mutating func seal(_ plaintext: [UInt8], aad: [UInt8] = []) throws(CryptoError) -> [UInt8] {
            try AESGCM.seal(plaintext, key: context.key, nonce: context.nextNonce(), aad: aad)
        }
    }

    /// The receiving side of a base-mode context.
    public struct Recipient {
        var context: Context
        let sharedSecret: [UInt8]

        public init(privateKey: Curve25519.KeyAgreement.PrivateKey, encapsulatedKey: [UInt8], info: [UInt8]) throws(CryptoError) {
            let enc = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: encapsulatedKey)
            let dh = try privateKey.sharedSecretFromKeyAgreement(with: enc)
            sharedSecret = try kemSharedSecret(dh: dh, enc: encapsulatedKey, recipient: privateKey.publicKey.rawRepresentation)
            context = try Context(sharedSecret: sharedSecret, info: info)
        }

        public mutating func open(_ ciphertext: [UInt8], aad: [UInt8] = []) throws(CryptoError) -> [UInt8] {
            try AESGCM.open(ciphertext, key: context.key, nonce: context.nextNonce(), aad: aad)
        }
    }

    /// Single-shot sealing: `enc` plus one ciphertext.
    public static func seal(_ plaintext: [UInt8], to recipient: Curve25519.KeyAgreement.PublicKey,
                            info: [UInt8], aad: [UInt8] = []) throws(CryptoError) -> (encapsulatedKey: [UInt8], ciphertext: [UInt8]) {
        var s = try Sender(recipient: recipient, info: info)
        return (s.encapsulatedKey, try s.seal(plaintext, aad: aad))
    }

    public static func open(_ ciphertext: [UInt8], encapsulatedKey: [UInt8], privateKey: Curve25519.KeyAgreement.PrivateKey,
                            info: [UInt8], aad: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        var r = try Recipient(privateKey: privateKey, encapsulatedKey: encapsulatedKey, info: info)
        return try r.open(ciphertext, aad: aad)
    }
}
