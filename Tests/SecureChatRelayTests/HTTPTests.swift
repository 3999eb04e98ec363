import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SecureChatCore
import SecureChatCrypto
@testable import SecureChatRelay
import SecureChatWire
import Testing
import TestSupport

/// The relay's HTTP side: health, the join page, and the members-only log export.
@Suite struct HTTPTests {
    @Test func healthAndJoinPage() async throws {
        try await TestRelay.with { live in
            let health = try await live.http.execute(uri: "/health", method: .get)
            #expect(health.status == .ok && String(buffer: health.body) == #"{"protocol":1,"status":"ok"}"#)
            let page = try await live.http.execute(uri: "/join/k3Jd9xQm2LwP8aZt5RvYbc", method: .get)
            #expect(page.status == .ok && page.headers[.contentType] == "text/html; charset=utf-8")
            let html = String(buffer: page.body)
            #expect(html.contains("<code>k3Jd9xQm2LwP8aZt5RvYbc</code>") && html.contains("securechat connect"))
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            let bad = try await live.http.execute(uri: "/join/%3Cscript%3E", method: .get)
            #expect(bad.status == .notFound)
        }
    }

    func signedHeaders(_ peer: TestPeer, room: String, after: Int64, time: Int64 = Int64(Relay.now)) -> HTTPFields {
        let sig = try! peer.identity.signingKey.signature(for: SignedPayload.logExport(roomID: room, after: after, time: time))
        var h = HTTPFields()
        h[HTTPField.Name("X-Securechat-Key")!] = peer.key.base64URL
        h[HTTPField.Name("X-Securechat-Time")!] = String(time)
        h[HTTPField.Name("X-Securechat-Signature")!] = Base64URL.encode(sig)
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
}
