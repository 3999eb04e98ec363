import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
@testable import SecureChatRelay
import SecureChatWire
import Testing

/// What an operator reads: `GET /metrics` and JSON log lines.
@Suite struct OperatingTests {
    /// The page counts what happened, and nothing on it names a room, key or address.
    @Test func metricsCountTrafficAndNameNobody() async throws {
        try await TestRelay.with { live in
            let room = TestRoom.make()
            let ada = try await live.connect("Ada"), bob = try await live.connect("Bob")
            try await ada.create(room)
            try await ada.join(room)
            try await bob.join(room)
            let sent = ada.say("counted", in: room, secrets: live.secrets)
            _ = try await ada.ack(sent.clientID)
            _ = try await bob.hear(in: room)
            bob.sendText(#"{"type":"send","room_id":"not a room!","client_id":"x","ciphertext":"y"}"#)
            #expect(try await bob.error().code == .malformedFrame)

            let response = try await live.http.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok && response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let page = String(buffer: response.body)
            func value(_ series: String) -> Double? {
                page.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last!) }
            }
            #expect(value("securechat_connections") == 2)
            #expect(value("securechat_connections_opened_total") == 2)
            #expect(value("securechat_live_rooms") == 1)
            #expect(value("securechat_messages_in_total") == 1)
            // The message reached Bob (and nobody else: Ada sent it).
            #expect(value("securechat_deliveries_out_total") == 1)
            #expect(value("securechat_group_commits_total") == 0)
            #expect(value(#"securechat_refusals_total{reason="malformed_frame"}"#) == 1)
            #expect(value("securechat_commit_seconds_count") == 1)
            #expect(page.contains("# TYPE securechat_commit_seconds histogram"))
            #expect(!page.contains(room.id) && !page.contains("127.0.0.1"))
        }
    }

    /// Only the allowed addresses read the page; everyone else sees an unknown path.
    @Test func metricsAreForAllowedAddressesOnly() async throws {
        try await TestRelay.with({ $0.metricsAllowed = [IPNetwork("10.0.0.0/8")!] }) { live in
            let response = try await live.http.execute(uri: "/metrics", method: .get)
            #expect(response.status == .notFound)
        }
        // Behind a trusted proxy, the client it names is the one checked, not the proxy.
        try await TestRelay.with({ $0.trustedProxies = [IPNetwork("127.0.0.1")!] }) { live in
            let outside = try await live.http.execute(uri: "/metrics", method: .get, headers: [HTTPField.Name("X-Forwarded-For")!: "192.0.2.1"])
            #expect(outside.status == .notFound)
            let local = try await live.http.execute(uri: "/metrics", method: .get)
            #expect(local.status == .ok)
        }
    }

    @Test func jsonLogLinesAreOneObjectEach() throws {
        let lines = LockedLines()
        var logger = Logger(label: "securechat.relay") { JSONLogHandler(label: $0, write: lines.append) }
        logger.logLevel = .debug
        logger[metadataKey: "conn"] = "7"
        logger.info("refused", metadata: ["error": "a \"quoted\"\nsecond line\u{1b}[2J", "message": "shadowed", "limit": "rate"])
        logger.debug("plain")
        let written = lines.all
        #expect(written.count == 2 && written.allSatisfy { $0.hasSuffix("}\n") && $0.dropLast().firstIndex(of: "\n") == nil })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(written[0].utf8)) as? [String: String])
        #expect(object["level"] == "info" && object["label"] == "securechat.relay" && object["message"] == "refused")
        #expect(object["error"] == "a \"quoted\"\nsecond line\u{1b}[2J" && object["meta_message"] == "shadowed" && object["conn"] == "7")
        #expect(object["time"].map { $0.hasSuffix("Z") && $0.count == 24 } == true)
        #expect(written[0].hasPrefix(#"{"time":"#) && written[0].contains(#""conn":"7","error":"#))
        for (input, quoted) in [("", #""""#), ("é\u{2028}", #""é\u2028""#), ("\u{7f}\u{85}\t", #""\u007f\u0085\t""#), ("\\", #""\\""#)] {
            #expect(JSONLogHandler.quoted(input) == quoted, "\(input)")
        }
    }
}

/// Log lines collected from any thread.
final class LockedLines: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    @Sendable func append(_ line: String) { lines.withLock { $0.append(line) } }
}
