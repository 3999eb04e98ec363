import Logging
import SecureChatWire

/// Every limit of the relay, each a flag of `securechat serve` (docs/protocol.md, "Limits").
public struct RelayLimits: Sendable, Equatable {
    public var frameBytes = 64 * 1024
    public var membersPerRoom = 50
    public var messagesPerSecond = 20.0
    public var burst = 40
    public var roomsPerAddress = 20
    public var connectionsPerAddress = 64
    public var knocksPerMinute = 10
    /// Wrong join codes allowed per address within `wrongCodeWindow` seconds.
    public var wrongCodes = 5
    public var wrongCodeWindow: Double = 300
    public var defaultTTLSeconds: UInt64 = 24 * 3600
    public var maxTTLSeconds: UInt64 = 30 * 24 * 3600
    /// Frames queued to one connection before it counts as a slow reader and is closed.
    public var outbox = 4096
    /// Bytes the socket layer may hold for one connection whose socket is not draining before
    /// it counts as a slow reader.
    public var outboxBytes = 8 << 20
    /// Seconds a slow reader is given to read what was buffered for it, the `slow_reader` error
    /// and the close frame, before its socket is closed regardless.
    public var slowReaderGrace = 10.0
    /// Messages one room's history may hold (rotations not counted).
    public var historyMessages = 100_000
    /// Ciphertext bytes one room's history may hold.
    public var historyBytes = 256 << 20

    /// Log exports per minute, per address and per signing key.
    public var exportsPerMinute = 30
    /// Ciphertext bytes in one log export response (at least one message is always included).
    public var exportBytes = 4 << 20

    var historyQuota: HistoryQuota { HistoryQuota(messages: Int64(historyMessages), bytes: Int64(historyBytes)) }

    public init() {}

    /// The largest values `securechat serve` accepts for its flags: far above any sane setting,
    /// and small enough that no sum or product of them with a clock reading, a count or a size
    /// comes near the limits of `Int64`.
    public enum Bounds {
        /// `--history-bytes`, bytes (1 TiB).
        public static let historyBytes = 1...(1 << 40)
        /// `--max-frame`, bytes.
        public static let frameBytes = 1024...(16 << 20)
        /// Counts (`--max-members`, `--burst`, the per-address limits, `--history-messages`).
        public static let count = 1...1_000_000_000
        /// `--rate`, frames per second.
        public static let rate = 1_000_000.0
        /// `--max-ttl` and `--default-ttl`, seconds (ten years).
        public static let ttlSeconds: UInt64 = 10 * 365 * 86400
        /// `--knock-timeout` and `--code-interval`, seconds (one week).
        public static let timerSeconds: UInt64 = 7 * 86400
    }

    var wire: ServerFrame.Limits {
        .init(frameBytes: frameBytes, membersPerRoom: membersPerRoom, messagesPerSecond: messagesPerSecond, burst: burst,
              roomsPerAddress: roomsPerAddress, connectionsPerAddress: connectionsPerAddress, knocksPerMinute: knocksPerMinute,
              wrongCodes: wrongCodes, defaultTTLSeconds: defaultTTLSeconds, maxTTLSeconds: maxTTLSeconds,
              knockTimeoutSeconds: 0, codeIntervalSeconds: 0, historyMessages: historyMessages, historyBytes: historyBytes)
    }
}

/// How to run a relay: where to listen, where to keep state, limits and timers.
public struct RelayConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port; the running relay reports the one it got.
    public var port = 5000
    /// Where state is kept: an SQLite file (created on first run) or a PostgreSQL database.
    public var database: RelayDatabase
    /// PEM files; both or neither. With them the relay speaks https and wss.
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    /// The origins (`RelayOrigin`, e.g. `wss://relay.example.org:443`) clients reach this relay
    /// under, from `serve --public-url`. When set, a sign-in must name one of them whatever the
    /// Host header says; when empty, it must name the origin of the connection's Host header.
    public var publicOrigins: [String] = []
    public var limits = RelayLimits()
    /// Proxies (`serve --trusted-proxy`) whose forwarding header names the client a request
    /// counts against in the per-address limits; empty: every socket is its own client.
    public var trustedProxies: [IPNetwork] = []
    /// The header those proxies name the client in (`serve --forwarded-header`).
    public var forwardedHeader = ForwardedHeader.xForwardedFor
    /// Clients (after `trustedProxies` are applied) that may read `GET /metrics`
    /// (`serve --metrics-allow`); everyone else gets 404. This machine only, by default.
    public var metricsAllowed: [IPNetwork] = [IPNetwork("127.0.0.0/8")!, IPNetwork("::1")!]
    /// A knock not answered within this many seconds ends with `knock_timeout`.
    public var knockTimeout: Double = 600
    /// Join codes change this often (seconds).
    public var codeInterval: Double = 300
    /// Seconds without `auth` before a connection is closed.
    public var authTimeout: Double = 30
    /// How often expired rooms and knocks are swept (seconds).
    public var sweepInterval: Double = 5
    /// How often every connection gets a WebSocket ping (seconds): keeps NAT mappings open and
    /// lets TCP notice peers that vanished.
    public var pingInterval: Double = 30
    /// Where structured logs go; defaults to standard error at `.info`.
    public var logger: Logger

    public init(database: RelayDatabase, logger: Logger? = nil) {
        self.database = database
        self.logger = logger ?? Self.logger(level: "info")!
    }

    /// An SQLite file.
    public init(databasePath: String, logger: Logger? = nil) {
        self.init(database: .sqlite(path: databasePath), logger: logger)
    }

    /// The SQLite file, if state is kept in one.
    public var databasePath: String? {
        if case .sqlite(let path) = database { path } else { nil }
    }

    /// Log levels `logger(level:)` accepts, least to most severe.
    public static let logLevels = Logger.Level.allCases.map(\.rawValue)

    /// How log lines are written (`serve --log-format`).
    public enum LogFormat: String, Sendable, CaseIterable {
        /// swift-log's text lines: `2026-01-02T03:04:05+0000 info securechat.relay: conn=7 authenticated`.
        case text
        /// One JSON object per line (`JSONLogHandler`).
        case json
    }

    /// Structured logs on standard error at `level`; nil for an unknown level.
    public static func logger(level: String, format: LogFormat = .text) -> Logger? {
        guard let level = Logger.Level(rawValue: level) else { return nil }
        var logger = switch format {
        case .text: Logger(label: "securechat.relay", factory: { StreamLogHandler.standardError(label: $0) })
        case .json: Logger(label: "securechat.relay", factory: { JSONLogHandler(label: $0) })
        }
        logger.logLevel = level
        return logger
    }

    var wireLimits: ServerFrame.Limits {
        var l = limits.wire
        l.knockTimeoutSeconds = Int(CheckedNumbers.seconds(knockTimeout))
        l.codeIntervalSeconds = Int(CheckedNumbers.seconds(codeInterval))
        return l
    }
}
