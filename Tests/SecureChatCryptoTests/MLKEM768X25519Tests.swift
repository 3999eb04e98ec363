import Testing
import TestSupport
@testable import SecureChatCrypto

/// The hybrid KEM's wrapper: sizes, seeds, what is refused before decapsulation. Its known answers
/// come from the age conformance vectors (AgeVectorTests) and the spec's example key (AgeHybridTests).
@Suite struct MLKEM768X25519Tests {
    static let info = Array("test".utf8)

    @Test func sealOpensOnlyForItsKey() throws {
        let key = MLKEM768X25519.PrivateKey()
        #expect(key.seed.count == 32 && key.publicKey.rawRepresentation.count == 1216)
        let sealed = try MLKEM768X25519.seal([1, 2, 3], to: key.publicKey, info: Self.info)
        #expect(sealed.encapsulatedKey.count == 1120 && sealed.ciphertext.count == 3 + 16)
        #expect(try MLKEM768X25519.open(sealed.ciphertext, encapsulatedKey: sealed.encapsulatedKey, privateKey: key, info: Self.info) == [1, 2, 3])
        #expect(throws: CryptoError.authenticationFailure) {
            try MLKEM768X25519.open(sealed.ciphertext, encapsulatedKey: sealed.encapsulatedKey, privateKey: MLKEM768X25519.PrivateKey(), info: Self.info)
        }
        #expect(throws: CryptoError.authenticationFailure) {
            try MLKEM768X25519.open(sealed.ciphertext, encapsulatedKey: sealed.encapsulatedKey, privateKey: key, info: Array("other".utf8))
        }
    }

    @Test func aSeedDeterminesTheKey() throws {
        let key = MLKEM768X25519.PrivateKey()
        let again = try MLKEM768X25519.PrivateKey(seed: key.seed)
        #expect(again.publicKey == key.publicKey)
        #expect(throws: CryptoError.invalidParameter("MLKEM768-X25519 private key seed must be 32 bytes")) {
            try MLKEM768X25519.PrivateKey(seed: [UInt8](repeating: 1, count: 64))
        }
        #expect(!String(describing: key).contains(hexString(key.seed)) && !String(reflecting: key).contains("\(key.seed)"))
    }

    @Test func encapsulatedKeysAreCheckedFirst() throws {
        let key = MLKEM768X25519.PrivateKey()
        let sealed = try MLKEM768X25519.seal([1], to: key.publicKey, info: Self.info)
        #expect(throws: CryptoError.invalidParameter("MLKEM768-X25519 encapsulated key must be 1120 bytes")) {
            try MLKEM768X25519.open(sealed.ciphertext, encapsulatedKey: Array(sealed.encapsulatedKey.dropLast()), privateKey: key, info: Self.info)
        }
        for share in SmallOrder.x25519SmallOrderU {
            let enc = Array(sealed.encapsulatedKey.prefix(1088)) + share
            #expect(throws: CryptoError.smallOrderKey) {
                try MLKEM768X25519.open(sealed.ciphertext, encapsulatedKey: enc, privateKey: key, info: Self.info)
            }
        }
    }

    @Test func publicKeysAreChecked() throws {
        let raw = MLKEM768X25519.PrivateKey().publicKey.rawRepresentation
        #expect(throws: CryptoError.invalidParameter("MLKEM768-X25519 public key must be 1216 bytes")) {
            try MLKEM768X25519.PublicKey(rawRepresentation: Array(raw.dropLast()))
        }
        #expect(throws: CryptoError.smallOrderKey) {
            try MLKEM768X25519.PublicKey(rawRepresentation: Array(raw.prefix(1184)) + [UInt8](repeating: 0, count: 32))
        }
        // Every 12-bit coefficient 0xfff ≥ q = 3329: not an encapsulation key.
        #expect(throws: CryptoError.invalidParameter("the ML-KEM-768 part is not a valid encapsulation key")) {
            try MLKEM768X25519.PublicKey(rawRepresentation: [UInt8](repeating: 0xff, count: 1184) + raw.suffix(32))
        }
        #expect(try MLKEM768X25519.PublicKey(rawRepresentation: raw).rawRepresentation == raw)
    }
}
