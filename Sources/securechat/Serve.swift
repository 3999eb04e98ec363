import ArgumentParser
import Foundation
import SecureChatClient
import SecureChatCore
import SecureChatCrypto
import SecureChatQR
import SecureChatRelay
import SecureChatWire

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run a relay that stores and forwards ciphertext for end-to-end encrypted rooms.",
        discussion: """
            The relay never sees a room key or a plaintext: clients encrypt before sending, and \
            open rooms are joined by proving knowledge of the key without revealing it. State \
            (rooms, members, encrypted history) is kept in an SQLite database that is created on \
            first run, or in a PostgreSQL database named by a postgres:// URL, whose password \
            comes from PGPASSWORD or --db-password-file (docs/operating.md). SIGINT or SIGTERM stops the relay cleanly: members are told, and the \
            database is left consistent. Each limit below is answered with an error that names it. \
            The protocol is specified in docs/protocol.md.
            """)

    @Option(help: ArgumentHelp("Listen on this address.", valueName: "address"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("Listen on this port; 0 picks a free one (printed at start).", valueName: "port"))
    var port = 5000

    @Option(name: .customLong("db"), help: ArgumentHelp(
        "Keep state in this SQLite file (default: $XDG_DATA_HOME/securechat/relay.sqlite), or in the PostgreSQL database postgres://USER@HOST[:PORT]/DATABASE[?sslmode=verify-full] (no password in the URL).",
        valueName: "file|url"), completion: .file())
    var database: String?

    @Option(name: .customLong("db-password-file"), help: ArgumentHelp(
        "Read the PostgreSQL password from the first line of this file (default: the PGPASSWORD environment variable).",
        valueName: "file"), completion: .file())
    var databasePasswordFile: String?

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("Serve https and wss with this PEM certificate chain.", valueName: "file"),
            completion: .file())
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("The PEM private key of --tls-cert.", valueName: "file"), completion: .file())
    var tlsKey: String?

    @Flag(name: .customLong("tls-self-signed"), help: ArgumentHelp(
        "Serve https and wss with a new self-signed certificate for the addresses the relay listens on, and print its SHA-256 fingerprint to compare with the browser's warning (browsers offer the web client's cryptography only over https, or on this machine)."))
    var tlsSelfSigned = false

    @Option(name: .customLong("public-url"), help: ArgumentHelp(
        "An address clients use to reach this relay (e.g. https://relay.example.org); repeat for several. Sign-ins must name one of them; without it, they must name the Host of their own request.",
        valueName: "url"))
    var publicURLs: [String] = []

    @Option(name: .customLong("trusted-proxy"), help: ArgumentHelp(
        "A proxy (address or CIDR network, e.g. 127.0.0.1 or 10.0.0.0/8) whose --forwarded-header names the client that per-address limits count; repeat for several. Off by default: every connection is its own client.",
        valueName: "cidr"))
    var trustedProxies: [String] = []

    @Option(name: .customLong("forwarded-header"), help: ArgumentHelp(
        "The header trusted proxies name the client in: \(ForwardedHeader.allCases.map(\.rawValue).joined(separator: " or ")).",
        valueName: "name"))
    var forwardedHeader = ForwardedHeader.xForwardedFor.rawValue

    @Option(name: .customLong("metrics-allow"), help: ArgumentHelp(
        "Clients (address or CIDR network) that may read GET /metrics; repeat for several (default: this machine, 127.0.0.0/8 and ::1).",
        valueName: "cidr"))
    var metricsAllowed: [String] = []

    @Option(name: .customLong("max-frame"), help: ArgumentHelp("Largest frame in bytes.", valueName: "bytes"))
    var maxFrame = 65536

    @Option(name: .customLong("max-members"), help: ArgumentHelp("Most members a room may have.", valueName: "n"))
    var maxMembers = 50

    @Option(help: ArgumentHelp("Frames per second each connection may send, on average.", valueName: "n"))
    var rate = 20.0

    @Option(help: ArgumentHelp("Frames a connection may send at once, above --rate.", valueName: "n"))
    var burst = 40

    @Option(name: .customLong("rooms-per-address"), help: ArgumentHelp("Live rooms one client address may create.", valueName: "n"))
    var roomsPerAddress = 20

    @Option(name: .customLong("connections-per-address"), help: ArgumentHelp("Connections one client address may hold open.", valueName: "n"))
    var connectionsPerAddress = 64

    @Option(name: .customLong("knocks-per-minute"), help: ArgumentHelp("Knocks one client address may make per minute.", valueName: "n"))
    var knocksPerMinute = 10

    @Option(name: .customLong("code-attempts"), help: ArgumentHelp(
        "Wrong join codes one client address may try per 5 minutes.", valueName: "n"))
    var codeAttempts = 5

    @Option(name: .customLong("code-interval"), help: ArgumentHelp(
        "How often join codes change (e.g. 300, 5m).", valueName: "duration"))
    var codeInterval = "5m"

    @Option(name: .customLong("knock-timeout"), help: ArgumentHelp("How long a knock waits for an answer.", valueName: "duration"))
    var knockTimeout = "10m"

    @Option(name: .customLong("default-ttl"), help: ArgumentHelp("Lifetime of a room that asks for none.", valueName: "duration"))
    var defaultTTL = "24h"

    @Option(name: .customLong("max-ttl"), help: ArgumentHelp("Longest lifetime a room may ask for.", valueName: "duration"))
    var maxTTL = "30d"

    @Option(name: .customLong("history-messages"), help: ArgumentHelp(
        "Messages one room's history may hold; a send beyond them is refused with history_full.", valueName: "n"))
    var historyMessages = 100_000

    @Option(name: .customLong("history-bytes"), help: ArgumentHelp(
        "Ciphertext bytes one room's history may hold; a send beyond them is refused with history_full.", valueName: "bytes"))
    var historyBytes = 256 << 20

    @Option(name: .customLong("exports-per-minute"), help: ArgumentHelp(
        "Log exports (GET /api/rooms/ID/log) one client address, or one key, may make per minute.", valueName: "n"))
    var exportsPerMinute = 30

    @Option(name: .customLong("log-level"), help: ArgumentHelp(
        "Log on standard error from this level: \(RelayConfiguration.logLevels.joined(separator: ", ")).", valueName: "level"))
    var logLevel = "info"

    @Option(name: .customLong("log-format"), help: ArgumentHelp(
        "Write log lines as \(RelayConfiguration.LogFormat.allCases.map(\.rawValue).joined(separator: " or ")) (json: one object per line, for log collectors).",
        valueName: "format"))
    var logFormat = RelayConfiguration.LogFormat.text.rawValue

    @Option(name: .customLong("room"), help: ArgumentHelp(
        "Once listening, make an open room with this name, owned by your identity (as 'room create --server' does), and print its invite link; on a terminal also as a QR code for a phone to scan.",
        valueName: "name"))
    var roomName: String?

    @Flag(help: "Print the address as one JSON object instead of text.")
    var json = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
        let db: RelayDatabase?
        do { db = try database.map { try RelayDatabase($0, password: nil) } } catch { throw ValidationError("invalid --db: \(error)") }
        if databasePasswordFile != nil {
            guard case .postgres? = db else { throw ValidationError("--db-password-file goes with a postgres:// --db") }
        }
        guard (tlsCertificate == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard !tlsSelfSigned || tlsCertificate == nil else { throw ValidationError("--tls-self-signed replaces --tls-cert and --tls-key") }
        for (name, value) in [("--max-members", maxMembers), ("--burst", burst),
                              ("--rooms-per-address", roomsPerAddress), ("--connections-per-address", connectionsPerAddress),
                              ("--knocks-per-minute", knocksPerMinute), ("--code-attempts", codeAttempts),
                              ("--history-messages", historyMessages), ("--exports-per-minute", exportsPerMinute)]
            where !RelayLimits.Bounds.count.contains(value) {
            throw ValidationError("\(name) must be 1 to \(RelayLimits.Bounds.count.upperBound)")
        }
        guard RelayLimits.Bounds.frameBytes.contains(maxFrame) else {
            throw ValidationError("--max-frame must be \(RelayLimits.Bounds.frameBytes.lowerBound) to \(RelayLimits.Bounds.frameBytes.upperBound) bytes")
        }
        guard RelayLimits.Bounds.historyBytes.contains(historyBytes) else {
            throw ValidationError("--history-bytes must be 1 to \(RelayLimits.Bounds.historyBytes.upperBound)")
        }
        guard rate > 0, rate <= RelayLimits.Bounds.rate else {
            throw ValidationError("--rate must be a positive number up to \(Int(RelayLimits.Bounds.rate))")
        }
        for (name, text) in [("--code-interval", codeInterval), ("--knock-timeout", knockTimeout), ("--default-ttl", defaultTTL),
                             ("--max-ttl", maxTTL)] {
            guard let s = DurationText.seconds(text), s > 0 else {
                throw ValidationError("invalid \(name) '\(text)': use seconds or a number with s, m, h or d (e.g. 5m)")
            }
            let most = name.hasSuffix("ttl") ? RelayLimits.Bounds.ttlSeconds : RelayLimits.Bounds.timerSeconds
            guard s <= most else { throw ValidationError("\(name) may be at most \(most) seconds") }
        }
        if DurationText.seconds(defaultTTL)! > DurationText.seconds(maxTTL)! {
            throw ValidationError("--default-ttl is longer than --max-ttl")
        }
        for url in publicURLs where RelayOrigin.fromURL(url) == nil {
            throw ValidationError("invalid --public-url '\(url)': use http://, https://, ws:// or wss:// with a host and an optional port")
        }
        for (flag, values) in [("--trusted-proxy", trustedProxies), ("--metrics-allow", metricsAllowed)] {
            for value in values where IPNetwork(value) == nil {
                throw ValidationError("invalid \(flag) '\(value)': use an IP address or a network such as 10.0.0.0/8 or fd00::/8")
            }
        }
        guard ForwardedHeader(rawValue: forwardedHeader.lowercased()) != nil else {
            throw ValidationError("unknown --forwarded-header '\(forwardedHeader)': use \(ForwardedHeader.allCases.map(\.rawValue).joined(separator: " or "))")
        }
        if let roomName, let problem = Room.nameProblem(roomName) { throw ValidationError("invalid --room name: \(problem)") }
        guard RelayConfiguration.LogFormat(rawValue: logFormat) != nil else {
            throw ValidationError("unknown --log-format '\(logFormat)': use \(RelayConfiguration.LogFormat.allCases.map(\.rawValue).joined(separator: " or "))")
        }
        guard RelayConfiguration.logger(level: logLevel) != nil else {
            throw ValidationError("unknown --log-level '\(logLevel)': use one of \(RelayConfiguration.logLevels.joined(separator: ", "))")
        }
    }

    /// The database `--db` names, with its password; the default SQLite file's directory is made.
    func resolveDatabase() throws -> RelayDatabase {
        guard let database else {
            try Paths.makeDirectory(Paths.dataDirectory)
            return .sqlite(path: Paths.dataDirectory + "/relay.sqlite")
        }
        guard case .postgres = try RelayDatabase(database, password: nil) else { return .sqlite(path: database) }
        var password = ProcessInfo.processInfo.environment["PGPASSWORD"]
        if let file = databasePasswordFile {
            FileChecks.warnIfExposed(file, what: "the database password file")
            let text = try FileChecks.readText(file, limit: 4096)
            let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map {
                $0.hasSuffix("\r") ? $0.dropLast() : $0
            } ?? ""
            guard !line.isEmpty else { throw Failure("the database password file \(file) is empty: put the password on its first line") }
            password = String(line)
        }
        return try RelayDatabase(database, password: password)
    }

    func run() async throws {
        let db = try resolveDatabase()
        let path = db.shown
        var config = RelayConfiguration(database: db, logger: RelayConfiguration.logger(level: logLevel,
                                                                                format: RelayConfiguration.LogFormat(rawValue: logFormat)!))
        config.host = host
        config.port = port
        config.tlsCertificatePath = tlsCertificate
        config.tlsKeyPath = tlsKey
        let selfSigned = tlsSelfSigned ? try SelfSignedTLS(host: host) : nil
        if let selfSigned {
            config.tlsCertificatePath = selfSigned.certificatePath
            config.tlsKeyPath = selfSigned.keyPath
        }
        config.publicOrigins = publicURLs.compactMap(RelayOrigin.fromURL)
        config.trustedProxies = trustedProxies.compactMap(IPNetwork.init)
        if !metricsAllowed.isEmpty { config.metricsAllowed = metricsAllowed.compactMap(IPNetwork.init) }
        config.forwardedHeader = ForwardedHeader(rawValue: forwardedHeader.lowercased())!
        config.limits.frameBytes = maxFrame
        config.limits.membersPerRoom = maxMembers
        config.limits.messagesPerSecond = rate
        config.limits.burst = burst
        config.limits.roomsPerAddress = roomsPerAddress
        config.limits.connectionsPerAddress = connectionsPerAddress
        config.limits.knocksPerMinute = knocksPerMinute
        config.limits.wrongCodes = codeAttempts
        config.limits.historyMessages = historyMessages
        config.limits.historyBytes = historyBytes
        config.limits.exportsPerMinute = exportsPerMinute
        config.limits.defaultTTLSeconds = DurationText.seconds(defaultTTL)!
        config.limits.maxTTLSeconds = DurationText.seconds(maxTTL)!
        config.codeInterval = Double(DurationText.seconds(codeInterval)!)
        config.knockTimeout = Double(DurationText.seconds(knockTimeout)!)

        // The owner of --room, loaded (or refused) before anything listens.
        let owner = try roomName.map { _ in try ConnectSetup.loadIdentity(nil) }
        let relay: Relay
        do {
            relay = try await Relay(configuration: config)
        } catch {
            selfSigned?.removeFiles()
            if case .postgres = db {
                throw Failure("cannot open the relay database \(path): \(Relay.describe(error))",
                              hint: "check that PostgreSQL runs there, that the user and database exist, and the password (PGPASSWORD or --db-password-file)")
            }
            throw Failure("cannot open the relay database \(path): \(error)",
                          hint: Paths.exists(path) ? nil : "check that the directory exists and is writable")
        }
        let scheme = config.tlsCertificatePath == nil ? "http" : "https"
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let json = self.json
        do {
            try await runRelay(relay) { port in
                // The relay has read the certificate and key: the files go at once.
                selfSigned?.removeFiles()
                let url = "\(scheme)://\(shownHost):\(port)"
                if json {
                    try? Stdout.json(ServeAddress(url: url, port: port, database: path, tlsFingerprint: selfSigned?.certificate.fingerprint))
                } else {
                    try? Stdout.line("securechat relay listening on \(url) (database \(path))")
                    try? Stdout.line("next: securechat room create --server \(url)"
                                     + (selfSigned.map { " --tls-fingerprint \($0.certificate.fingerprint)" } ?? ""))
                    try? Stdout.line("or chat in a browser: \(url)/")
                    if let selfSigned {
                        for address in selfSigned.otherAddresses { try? Stdout.line("or, on this network: \(scheme)://\(address):\(port)/") }
                        try? Stdout.line("self-signed certificate, SHA-256 \(selfSigned.certificate.fingerprint)")
                        try? Stdout.line("  (browsers warn about it: go on only if the fingerprint they show is this one)")
                    }
                }
                if let roomName, let owner {
                    // The address clients must sign in to (--public-url), else the one phones reach
                    // on this network (not loopback, not 0.0.0.0), else the listening one.
                    let lan = selfSigned?.otherAddresses.first ?? (SelfSignedTLS.isWildcard(host) ? SelfSignedTLS.lanAddresses().first : nil)
                    let reachable = publicURLs.first ?? lan.map { "\(scheme)://\($0):\(port)" } ?? url
                    // In a task of its own: the relay accepts connections only once this callback returns.
                    let pin = selfSigned?.certificate.sha256
                    Task { await Self.announceRoom(roomName, owner: owner, server: reachable, pin: pin, json: json) }
                }
            }
        } catch {
            try? await relay.close()
            selfSigned?.removeFiles()
            let text = "\(error)"
            if text.contains("in use") {
                throw Failure("cannot listen on \(shownHost):\(port): the address is in use",
                              hint: "choose another --port, or --port 0 for a free one")
            }
            throw Failure("the relay stopped: \(text)")
        }
    }
}

