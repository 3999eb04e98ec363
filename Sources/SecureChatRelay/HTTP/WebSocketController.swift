import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOWebSocket
import SecureChatWire

/// The request context of every route: Hummingbird's, plus the WebSocket handler reference and
/// the channel (for the client's address, and to cut off a connection that stops reading).
public struct RelayRequestContext: RequestContext, WebSocketRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    let channel: any Channel
    private let upgrade: UpgradeSlot

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        upgrade = UpgradeSlot()
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }

    /// The reference through which the router hands the upgrade its handler. Hummingbird stores
    /// the handler together with a copy of this context inside the reference, so a context that
    /// held the reference itself would form a cycle and keep the whole connection (its channel,
    /// pipeline, buffers and logger) after it closed: about 3 KB per WebSocket ever opened. The
    /// slot is emptied when the channel closes (`releaseUpgradeOnClose`), which breaks the cycle.
    public var webSocket: WebSocketHandlerReference<Self> { upgrade.reference }

    /// Empties the upgrade slot once the connection has closed, whichever way it ends (upgraded
    /// or not). Called once per upgrade request, so a keep-alive connection's many plain HTTP
    /// requests add nothing to its close callbacks.
    func releaseUpgradeOnClose() {
        let upgrade = self.upgrade
        channel.closeFuture.whenComplete { _ in upgrade.release() }
    }

    /// Holds the context's handler reference until the connection closes.
    final class UpgradeSlot: Sendable {
        private let slot = NIOLockedValueBox<WebSocketHandlerReference<RelayRequestContext>?>(WebSocketHandlerReference())

        /// The reference while the connection lives; afterwards a fresh, empty one.
        var reference: WebSocketHandlerReference<RelayRequestContext> { slot.withLockedValue { $0 } ?? WebSocketHandlerReference() }

        func release() { slot.withLockedValue { $0 = nil } }

        /// Whether the reference is still held (tests: released after the close).
        var isHeld: Bool { slot.withLockedValue { $0 != nil } }
    }

    /// Whether this context still holds its handler reference (tests).
    var holdsUpgrade: Bool { upgrade.isHeld }

    /// The address `request` counts against in the per-address limits: the socket's, or the
    /// client a trusted proxy names (`ClientAddress`). A trusted proxy's unusable header is
    /// answered with 400, never attributed to the proxy (which would lump every client together).
    func clientAddress(of request: Request, relay: Relay) throws -> String {
        let config = relay.configuration
        let values = request.headers[values: HTTPField.Name(config.forwardedHeader.rawValue)!]
        do {
            return try ClientAddress.resolve(peer: remoteAddress?.ipAddress, headerValues: values, header: config.forwardedHeader,
                                             trusted: config.trustedProxies)
        } catch {
            relay.logger.warning("a trusted proxy sent an unusable forwarding header", metadata: ["error": "\(error)"])
            throw HTTPError(.badRequest, message: "\(error)")
        }
    }
}

/// `GET /v2/ws`: one relay connection per WebSocket. Its frames are handled on the channel's
/// event loop by a `RelayFrameHandler` placed right after the WebSocket decoder, close handshake
/// included; the WebSocket handler's task only waits for the channel to close, so an idle
/// connection's task stays small. A control task runs while a replay or a close is queued.
struct WebSocketController {
    let relay: Relay

    func addRoutes(to router: Router<RelayRequestContext>) {
        router.ws(RouterPath(RelayProtocol.webSocketPath), shouldUpgrade: { [relay] request, context in
            // A plain GET (a proxy that drops the upgrade headers, a curious browser) is told what
            // this address is for instead of getting an empty 200.
            guard request.headers[.upgrade]?.lowercased().contains("websocket") == true else {
                throw HTTPError(.upgradeRequired, headers: [.upgrade: "websocket"],
                                message: "this address is the relay's WebSocket endpoint: connect with a WebSocket client")
            }
            // A page of another site must not open a connection in its visitor's name.
            guard BrowserOrigin.mayConnect(origin: request.headers[.origin], relayOrigins: relay.origins(host: request.head.authority)) else {
                throw HTTPError(.forbidden, message: "this relay accepts WebSocket connections from its own pages only")
            }
            // Checked before the upgrade, so a bad forwarding header is answered in HTTP.
            _ = try context.clientAddress(of: request, relay: relay)
            context.releaseUpgradeOnClose()
            return .upgrade([:])
        }) { [relay] _, _, context in
            let channel = context.requestContext.channel
            let address = (try? context.requestContext.clientAddress(of: context.request, relay: relay)) ?? "unknown"
            // What the relay-auth signature must name: HTTP/1's Host is the request's authority.
            let host = context.request.head.authority
            await serve(address: address, host: host, channel: channel)
        }
    }

