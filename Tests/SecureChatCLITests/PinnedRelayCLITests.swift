import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

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

        for bad in ["AB:CD", String(repeating: "+F", count: 32), String(repeating: "g0", count: 32)] {
            let malformed = try sandbox.run(["connect", invite, "--send", "x", "--tls-fingerprint", bad])
            #expect(malformed.status == 64 && malformed.stderr.contains("--tls-fingerprint takes a SHA-256 fingerprint"), "\(bad): \(malformed.stderr)")
        }
        #expect(server.terminate() == 0)
    }

    /// A pin means TLS: given for a plain http relay it is an error, not silently dropped.
    @Test func aPinForPlainHTTPIsRefused() throws {
        let sandbox = try RoomSandbox(now: String(Int(Date().timeIntervalSince1970)))
        let server = try ServeCLITests.Server(["--port", "0", "--db", sandbox.path("relay.sqlite")])
        let port = try server.port()
        #expect(try sandbox.run(["keygen"]).status == 0)
        let r = try sandbox.run(["room", "create", "--server", "http://127.0.0.1:\(port)", "--tls-fingerprint", String(repeating: "ab", count: 32)])
        #expect(r.status == 5 && r.stderr.contains("--tls-fingerprint is for https relays"), "\(r.stderr)")
        #expect(server.terminate() == 0)
    }

    /// A server that accepts the connection and never speaks TLS cannot hold the pin check.
    @Test func aSilentServerIsGivenUp() throws {
        let sandbox = try RoomSandbox(now: String(Int(Date().timeIntervalSince1970)))
        #expect(try sandbox.run(["keygen"]).status == 0)
        // Listening, so connections complete (the kernel accepts them into the backlog), and
        // never reading or writing a byte.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        #expect(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let started = Date()
        let r = try sandbox.run(["room", "create", "--server", "https://127.0.0.1:\(port)", "--tls-fingerprint", String(repeating: "ab", count: 32)])
        #expect(r.status == 5 && r.stderr.contains("did not complete it within 10 seconds"), "\(r.stderr)")
        #expect(Date().timeIntervalSince(started) < 30)
    }
}
