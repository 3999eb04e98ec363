import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOSSL
import SecureChatWire
import ServiceLifecycle
import UnixSignals

/// Why a relay could not start.
public struct RelayStartError: Error, CustomStringConvertible {
    public let description: String
}

/// The Hummingbird application of a relay: routes, WebSocket upgrade (with TLS when configured)
/// and the relay's background service. `onServerRunning` receives the bound port.
public func buildRelay(_ relay: Relay, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
    throws -> some ApplicationProtocol {
    let config = relay.configuration
    // HEAD is answered as GET without the body (what `curl -I` and uptime checks send).
    let router = Router(context: RelayRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: StrictHeadersMiddleware())
    PageController(relay: relay).addRoutes(to: router)
    LogExportController(relay: relay).addRoutes(to: router)
    WebSocketController(relay: relay).addRoutes(to: router)

    let ws = HTTP1WebSocketUpgradeChannel.Configuration(
        ws: WebSocketServerConfiguration(
            // Messages over the protocol's limit are answered with frame_too_large; only frames far
            // over it are refused by the WebSocket layer before they are buffered.
            maxFrameSize: min(CheckedNumbers.multiply(config.limits.frameBytes, 4), Int(UInt32.max)),
            // Keep-alive pings come from the relay's sweep (`pingConnections`) rather than a task
            // per connection, which would cost each idle connection about 3 KB.
            autoPing: .disabled,
            closeTimeout: .seconds(5)))
    var tls: TLSConfiguration?
    if let certificate = config.tlsCertificatePath, let key = config.tlsKeyPath {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
            tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        } catch {
            throw RelayStartError(description: "cannot load the TLS certificate or key: \(error)")
        }
    }
    let webSocketResponder = router.buildResponder()
    let server = HTTPServerBuilder { [tls] responder in
        let upgrade = HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder, configuration: ws)
        if let tls { return FirstBytesDeadline(SmallReadBuffers(try TLSChannel(upgrade, tlsConfiguration: tls))) }
        return FirstBytesDeadline(SmallReadBuffers(upgrade))
    }
    // Hummingbird's own trace logs quote the first bytes of WebSocket frames; never below debug.
    var frameworkLogger = relay.logger
    if frameworkLogger.logLevel < .debug { frameworkLogger.logLevel = .debug }
    return Application(
        router: router,
        server: server,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "securechat"),
        services: [RelayService(relay: relay)],
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? config.port) },
        logger: frameworkLogger)
}

/// Every connection keeps its socket's last read buffer for the next read; NIO's default starts
/// it at 2 KiB. Relay frames are a few hundred bytes and most connections are idle, so reads
/// start at 512 bytes (and still grow for a connection that sends more).
struct SmallReadBuffers<Base: ServerChildChannel>: ServerChildChannel {
    let base: Base
    init(_ base: Base) { self.base = base }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Base.Value> {
        do {
            try channel.syncOptions?.setOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 65536))
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return base.setup(channel: channel, logger: logger)
    }

    func handle(value: Base.Value, logger: Logger) async { await base.handle(value: value, logger: logger) }
}

/// The relay's background work: the commit loop, the expiry and knock sweep, join codes.
/// On graceful shutdown the loops stop and the committer finishes what is queued.
struct RelayService: Service {
    let relay: Relay

    func run() async throws {
        await relay.rotateCodes(now: Relay.now)
        // Graceful shutdown finishes the committer after what is queued; cancellation (another
        // service failed, e.g. the port is taken) finishes it too, so the group can end.
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await relay.committer.run(relay: relay) }
                    group.addTask { await every(relay.configuration.sweepInterval) { await relay.sweep() } }
                    group.addTask { await every(relay.configuration.codeInterval) { await relay.rotateCodes(now: Relay.now) } }
                    group.addTask { await every(1) { await relay.checkpointIfDue(now: Relay.now) } }
                    group.addTask { await every(relay.configuration.pingInterval) { relay.pingConnections() } }
                }
            } onGracefulShutdown: {
                relay.committer.finish()
            }
        } onCancel: {
            relay.committer.finish()
        }
    }

    /// Runs `work` every `seconds` until graceful shutdown or cancellation.
    private func every(_ seconds: Double, _ work: @escaping @Sendable () async -> Void) async {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(seconds))
                await work()
            }
        }
    }
}

extension Relay {
    /// Rows that make a checkpoint due at once; otherwise one is due a minute after the last.
    static let checkpointRows = 10_000

    /// Moves the WAL into the database file in the background (commits never checkpoint), once
    /// enough rows or time have gathered. Not every second: the first commit after a checkpoint
    /// syncs the restarted WAL (about half a millisecond on this project's build machine), and
    /// that showed in the relay's latency tail.
    func checkpointIfDue(now: Double) async {
        let due = unCheckpointed.withLockedValue { u in
            guard u.rows >= Self.checkpointRows || (u.rows > 0 && now - u.since >= 60) else { return false }
            u = (0, now)
            return true
        }
        guard due else { return }
        do { try await store.checkpoint() } catch {
            logger.warning("checkpoint failed", metadata: Self.failure(error))
        }
    }

    /// Expired rooms and knocks, and old rate-limit windows.
    func sweep() async {
        let now = Relay.now
        await expireRooms(now: now)
        expireKnocks(now: now)
        enforceAuthDeadline(now: now)
        limiter.prune(now: now)
        exportNonces.prune(now: now)
    }
}

/// Runs a relay until SIGINT or SIGTERM: then members are told (`bye`), connections close, the
/// committer finishes, and the database is closed consistent. `onListening` gets the port.
public func runRelay(_ relay: Relay, onListening: @escaping @Sendable (Int) async -> Void) async throws {
    let app = try buildRelay(relay, onServerRunning: onListening)
    let group = ServiceGroup(configuration: .init(services: [app], logger: relay.logger))
    try await withThrowingTaskGroup(of: Bool.self) { tasks in
        tasks.addTask {
            try await group.run()
            return true
        }
        tasks.addTask {
            for await _ in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
                await relay.announceShutdown()
                await group.triggerGracefulShutdown()
                break
            }
            return false
        }
        // Until the service group has finished (after a signal, or on its own).
        while let groupFinished = try await tasks.next() {
            if groupFinished {
                tasks.cancelAll()
                break
            }
        }
    }
    try await relay.close()
    relay.logger.info("relay stopped")
}
