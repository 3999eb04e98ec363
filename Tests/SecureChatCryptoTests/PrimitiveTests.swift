import Testing
import TestSupport
@testable import SecureChatCrypto

@Suite struct PrimitiveTests {
    @Test func randomIsNotConstant() {
        let a = SecureRandom.bytes(32), b = SecureRandom.bytes(32)
        #expect(a.count == 32 && a != b)
        for _ in 0..<1000 { #expect(SecureRandom.uniform(below: 10) < 10) }
    }

    @Test func sha256KnownAnswer() {
        #expect(hexString(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hexString(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    /// RFC 7914 section 12, second vector (N=1024, r=8, p=16).
    @Test func scryptRFC7914() throws {
        let out = try Scrypt.deriveKey(password: Array("password".utf8), salt: Array("NaCl".utf8), logN: 10, r: 8, p: 16, length: 64)
        #expect(hexString(out) == "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")
        #expect(throws: CryptoError.self) { try Scrypt.deriveKey(password: [], salt: [], logN: 0, length: 32) }
    }

    /// RFC 8032 7.1 TEST 1: the empty message.
    @Test func ed25519RFC8032() throws {
        let sk = try Curve25519.Signing.PrivateKey(rawRepresentation: hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
        #expect(hexString(sk.publicKey.rawRepresentation) == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        let sig = try sk.signature(for: [])
        #expect(hexString(sig) == "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
        #expect(sk.publicKey.isValidSignature(sig, for: []))
        #expect(!sk.publicKey.isValidSignature(sig, for: [0]))
    }

    @Test func wrongSizesAreRejected() {
        #expect(throws: CryptoError.invalidParameter("key must be 16 bytes")) { try AEADCipher(.aes128GCM, key: [1, 2]) }
        #expect(throws: CryptoError.invalidParameter("ChaCha20-Poly1305 nonce must be 12 bytes")) {
            try ChaChaPoly.seal([], key: [UInt8](repeating: 0, count: 32), nonce: [0])
        }
        #expect(throws: CryptoError.invalidParameter("X25519 public key must be 32 bytes")) {
            try Curve25519.KeyAgreement.PublicKey(rawRepresentation: [])
        }
        #expect(throws: CryptoError.authenticationFailure) { try AESCBC.decrypt([1, 2, 3], key: [UInt8](repeating: 0, count: 16), iv: [UInt8](repeating: 0, count: 16)) }
    }

    @Test func streamingCBCMatchesOneShot() throws {
        let key = SecureRandom.bytes(16), iv = SecureRandom.bytes(16)
        let msg = SecureRandom.bytes(100_003)
        let c = try AESCBC(key: key, iv: iv, encrypt: true)
        var out = [UInt8]()
        var i = 0
        while i < msg.count {
            let j = min(i + 777, msg.count)
            out += try c.update(Array(msg[i..<j]))
            i = j
        }
        out += try c.finalize()
        #expect(out == (try AESCBC.encrypt(msg, key: key, iv: iv)))
        #expect(try AESCBC.decrypt(out, key: key, iv: iv) == msg)
    }
}
