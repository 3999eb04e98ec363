import Testing
@testable import SecureChatCrypto

/// `serve --tls-self-signed`'s certificate: PEM out, the names it is given and nothing else.
@Suite struct SelfSignedCertificateTests {
    @Test func aCertificateAndItsKeyForTheGivenNames() throws {
        let c = try SelfSignedCertificate.make(names: ["127.0.0.1", "localhost", "::1", "192.168.1.20"])
        #expect(c.certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----\n") && c.certificatePEM.hasSuffix("-----END CERTIFICATE-----\n"))
        #expect(c.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(c.sha256.count == 32 && c.fingerprint.count == 95)
        #expect(c.fingerprint.split(separator: ":").allSatisfy { $0.count == 2 && $0.uppercased() == $0 })
        // A new key every time.
        #expect(try SelfSignedCertificate.make(names: ["localhost"]).sha256 != c.sha256)
    }

    @Test(arguments: ["", "a,DNS:evil.example", "IP:1.2.3.4", "1.2.3", "256.1.1.1", "1.2.3.4.5", "-x.example", ".x", "a b", "x/y",
                      "fe80::1%eth0"])
    func namesThatAreNotAddressesOrHostNamesAreRefused(name: String) {
        #expect(throws: CryptoError.self) { _ = try SelfSignedCertificate.make(names: [name]) }
    }

    @Test func noNamesOrAnAbsurdLifetimeAreRefused() {
        #expect(throws: CryptoError.self) { _ = try SelfSignedCertificate.make(names: []) }
        #expect(throws: CryptoError.self) { _ = try SelfSignedCertificate.make(names: ["localhost"], days: 0) }
    }
}
