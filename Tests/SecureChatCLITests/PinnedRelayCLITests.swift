import Foundation
import Testing
import TestSupport

/// A relay started with `serve --tls-self-signed` on an address no authority certifies: the CLI
/// registers rooms and chats there only with the fingerprint it printed, and only with the
/// right one.
@Suite struct PinnedRelayCLITests {
    @Test func roomsAndChatsOnASelfSignedRelayNeedItsFingerprint() throws {
        let sandbox = try RoomSandbox(now: String(Int(Date().timeIntervalSince1970)))
        // --json gives scripts the fingerprint to pin as well as the address.
        let server = try ServeCLITests.Server(["--port", "0", "--tls-self-signed", "--json", "--db", sandbox.path("relay.sqlite")])
        let port = try server.port()
        let served = try #require(try JSONSerialization.jsonObject(with: Data(server.stdout.utf8)) as? [String: Any])
        let fingerprint = try #require(served["tls_fingerprint"] as? String)
        #expect(fingerprint.count == 95)
        let url = "https://127.0.0.1:\(port)"
        #expect(served["url"] as? String == url)
        #expect(try sandbox.run(["keygen"]).status == 0)

        // No fingerprint: an IP address over https cannot be vouched for by any authority.
        let unpinned = try sandbox.run(["room", "create", "--server", url])
        #expect(unpinned.status == 5, "\(unpinned.stderr)")
        #expect(unpinned.stderr.contains("is an IP address over https: give the certificate's SHA-256 fingerprint (--tls-fingerprint)"),
                "\(unpinned.stderr)")

        // Another certificate's fingerprint: refused before anything is sent.
        var other = Array(fingerprint.replacingOccurrences(of: ":", with: "").lowercased())
        other[0] = other[0] == "0" ? "1" : "0"
        let wrong = try sandbox.run(["room", "create", "--server", url, "--tls-fingerprint", String(other)])
        #expect(wrong.status == 5)
        #expect(wrong.stderr.contains("does not present the certificate with the SHA-256 fingerprint given"), "\(wrong.stderr)")

        let created = try sandbox.run(["room", "create", "--server", url, "--tls-fingerprint", fingerprint, "--json"])
        #expect(created.status == 0, "\(created.stderr)")
        let room = try #require(try JSONSerialization.jsonObject(with: Data(created.stdout)) as? [String: Any])
        let invite = try #require(room["invite"] as? String)
        #expect(invite.hasPrefix(url + "/join/"))

        let sent = try sandbox.run(["connect", invite, "--send", "over pinned TLS", "--tls-fingerprint", fingerprint, "--timeout", "20s"])
        #expect(sent.status == 0, "\(sent.stderr)")
        let read = try sandbox.run(["connect", invite, "--history", "--tls-fingerprint", fingerprint, "--timeout", "20s"])
        #expect(read.status == 0 && read.out.contains("over pinned TLS"), "\(read.stderr)")
        let unpinnedChat = try sandbox.run(["connect", invite, "--send", "x", "--timeout", "5s"])
        #expect(unpinnedChat.status == 5, "\(unpinnedChat.stderr)")

        let malformed = try sandbox.run(["connect", invite, "--send", "x", "--tls-fingerprint", "AB:CD"])
        #expect(malformed.status == 64 && malformed.stderr.contains("--tls-fingerprint takes a SHA-256 fingerprint"), "\(malformed.stderr)")
        #expect(server.terminate() == 0)
    }
}
