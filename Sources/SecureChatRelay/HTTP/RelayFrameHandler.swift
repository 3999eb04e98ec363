import NIOCore
import NIOWebSocket

/// Handles a relay connection's data frames on the channel's event loop, as they come off the
/// WebSocket decoder; control frames (ping, pong, close) and frames the relay does not speak go
/// on to hummingbird-websocket's handler, which answers pings and runs the close handshake.
///
/// Frames are handled in order. A frame that must wait (a database request, or a full in-flight
/// gate) makes the connection busy: later frames are held, and the handler stops asking the
/// socket for more, so TCP pushes back on this client alone. When the wait is over, the held
/// frames are handled and reading resumes.
///
/// Working here rather than in the WebSocket handler's task saves a thread hop per message, and
/// keeps that task's stack, which lives as long as the connection, small.
final class RelayFrameHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let relay: Relay
    private let connection: RelayConnection
    private let limit: Int
    private var context: ChannelHandlerContext?

    /// A fragmented message being put together.
    private var fragments = ByteBuffer()
    private var size = 0
    private var binary = false
    private var inMessage = false

    private var held = CircularBuffer<WebSocketFrame>()
    private var busy = false
    private var readPending = false
    /// A close frame has gone by: data frames after it are dropped (RFC 6455 §5.5.1).
    private var closing = false

    init(relay: Relay, connection: RelayConnection) {
        self.relay = relay
        self.connection = connection
        self.limit = relay.configuration.limits.frameBytes
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if busy {
            held.append(frame)
        } else {
            handle(frame, context: context)
        }
    }

    /// Holds the socket's reads while a frame waits.
    func read(context: ChannelHandlerContext) {
        if busy {
            readPending = true
        } else {
            context.read()
        }
    }

    /// A data frame that reached the WebSocket handler's stream before this handler was in the
    /// pipeline: one the client sent before it had the `hello` it must answer.
    func receiveEarly(opcode: WebSocketOpcode, fin: Bool, data: ByteBuffer) {
        guard context != nil, !closing else { return }
        take(opcode: opcode, fin: fin, data: data)
    }

    private func handle(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        switch frame.opcode {
        case .text, .binary, .continuation:
            guard !closing else { return }
            // Reserved bits without an extension that defines them: the WebSocket handler
            // fails the connection with a protocol error.
            guard frame.reservedBits.isEmpty else { return context.fireChannelRead(wrapInboundOut(frame)) }
            take(opcode: frame.opcode, fin: frame.fin, data: frame.unmaskedData)
        default:
            if frame.opcode == .connectionClose { closing = true }
            context.fireChannelRead(wrapInboundOut(frame))
        }
    }

    /// Puts fragments together; a message over the limit is discarded as it arrives and
    /// answered with `frame_too_large`, without closing the connection.
    private func take(opcode: WebSocketOpcode, fin: Bool, data: ByteBuffer) {
        if opcode != .continuation || !inMessage {
            fragments.clear()
            size = 0
            binary = opcode == .binary
        }
        size += data.readableBytes
        guard fin else {
            inMessage = true
            if size <= limit, !binary {
                var data = data
                fragments.writeBuffer(&data)
            }
            return
        }
        let followup: Relay.Followup?
        if binary {
            relay.receiveBinary(connection)
            followup = nil
        } else if size > limit {
            relay.receiveOversized(connection, bytes: size)
            followup = nil
        } else if inMessage {
            var data = data
            fragments.writeBuffer(&data)
            followup = relay.receive(connection, text: fragments)
        } else {
            followup = relay.receive(connection, text: data)
        }
        if inMessage {
            // A long message's buffer is not kept for the connection's lifetime.
            fragments = ByteBuffer()
            inMessage = false
        }
        size = 0
        if let followup { start(followup) }
    }

    private func start(_ followup: Relay.Followup) {
        guard let loop = context?.eventLoop else { return }
        let me = NIOLoopBound(self, eventLoop: loop)
        switch followup {
        case .commit(let pending):
            let now = connection.inFlight.enter(orWhenFree: {
                loop.execute {
                    me.value.relay.commit(pending)
                    me.value.resume()
                }
            })
            if now {
                relay.commit(pending)
            } else {
                busy = true
            }
        case .request(let action, let time):
            busy = true
            let relay = self.relay
            let connection = self.connection
            Task {
                await relay.request(action, on: connection, now: time)
                loop.execute { me.value.resume() }
            }
        }
    }

    /// The wait is over: the held frames in order, then reading again.
    private func resume() {
        busy = false
        guard let context else { return }
        while !busy, let frame = held.popFirst() { handle(frame, context: context) }
        if !busy, readPending {
            readPending = false
            context.read()
        }
    }
}