    func serve(address: String, host: String?, channel: any Channel) async {
        // On the event loop: the handler goes in before `hello` is queued, so every frame that
        // answers `hello` reaches the handler. (Frames a client sends before it has `hello`, which
        // it has to answer, can reach the WebSocket handler's stream instead and go unread.)
        let opened = try? await channel.eventLoop.submit { [relay] in
            let pipeline = channel.pipeline.syncOperations
            let writer = FrameWriter()
            try pipeline.addHandler(writer, position: .before(try pipeline.handler(type: WebSocketFrameEncoder.self)))
            let conn = relay.open(address: address, host: host, channel: channel, writer: NIOLoopBound(writer, eventLoop: channel.eventLoop),
                                  control: Control(relay: relay))
            let handler = RelayFrameHandler(relay: relay, connection: conn)
            try pipeline.addHandler(handler, position: .after(try pipeline.handler(type: ByteToMessageHandler<WebSocketFrameDecoder>.self)))
            return conn
        }.get()
        guard let conn = opened else {
            channel.close(promise: nil)
            return
        }
        try? await channel.closeFuture.get()
        relay.closed(conn)
    }
}

/// A connection's control task, started while a replay or a close is queued: it carries out
/// what must happen in order with the frames around it, then ends.
struct Control: ConnectionControl {
    let relay: Relay

    func start(for connection: RelayConnection) {
        Task { await run(connection) }
    }

    private func run(_ conn: RelayConnection) async {
        do {
            while let item = conn.nextControlItem() {
                switch item {
                case .frame(let buffer):
                    conn.write(buffer)
                case .replay(let room, let after, let through):
                    try await replay(conn, room: room, after: after, through: through)
                case .close(let error, let reason):
                    if let error { conn.write(RelayConnection.encode(.error(error))) }
                    await conn.flushNow()
                    let code: WebSocketErrorCode = switch reason {
                    case .policy: .policyViolation
                    case .tryAgainLater: .unknown(1013)
                    case .goingAway: .goingAway
                    }
                    await conn.sendClose(code, reason: error?.code.rawValue)
                    // A client that never answers the close handshake is cut off.
                    try await Task.sleep(for: .seconds(5))
                    conn.channel?.close(promise: nil)
                    return
                }
            }
        } catch {
            relay.logger.debug("connection control ended", metadata: ["conn": "\(conn.id)", "error": "\(type(of: error))"])
        }
    }

    /// The room's whole chain of commits up to `through`, then its messages (after, through]
    /// from the database in pages, then `synced`.
    private func replay(_ conn: RelayConnection, room: String, after: Int64, through: Int64) async throws {
        guard conn.peer != nil else { return }
        var sent = 0
        for c in try await relay.store.commits(room, through: through) {
            conn.write(RelayConnection.encode(.commit(.init(roomID: room, seq: c.seq, commit: WireBytes(c.body), time: c.time))))
            sent += 1
        }
        var cursor = after
        while cursor < through {
            let page = try await relay.store.history(room, after: cursor, through: through, limit: 256)
            guard let last = page.last else { break }
            for m in page {
                conn.write(RelayConnection.encode(.message(.init(roomID: room, seq: m.seq, sender: WireBytes(m.sender), clientID: m.clientID,
                                                                 ciphertext: m.ciphertext, time: m.time))))
            }
            sent += page.count
            cursor = last.seq
            // Let the socket take the page before reading the next one.
            await conn.waitUntilDrained()
        }
        conn.write(RelayConnection.encode(.synced(.init(roomID: room, seq: through))))
        relay.logger.debug("history replayed", metadata: ["conn": "\(conn.id)", "room": "\(room)", "frames": "\(sent)"])
    }
}