extension Serve {
    /// `--room`: registers an open room on the relay that has just started, saves it with the
    /// other rooms, and prints its invite (and, on a terminal, a QR code of it). A failure is
    /// reported and the relay keeps running.
    static func announceRoom(_ name: String, owner: Identity, server: String, pin: [UInt8]?, json: Bool) async {
        do {
            let address = try ServerAddress(parsing: server)
            var room = Room.create(name: name, policy: .open, lifetime: Room.defaultLifetime, memberLimit: Room.defaultMemberLimit, server: address,
                                   now: Clock.now)
            try await RoomCommand.RoomCreate.register(&room, owner: owner, name: try ConnectSetup.displayName(nil, identity: owner),
                                                      signName: false, trust: RelayTrust(pin: pin))
            let file = try RoomStore.save(room, to: nil)
            if json {
                try Stdout.line(RoomSummary(room, file: file, invite: true).jsonLine.trimmingCharacters(in: .newlines))
                return
            }
            try Stdout.line("room \(name) (saved as \(room.id.text)): \(room.invite.text)")
            if Terminal.stdoutIsTerminal {
                let code = try QRCode(encoding: room.invite.text, level: .medium)
                try Stdout.line("scan it with a phone:\n" + TerminalRenderer.render(code, mode: .utf8))
            }
        } catch let failure as Failure {
            Diagnostics.error("could not make the room '\(name)': \(failure.message)")
        } catch {
            Diagnostics.error("could not make the room '\(name)': \(error)")
        }
    }
}

struct ServeAddress: Encodable {
    let url: String
    let port: Int
    let database: String
    /// With --tls-self-signed: what clients pin (`--tls-fingerprint`).
    let tlsFingerprint: String?

    enum CodingKeys: String, CodingKey {
        case url, port, database
        case tlsFingerprint = "tls_fingerprint"
    }
}
