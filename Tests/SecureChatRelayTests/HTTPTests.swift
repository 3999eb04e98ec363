import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SecureChatCore
import SecureChatCrypto
@testable import SecureChatRelay
import SecureChatWeb
import SecureChatWire
import Testing
import TestSupport

/// The relay's HTTP side: health, the join page, and the members-only log export.
@Suite struct HTTPTests {
    @Test func healthAndJoinPage() async throws {
        try await TestRelay.with { live in
            let health = try await live.http.execute(uri: "/health", method: .get)
            #expect(health.status == .ok && String(buffer: health.body) == #"{"protocol":2,"status":"ok"}"#)
            let bad = try await live.http.execute(uri: "/join/%3Cscript%3E", method: .get)
            #expect(bad.status == .notFound)
        }
    }

    /// The browser client: the same page at `/` and `/join/ROOM_ID`, its embedded files under
    /// `/assets/`, each with the strict headers of docs/security.md.
    @Test func theBrowserClientIsServedWithStrictHeaders() async throws {
        try await TestRelay.with { live in
            for uri in ["/", "/join/k3Jd9xQm2LwP8aZt5RvYbc"] {
                let page = try await live.http.execute(uri: uri, method: .get)
                #expect(page.status == .ok && page.headers[.contentType] == "text/html; charset=utf-8")
                #expect(String(buffer: page.body) == String(decoding: WebAssets.files["index.html"]!.bytes, as: UTF8.self))
            }
            for (name, asset) in WebAssets.files where name != "index.html" {
                let response = try await live.http.execute(uri: "/assets/\(name)", method: .get)
                #expect(response.status == .ok && response.headers[.contentType] == asset.contentType, "\(name)")
                #expect(Array(buffer: response.body) == asset.bytes, "\(name)")
                let csp = response.headers[.contentSecurityPolicy] ?? ""
                for directive in ["default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"] {
                    #expect(csp.contains(directive), "\(name): \(csp)")
                }
                #expect(!csp.contains("unsafe"))
                #expect(response.headers[.cacheControl] == "no-store" && response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            }
            // Every file of web/client is embedded, as it is in the repository.
            let client = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("web/client")
            let onDisk = try FileManager.default.contentsOfDirectory(atPath: client.path)
            #expect(Set(onDisk) == Set(WebAssets.files.keys))
            for name in onDisk {
                #expect(try Array(Data(contentsOf: client.appendingPathComponent(name))) == WebAssets.files[name]?.bytes, "\(name)")
            }
            for missing in ["/assets/nothing.js", "/assets/index.html", "/assets/..%2FPackage.swift"] {
                #expect(try await live.http.execute(uri: missing, method: .get).status == .notFound, "\(missing)")
            }
        }
    }

    /// Pages of other sites may not open a socket in their visitors' names; programs may connect.
    @Test func webSocketsFromOtherSitesPagesAreRefused() async throws {
        try await TestRelay.with { live in
            let own = "http://127.0.0.1:\(live.port)"
            for origin in [nil, own, "ws://127.0.0.1", "wss://anything.example"] {
                #expect(throws: Never.self, "\(origin ?? "no Origin")") { _ = try RawWebSocket(port: live.port, origin: origin) }
            }
            for origin in ["http://evil.example", "https://127.0.0.1:\(live.port)", "http://127.0.0.1:\(live.port + 1)", "null",
                           "file://", "chrome-extension://abc", "http://127.0.0.1:\(live.port)/path"] {
                #expect(throws: RawWebSocket.Failure.self, "\(origin)") { _ = try RawWebSocket(port: live.port, origin: origin) }
            }
        }
    }

    func signedHeaders(_ peer: TestPeer, room: String, after: Int64, time: Int64 = Int64(Relay.now),
                       nonce: String = Base64URL.encode(SecureRandom.bytes(16))) -> HTTPFields {
        let sig = try! peer.identity.signingKey.signature(for: SignedPayload.logExport(roomID: room, after: after, time: time, nonce: nonce))
        let request = LogExportRequest(after: after, key: peer.signingKey, time: time, nonce: nonce,
                                       signature: sig)
        var h = HTTPFields()
        for (name, value) in request.headers { h[HTTPField.Name(name)!] = value }
        return h
    }

    @Test func membersExportTheCiphertextLogAndDecryptItByHand() async throws {
        try await TestRelay.with { live in
            let room = TestRoom.make()
            let ada = try await live.connect("Ada"), eve = try await live.connect("Eve")
            try await ada.create(room, secrets: live.secrets)
            try await ada.join(room)
            for i in 1...4 { ada.say("line \(i)", in: room, clientID: "l\(i)", secrets: live.secrets) }
            for i in 1...4 { _ = try await ada.ack("l\(i)") }

            let all = try await live.http.execute(uri: "/api/rooms/\(room.id)/log?after=0", method: .get,
                                                  headers: signedHeaders(ada, room: room.id, after: 0))
            #expect(all.status == .ok)
            #expect(all.headers[HTTPField.Name("X-Securechat-Last-Seq")!] == "4")
            let body = String(buffer: all.body)
            #expect(body.split(separator: "\n").count == 4)
            // The export is exactly what `securechat decrypt` reads.
            let decrypted = try CLI.run(["decrypt"], stdin: Array(body.utf8), env: ["SECURECHAT_KEY": room.key.encoded])
            #expect(decrypted.status == 0, "\(decrypted.stderr)")
            #expect(decrypted.out == "line 1\nline 2\nline 3\nline 4\n")

            let tail = try await live.http.execute(uri: "/api/rooms/\(room.id)/log?after=2&format=jsonl", method: .get,
                                                   headers: signedHeaders(ada, room: room.id, after: 2))
            let lines = String(buffer: tail.body).split(separator: "\n").map { try! FrameCoding.decodeServerFrame(Array($0.utf8)) }
            let seqs: [Int64] = lines.compactMap { if case .message(let m) = $0 { m.seq } else { nil } }
            #expect(seqs == [3, 4])

            // Not a member, a forged or stale signature, a signature for another request.
            let stranger = try await live.http.execute(uri: "/api/rooms/\(room.id)/log", method: .get,
                                                       headers: signedHeaders(eve, room: room.id, after: 0))
            #expect(stranger.status == .forbidden)
            var forged = signedHeaders(eve, room: room.id, after: 0)
            forged[HTTPField.Name("X-Securechat-Key")!] = ada.key.base64URL
            #expect(try await live.http.execute(uri: "/api/rooms/\(room.id)/log", method: .get, headers: forged).status == .unauthorized)
            let stale = signedHeaders(ada, room: room.id, after: 0, time: Int64(Relay.now) - 3600)
            #expect(try await live.http.execute(uri: "/api/rooms/\(room.id)/log", method: .get, headers: stale).status == .unauthorized)
            let other = signedHeaders(ada, room: room.id, after: 0)
            #expect(try await live.http.execute(uri: "/api/rooms/\(room.id)/log?after=3", method: .get, headers: other).status == .unauthorized)
            #expect(try await live.http.execute(uri: "/api/rooms/\(room.id)/log", method: .get).status == .unauthorized)
            let missing = try await live.http.execute(uri: "/api/rooms/nope/log", method: .get, headers: signedHeaders(ada, room: "nope", after: 0))
            #expect(missing.status == .notFound)
        }
    }

    /// A signed export is served once: the same request again is refused, so a captured request
    /// cannot be replayed to make the relay do the work again (issue 17, finding 6).
    @Test func aReplayedExportIsRefused() async throws {
        try await TestRelay.with { live in
            let room = TestRoom.make()
            let ada = try await live.connect("Ada")
            try await ada.create(room)
            try await ada.join(room)
            ada.say("one", in: room, clientID: "one")
            _ = try await ada.ack("one")
            let headers = signedHeaders(ada, room: room.id, after: 0)
            let first = try await live.http.execute(uri: "/api/rooms/\(room.id)/log", method: .get, headers: headers)
            #expect(first.status == .ok)
            let again = try await live.http.execute(uri: "/api/rooms/\(room.id)/log", method: .get, headers: headers)
            #expect(again.status == .conflict && String(buffer: again.body).contains("already served"))
            // Without a nonce, or with a short one, nothing is served.
            var none = signedHeaders(ada, room: room.id, after: 0)
            none[HTTPField.Name("X-Securechat-Nonce")!] = nil
            #expect(try await live.http.execute(uri: "/api/rooms/\(room.id)/log", method: .get, headers: none).status == .unauthorized)
            let short = signedHeaders(ada, room: room.id, after: 0, nonce: Base64URL.encode(SecureRandom.bytes(8)))
            #expect(try await live.http.execute(uri: "/api/rooms/\(room.id)/log", method: .get, headers: short).status == .unauthorized)
        }
    }

    /// Each response holds at most the byte cap of ciphertext, ends at a line, and names the
    /// last `seq` it holds; asking again from there gets the rest.
    @Test func anExportOverTheByteCapContinuesWhereItStopped() async throws {
        try await TestRelay.with({ $0.limits.exportBytes = 250 }) { live in
            let room = TestRoom.make()
            let ada = try await live.connect("Ada")
            try await ada.create(room)
            try await ada.join(room)
            var tokens = [String]()
            for i in 1...5 {
                tokens.append(ada.say("line \(i)", in: room, clientID: "l\(i)").ciphertext)
                _ = try await ada.ack("l\(i)")
            }
            #expect(tokens.allSatisfy { $0.utf8.count == tokens[0].utf8.count && $0.utf8.count * 2 <= 250 && $0.utf8.count * 3 > 250 })
            var after: Int64 = 0
            var pages = [[String]]()
            while true {
                let r = try await live.http.execute(uri: "/api/rooms/\(room.id)/log?after=\(after)", method: .get,
                                                    headers: signedHeaders(ada, room: room.id, after: after))
                #expect(r.status == .ok)
                let lines = String(buffer: r.body).split(separator: "\n", omittingEmptySubsequences: false)
                #expect(lines.last == "", "the body ends at a line boundary")
                let last = Int64(r.headers[HTTPField.Name("X-Securechat-Last-Seq")!] ?? "") ?? -1
                if last == after { #expect(lines == [""]); break }
                pages.append(lines.dropLast().map(String.init))
                after = last
            }
            #expect(pages.map(\.count) == [2, 2, 1])
            #expect(pages.flatMap { $0 } == tokens)
        }
    }

    /// Exports are limited per address and per key (`429`).
    @Test func exportsAreRateLimited() async throws {
        try await TestRelay.with({ $0.limits.exportsPerMinute = 2 }) { live in
            let room = TestRoom.make()
            let ada = try await live.connect("Ada")
            try await ada.create(room)
            for _ in 1...2 {
                let r = try await live.http.execute(uri: "/api/rooms/\(room.id)/log", method: .get,
                                                    headers: signedHeaders(ada, room: room.id, after: 0))
                #expect(r.status == .ok)
            }
            let third = try await live.http.execute(uri: "/api/rooms/\(room.id)/log", method: .get,
                                                    headers: signedHeaders(ada, room: room.id, after: 0))
            #expect(third.status == .tooManyRequests && third.headers[.retryAfter] == "60")
        }
    }
}
