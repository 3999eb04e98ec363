import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import SecureChatWire

/// The request context of every route: Hummingbird's, plus the WebSocket handler reference and
/// the channel (for the client's address, and to cut off a connection that stops reading).
public struct RelayRequestContext: RequestContext, WebSocketRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>
    public let remoteAddress: SocketAddress?
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }
}

/// `GET /v1/ws`: one relay connection per WebSocket. A reader task feeds whole text messages to
/// the relay; a writer task drains the connection's outbox (and replays history from the
/// database when the outbox says so). Either ending ends both.
struct WebSocketController {
    let relay: Relay

    func addRoutes(to router: Router<RelayRequestContext>) {
        router.ws(RouterPath(RelayProtocol.webSocketPath)) { inbound, outbound, context in
            let channel = context.requestContext.channel
            let address = context.requestContext.remoteAddress?.ipAddress ?? "unknown"
            await serve(inbound: inbound, outbound: outbound, address: address, channel: channel)
        }
    }

    func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, address: String, channel: any Channel) async {
        let conn = relay.open(address: address, channel: channel, control: Control(relay: relay, outbound: outbound))
        // The reader runs in the WebSocket handler's own task: an idle connection has no other.
        await read(conn, from: inbound)
        relay.closed(conn)
    }

    /// Reassembles fragmented messages; a message over the limit is discarded as it arrives and
    /// answered with `frame_too_large`, without closing the connection.
    private func read(_ conn: RelayConnection, from inbound: WebSocketInboundStream) async {
        let limit = relay.configuration.limits.frameBytes
        var buffer = ByteBuffer()
        var size = 0
        var binary = false
        do {
            for try await frame in inbound {
                if frame.opcode != .continuation {
                    buffer.clear()
                    size = 0
                    binary = frame.opcode == .binary
                }
                size += frame.data.readableBytes
                if size <= limit, !binary {
                    var data = frame.data
                    buffer.writeBuffer(&data)
                } else {
                    buffer.clear()
                }
                guard frame.fin else { continue }
                if binary {
                    relay.receiveBinary(conn)
                } else if size > limit {
                    relay.receiveOversized(conn, bytes: size)
                } else {
                    await relay.receive(conn, text: buffer)
                }
                buffer.clear()
                size = 0
            }
        } catch {
            relay.logger.debug("connection read ended", metadata: ["conn": "\(conn.id)", "error": "\(type(of: error))"])
        }
    }
}

/// A connection's control task, started while a replay or a close is queued: it carries out
/// what must happen in order with the frames around it, then ends.
struct Control: ConnectionControl {
    let relay: Relay
    let outbound: WebSocketOutboundWriter

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
                    try await outbound.close(code, reason: error?.code.rawValue)
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

    /// History (after, through] from the database in pages, then `synced`.
    private func replay(_ conn: RelayConnection, room: String, after: Int64, through: Int64) async throws {
        guard let member = conn.peer?.signingKey else { return }
        var cursor = after
        var sent = 0
        while cursor < through {
            let page = try await relay.store.history(room, after: cursor, through: through, member: member, limit: 256)
            guard let last = page.last else { break }
            for entry in page {
                let frame: ServerFrame = switch entry {
                case .message(let seq, let sender, let clientID, let ciphertext, let time):
                    .message(.init(roomID: room, seq: seq, sender: WireBytes(sender), clientID: clientID, ciphertext: ciphertext, time: time))
                case .rotation(let seq, let by, let accessKey, let sealed, let time):
                    .rotated(.init(roomID: room, seq: seq, by: WireBytes(by), accessKey: accessKey.map { WireBytes($0) }, enc: sealed?.enc,
                                   ct: sealed?.ct, signature: sealed?.signature, time: time))
                }
                conn.write(RelayConnection.encode(frame))
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
