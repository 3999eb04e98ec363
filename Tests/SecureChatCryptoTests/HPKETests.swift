import Testing
import TestSupport
@testable import SecureChatCrypto

@Suite struct HPKETests {
    @Test func rfc9180Vectors() throws {
        let all = try Vectors.json("hpke/rfc9180_a1_1_x25519_sha256_aes128gcm.json") as! [[String: Any]]
        var encryptions = 0
        for v in all {
            func b(_ k: String) -> [UInt8] { hex(v[k] as! String) }
            let skE = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: b("skEm"))
            let skR = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: b("skRm"))
            #expect(skE.publicKey.rawRepresentation == b("pkEm"))
            #expect(skR.publicKey.rawRepresentation == b("pkRm"))
            var sender = try HPKE.Sender(recipient: skR.publicKey, info: b("info"), ephemeralKey: skE)
            var recipient = try HPKE.Recipient(privateKey: skR, encapsulatedKey: b("enc"), info: b("info"))
            #expect(sender.encapsulatedKey == b("enc"))
            #expect(sender.sharedSecret == b("shared_secret"))
            #expect(recipient.sharedSecret == b("shared_secret"))
            #expect(sender.context.key == b("key"))
            #expect(sender.context.baseNonce == b("base_nonce"))
            #expect(sender.context.exporterSecret == b("exporter_secret"))
            for e in v["encryptions"] as! [[String: Any]] {
                func eb(_ k: String) -> [UInt8] { hex(e[k] as! String) }
                #expect(try sender.seal(eb("pt"), aad: eb("aad")) == eb("ct"))
                #expect(try recipient.open(eb("ct"), aad: eb("aad")) == eb("pt"))
                encryptions += 1
            }
        }
        print("hpke: \(all.count) vector sets, \(encryptions) encryptions checked")
        #expect(encryptions >= 3)
    }

    @Test func roundTripAndTampering() throws {
        let r = Curve25519.KeyAgreement.PrivateKey()
        let info = Array("securechat room key v1 room-123".utf8)
        let (enc, ct) = try HPKE.seal(Array("room key".utf8), to: r.publicKey, info: info)
        #expect(try HPKE.open(ct, encapsulatedKey: enc, privateKey: r, info: info) == Array("room key".utf8))
        // Bound to the info string: another room id does not open it.
        #expect(throws: CryptoError.authenticationFailure) {
            try HPKE.open(ct, encapsulatedKey: enc, privateKey: r, info: Array("securechat room key v1 room-124".utf8))
        }
        var bad = ct
        bad[0] ^= 1
        #expect(throws: CryptoError.authenticationFailure) { try HPKE.open(bad, encapsulatedKey: enc, privateKey: r, info: info) }
        #expect(throws: CryptoError.authenticationFailure) {
            try HPKE.open(ct, encapsulatedKey: enc, privateKey: Curve25519.KeyAgreement.PrivateKey(), info: info)
        }
    }
}
