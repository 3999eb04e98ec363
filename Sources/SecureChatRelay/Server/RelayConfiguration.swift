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

    public init() {}

    var wire: ServerFrame.Limits {
        .init(frameBytes: frameBytes, membersPerRoom: membersPerRoom, messagesPerSecond: messagesPerSecond, burst: burst,
              roomsPerAddress: roomsPerAddress, connectionsPerAddress: connectionsPerAddress, knocksPerMinute: knocksPerMinute,
              wrongCodes: wrongCodes, defaultTTLSeconds: defaultTTLSeconds, maxTTLSeconds: maxTTLSeconds,
              knockTimeoutSeconds: 0, codeIntervalSeconds: 0)
    }
}

/// How to run a relay: where to listen, where to keep state, limits and timers.
public struct RelayConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port; the running relay reports the one it got.
    public var port = 5000
    /// The SQLite database file (created on first run).
    public var databasePath: String
    /// PEM files; both or neither. With them the relay speaks https and wss.
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    public var limits = RelayLimits()
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

    public init(databasePath: String, logger: Logger? = nil) {
        self.databasePath = databasePath
        self.logger = logger ?? Self.logger(level: "info")!
    }

    /// Log levels `logger(level:)` accepts, least to most severe.
    public static let logLevels = Logger.Level.allCases.map(\.rawValue)

    /// Structured logs on standard error at `level`; nil for an unknown level.
    public static func logger(level: String) -> Logger? {
        guard let level = Logger.Level(rawValue: level) else { return nil }
        var logger = Logger(label: "securechat.relay", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = level
        return logger
    }

    var wireLimits: ServerFrame.Limits {
        var l = limits.wire
        l.knockTimeoutSeconds = Int(knockTimeout)
        l.codeIntervalSeconds = Int(codeInterval)
        return l
    }
}
