internal import Crypto
internal import FoundationEssentials

/// The MLKEM768-X25519 hybrid post-quantum KEM (X-Wing, HPKE KEM id 0x647a) in HPKE base mode
/// (RFC 9180) with HKDF-SHA256 and ChaCha20-Poly1305: the suite of age's `mlkem768x25519`
/// recipient (C2SP age, "The MLKEM768-X25519 hybrid post-quantum recipient type").
///
/// OpenSSL 3.0 has no ML-KEM, so this one file wraps swift-crypto's X-Wing and HPKE (BoringSSL
/// underneath); it is the only place that imports swift-crypto, and none of its types leave it.
/// A secret breaks only if both ML-KEM-768 and X25519 do.
public enum MLKEM768X25519 {
    /// An encapsulation key: the ML-KEM-768 encapsulation key (1184 bytes) ‖ an X25519 public key (32).
    public static let publicKeySize = 1216
    /// `enc`: the ML-KEM-768 ciphertext (1088 bytes) ‖ an ephemeral X25519 share (32).
    public static let encapsulatedKeySize = 1120
    /// A private key is its 32-byte seed, expanded by X-Wing into both halves.
    public static let seedSize = 32

    static let mlkemPublicKeySize = 1184
    static let mlkemCiphertextSize = 1088

    static let suite = Crypto.HPKE.Ciphersuite(kem: .XWingMLKEM768X25519, kdf: .HKDF_SHA256, aead: .chaChaPoly)

    public struct PublicKey: Sendable, Hashable {
        public let rawRepresentation: [UInt8]

        /// A 1216-byte encapsulation key. Throws `invalidParameter` for another length or an
        /// ML-KEM half that is not a valid encapsulation key (a coefficient not reduced modulo q,
        /// FIPS 203 section 7.2), and `smallOrderKey` when the X25519 half is a point of small
        /// order, with which no shared secret can be made.
        public init(rawRepresentation: [UInt8]) throws(CryptoError) {
            guard rawRepresentation.count == MLKEM768X25519.publicKeySize else {
                throw .invalidParameter("MLKEM768-X25519 public key must be \(MLKEM768X25519.publicKeySize) bytes")
            }
            do {
                _ = try MLKEM768.PublicKey(rawRepresentation: Array(rawRepresentation[..<MLKEM768X25519.mlkemPublicKeySize]))
            } catch {
                throw .invalidParameter("the ML-KEM-768 part is not a valid encapsulation key")
            }
            guard !SmallOrder.isSmallOrderX25519(Array(rawRepresentation[MLKEM768X25519.mlkemPublicKeySize...])) else {
                throw .smallOrderKey
            }
            self.rawRepresentation = rawRepresentation
        }

        /// The key as swift-crypto takes it; the checks above were made when it was read.
        var key: XWingMLKEM768X25519.PublicKey {
            get throws(CryptoError) {
                do { return try XWingMLKEM768X25519.PublicKey(rawRepresentation: rawRepresentation) } catch {
                    throw .library("XWingMLKEM768X25519.PublicKey")
                }
            }
        }
    }

    /// A private key. Printing or reflecting it shows nothing of the seed.
    public struct PrivateKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        let key: XWingMLKEM768X25519.PrivateKey
        public let publicKey: PublicKey

        /// A new key from the system CSPRNG.
        public init() {
            // Fails only if the library cannot draw random bytes, which nothing here can handle.
            let key = try! XWingMLKEM768X25519.PrivateKey.generate()
            self.init(key)
        }

        /// The key whose 32-byte seed is `seed` (draft-connolly-cfrg-xwing-kem key generation).
        public init(seed: [UInt8]) throws(CryptoError) {
            guard seed.count == MLKEM768X25519.seedSize else {
                throw .invalidParameter("MLKEM768-X25519 private key seed must be \(MLKEM768X25519.seedSize) bytes")
            }
            let key: XWingMLKEM768X25519.PrivateKey
            do {
                key = try XWingMLKEM768X25519.PrivateKey(seedRepresentation: seed, publicKey: nil)
            } catch {
                throw .library("XWingMLKEM768X25519.PrivateKey(seedRepresentation:)")
            }
            self.init(key)
        }

        private init(_ key: XWingMLKEM768X25519.PrivateKey) {
            self.key = key
            // A key the library made or expanded has a valid public half.
            publicKey = try! PublicKey(rawRepresentation: Array(key.publicKey.rawRepresentation))
        }

        /// The 32-byte seed: secret.
        public var seed: [UInt8] { Array(key.seedRepresentation) }

        public var description: String { "MLKEM768X25519.PrivateKey" }
        public var debugDescription: String { description }
        public var customMirror: Mirror { Mirror(self, children: [:]) }
    }

    /// Checks an `enc` before any decapsulation: 1120 bytes (`invalidParameter` otherwise), and
    /// an X25519 share that is not of small order (`smallOrderKey`), whose X25519 secret would be
    /// all zero, which X-Wing's decapsulation refuses.
    public static func checkEncapsulatedKey(_ enc: [UInt8]) throws(CryptoError) {
        guard enc.count == encapsulatedKeySize else {
            throw .invalidParameter("MLKEM768-X25519 encapsulated key must be \(encapsulatedKeySize) bytes")
        }
        guard !SmallOrder.isSmallOrderX25519(Array(enc[mlkemCiphertextSize...])) else { throw .smallOrderKey }
    }

    /// HPKE SealBase to `recipient` with an empty aad: the encapsulated key and the ciphertext
    /// (plaintext + 16-byte tag).
    public static func seal(_ plaintext: [UInt8], to recipient: PublicKey,
                            info: [UInt8]) throws(CryptoError) -> (encapsulatedKey: [UInt8], ciphertext: [UInt8]) {
        let key = try recipient.key
        do {
            var sender = try Crypto.HPKE.Sender(recipientKey: key, ciphersuite: suite, info: Data(info))
            let ciphertext = try sender.seal(plaintext)
            return (Array(sender.encapsulatedKey), Array(ciphertext))
        } catch {
            throw .library("HPKE.Sender (MLKEM768-X25519)")
        }
    }

    /// HPKE OpenBase with an empty aad. Throws what `checkEncapsulatedKey` throws, and
    /// `authenticationFailure` when the ciphertext does not open: it was sealed to another key,
    /// or `enc` or the ciphertext was altered (ML-KEM's implicit rejection makes a corrupted
    /// ciphertext give an unrelated secret rather than an error).
    public static func open(_ ciphertext: [UInt8], encapsulatedKey: [UInt8], privateKey: PrivateKey,
                            info: [UInt8]) throws(CryptoError) -> [UInt8] {
        try checkEncapsulatedKey(encapsulatedKey)
        var recipient: Crypto.HPKE.Recipient
        do {
            recipient = try Crypto.HPKE.Recipient(privateKey: privateKey.key, ciphersuite: suite, info: Data(info),
                                           encapsulatedKey: Data(encapsulatedKey))
        } catch {
            throw .library("HPKE.Recipient (MLKEM768-X25519)")
        }
        do {
            return Array(try recipient.open(ciphertext))
        } catch {
            throw .authenticationFailure
        }
    }
}
