import Testing
import TestSupport
@testable import SecureChatCrypto

/// Every case of the Wycheproof files: valid must pass, invalid must fail, acceptable is noted.
@Suite struct WycheproofTests {
    func finish(_ name: String, _ tally: Tally, minimum: Int) {
        print("wycheproof \(name): \(tally)")
        #expect(tally.failures.isEmpty, "\(tally.failures)")
        #expect(tally.total >= minimum)
    }

    func runAEAD(_ file: String, maxNonce: Int, _ alg: (Int) -> AEADAlgorithm?) throws {
        var tally = Tally()
        for c in try wycheproof(file) {
            let key = c.bytes("key"), iv = c.bytes("iv"), aad = c.bytes("aad")
            let msg = c.bytes("msg"), ct = c.bytes("ct"), tag = c.bytes("tag")
            guard let a = alg(key.count) else {
                tally.skip("\(key.count * 8)-bit keys are not offered")
                continue
            }
            if iv.count > maxNonce, c.result == "valid" {
                tally.skip("IVs over \(maxNonce) bytes are not offered")
                continue
            }
            let cipher = try AEADCipher(a, key: key)
            let opened = try? cipher.open(ct + tag, nonce: iv, aad: aad)
            var ok = opened == msg
            if ok, c.result == "valid" {
                // Sealing must reproduce the vector exactly.
                ok = (try? cipher.seal(msg, nonce: iv, aad: aad)) == ct + tag
            }
            tally.record(c, succeeded: ok)
        }
        finish(file, tally, minimum: 300)
    }

    @Test func aesGCM() throws {
        try runAEAD("aes_gcm_test", maxNonce: 128) { $0 == 16 ? .aes128GCM : $0 == 32 ? .aes256GCM : nil }
    }

    @Test func chaCha20Poly1305() throws {
        try runAEAD("chacha20_poly1305_test", maxNonce: 12) { $0 == 32 ? .chaCha20Poly1305 : nil }
    }

    @Test func aesCBC() throws {
        var tally = Tally()
        for c in try wycheproof("aes_cbc_pkcs5_test") {
            let key = c.bytes("key"), iv = c.bytes("iv"), msg = c.bytes("msg"), ct = c.bytes("ct")
            var ok = (try? AESCBC.decrypt(ct, key: key, iv: iv)) == msg
            if ok, c.result == "valid" { ok = (try? AESCBC.encrypt(msg, key: key, iv: iv)) == ct }
            tally.record(c, succeeded: ok)
        }
        finish("aes_cbc_pkcs5_test", tally, minimum: 200)
    }

    @Test func hmacSHA256() throws {
        var tally = Tally()
        for c in try wycheproof("hmac_sha256_test") {
            let ok = HMACSHA256.isValid(c.bytes("tag"), for: c.bytes("msg"), key: c.bytes("key"))
            tally.record(c, succeeded: ok)
        }
        finish("hmac_sha256_test", tally, minimum: 170)
    }

    @Test func hkdfSHA256() throws {
        var tally = Tally()
        for c in try wycheproof("hkdf_sha256_test") {
            let size = c.test["size"] as! Int
            let okm = try? HKDF.deriveKey(ikm: c.bytes("ikm"), salt: c.bytes("salt"), info: c.bytes("info"), length: size)
            tally.record(c, succeeded: okm == c.bytes("okm"))
        }
        finish("hkdf_sha256_test", tally, minimum: 80)
    }

    @Test func x25519() throws {
        var tally = Tally()
        var zeroRefused = 0
        for c in try wycheproof("x25519_test") {
            let shared = c.bytes("shared")
            var result: [UInt8]?
            do {
                let priv = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: c.bytes("private"))
                let pub = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: c.bytes("public"))
                result = try priv.sharedSecretFromKeyAgreement(with: pub)
            } catch CryptoError.weakSharedSecret {
                zeroRefused += 1
            } catch {}
            // Acceptable cases: either the right answer, or refusing an all-zero shared secret.
            tally.record(c, succeeded: result == shared) { ok in ok || shared.allSatisfy { $0 == 0 } }
        }
        print("wycheproof x25519: \(zeroRefused) all-zero shared secrets refused (acceptable by RFC 7748 6.1)")
        finish("x25519_test", tally, minimum: 500)
    }

    @Test func ed25519() throws {
        var tally = Tally()
        for c in try wycheproof("ed25519_test") {
            let pk = (c.group["publicKey"] as! [String: Any])["pk"] as! String
            let ok = (try? Curve25519.Signing.PublicKey(rawRepresentation: hex(pk)))?
                .isValidSignature(c.bytes("sig"), for: c.bytes("msg")) ?? false
            tally.record(c, succeeded: ok)
        }
        finish("ed25519_test", tally, minimum: 145)
    }
}
