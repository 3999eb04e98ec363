import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOConcurrencyHelpers
import NIOSSL
import SecureChatCore
import SecureChatCrypto
@testable import SecureChatRelay
import SecureChatWire
import Testing

/// Log lines of one relay, kept in memory so that tests can search them.
final class LogCapture: Sendable {
    private let lines = NIOLockedValueBox<[String]>([])
    var all: [String] { lines.withLockedValue { $0 } }
    func append(_ line: String) { lines.withLockedValue { $0.append(line) } }
    var text: String { all.joined(separator: "\n") }
}

struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    let label: String
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let meta = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let error = event.error.map { " error=\($0)" } ?? ""
        capture.append("\(event.level) \(label): \(meta)\(error) [\(event.source)] \(event.message)")
    }
}

/// Plaintexts and keys a test has used: none of them may ever appear in the relay's database
/// file or logs.
final class Secrets: Sendable {
    private let values = NIOLockedValueBox<[(what: String, bytes: [UInt8])]>([])

    func add(_ what: String, _ bytes: [UInt8]) { values.withLockedValue { $0.append((what, bytes)) } }
    func add(_ what: String, text: String) { add(what, Array(text.utf8)) }

    /// A room key in every form it could leak in: raw, hex, base64url padded and unpadded.
    func addKey(_ what: String, _ raw: [UInt8]) {
        add(what + " (raw)", raw)
        add(what + " (hex)", Array(Bytes.hex(raw).utf8))
        add(what + " (base64url)", Array(Base64URL.encode(raw).utf8))
        add(what + " (base64)", Array(Data(raw).base64EncodedString().utf8))
    }

    var all: [(what: String, bytes: [UInt8])] { values.withLockedValue { $0 } }
}

/// A relay on a free port with a private database and captured logs, for one test.
struct LiveRelay: Sendable {
    let relay: Relay
    let port: Int
    let logs: LogCapture
    let secrets: Secrets
    let databasePath: String
    /// Hummingbird's HTTP test client, connected to this relay.
    let http: any TestClientProtocol

    func connect(_ name: String, identity: Identity = .generate(), authenticate: Bool = true, tls: TLSConfiguration? = nil) async throws -> TestPeer {
        try await TestPeer.connect(port: port, name: name, identity: identity, authenticate: authenticate, tls: tls)
    }
}

enum TestRelay {
    static func configuration(directory: URL, logs: LogCapture, _ adjust: (inout RelayConfiguration) -> Void = { _ in }) -> RelayConfiguration {
        var config = RelayConfiguration(databasePath: directory.appendingPathComponent("relay.sqlite").path,
                                        logger: Logger(label: "relay") { CapturingLogHandler(capture: logs, label: $0) })
        config.host = "127.0.0.1"
        config.port = 0
        config.sweepInterval = 0.2
        adjust(&config)
        return config
    }

    /// Runs `body` against a live relay; afterwards stops it, closes its database, and checks
    /// that no secret the test registered appears in the database files or the logs.
    static func with(directory: URL? = nil, setup: TestingSetup = .live, _ adjust: (inout RelayConfiguration) -> Void = { _ in },
                     _ body: @Sendable (LiveRelay) async throws -> Void) async throws {
        let dir = try directory ?? makeDirectory()
        let logs = LogCapture()
        let secrets = Secrets()
        let config = configuration(directory: dir, logs: logs, adjust)
        let relay = try await Relay(configuration: config)
        let app = try buildRelay(relay)
        try await app.test(setup) { client in
            let live = LiveRelay(relay: relay, port: client.port!, logs: logs, secrets: secrets, databasePath: config.databasePath!,
                                 http: client)
            try await body(live)
        }
        try await relay.close()
        try scan(databasePath: config.databasePath!, logs: logs, secrets: secrets)
        if directory == nil { try? FileManager.default.removeItem(at: dir) }
    }

    static func makeDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("securechat-relay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Fails the test if any secret occurs in the database file, its WAL, or the logs.
    static func scan(databasePath: String, logs: LogCapture, secrets: Secrets, sourceLocation: SourceLocation = #_sourceLocation) throws {
        var haystacks: [(String, [UInt8])] = [("logs", Array(logs.text.utf8))]
        for suffix in ["", "-wal", "-shm", "-journal"] where FileManager.default.fileExists(atPath: databasePath + suffix) {
            haystacks.append(("database\(suffix)", Array(try Data(contentsOf: URL(fileURLWithPath: databasePath + suffix)))))
        }
        for secret in secrets.all where secret.bytes.count >= 8 {
            for (name, hay) in haystacks where contains(hay, secret.bytes) {
                Issue.record("\(secret.what) appears in the \(name)", sourceLocation: sourceLocation)
            }
        }
    }

    static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= hay.count, let first = needle.first else { return false }
        var i = 0
        let last = hay.count - needle.count
        while i <= last {
            if hay[i] == first, hay[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
