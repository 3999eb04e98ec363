import Foundation
import HummingbirdTesting
import NIOSSL
@testable import SecureChatRelay
import SecureChatWire
import Testing
import TestSupport

/// https and wss with a certificate, as phones need (WebCrypto wants a secure context).
@Suite struct TLSTests {
    /// A fresh self-signed certificate for 127.0.0.1 and localhost, made with the openssl tool.
    static func makeCertificate(in dir: URL) throws -> (cert: String, key: String) {
        let cert = dir.appendingPathComponent("cert.pem").path, key = dir.appendingPathComponent("key.pem").path
        let r = try CLI.shell("""
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
              -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout '\(key)' -out '\(cert)' 2>&1
            """)
        guard r.status == 0 else { throw PeerError(description: "openssl failed: \(r.out)") }
        return (cert, key)
    }

    @Test func aConversationOverWSS() async throws {
        let dir = try TestRelay.makeDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (cert, key) = try Self.makeCertificate(in: dir)
        var client = TLSConfiguration.makeClientConfiguration()
        client.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(cert))
        let tls = client
        try await TestRelay.with(setup: .ahc(.https), { $0.tlsCertificatePath = cert; $0.tlsKeyPath = key }) { live in
            let health = try await live.http.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
            let room = TestRoom.make()
            let ada = try await live.connect("Ada", tls: tls), bob = try await live.connect("Bob", tls: tls)
            try await ada.create(room, secrets: live.secrets)
            try await ada.join(room)
            try await bob.join(room)
            ada.say("over TLS", in: room, secrets: live.secrets)
            #expect(try await bob.hear(in: room).text == "over TLS")
            // Plain ws is not served on a TLS port.
            await #expect(throws: (any Error).self) {
                _ = try await TestPeer.connect(port: live.port, name: "Plain", helloTimeout: .seconds(2))
            }
        }
    }

    @Test func serveSpeaksHTTPSWithCertificateFlags() throws {
        let dir = try CLI.sandbox()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (cert, key) = try Self.makeCertificate(in: dir)
        let r = try CLI.shell("""
            "$SC" serve --port 0 --db relay.sqlite --tls-cert '\(cert)' --tls-key '\(key)' > out 2> err &
            pid=$!
            for i in $(seq 100); do grep -q https out 2>/dev/null && break; sleep 0.1; done
            cat out
            kill -TERM $pid; wait $pid; echo "status $?"
            """, cwd: dir)
        #expect(r.out.hasPrefix("securechat relay listening on https://127.0.0.1:"), "\(r.out) \(r.stderr)")
        #expect(r.out.contains("next: securechat room create --server https://127.0.0.1:"))
        #expect(r.out.hasSuffix("status 0\n"))
        let bad = try CLI.run(["serve", "--port", "0", "--db", dir.appendingPathComponent("b.sqlite").path,
                               "--tls-cert", key, "--tls-key", cert])
        #expect(bad.status == 1 && bad.stderr.contains("cannot load the TLS certificate or key"), "\(bad.stderr)")
    }
}
