import NIOCore
import NIOWebSocket

/// Handles a relay connection's WebSocket frames on the channel's event loop, as they come off
/// the decoder: data frames go to the relay, pings are answered, and the close handshake is run
/// here (RFC 6455 §5.5.1): the relay answers a client's close frame and then closes the socket.
///
/// Frames are handled in order. A frame that must wait (a database request, or a full in-flight
/// gate) makes the connection busy: later frames are held, and the handler stops asking the
/// socket for more, so TCP pushes back on this client alone. When the wait is over, the held
/// frames are handled and reading resumes.
///
/// Working here rather than in the WebSocket handler's task saves a thread hop per message, and
/// keeps that task, which lives as long as the connection, small: it only waits for the close.
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
    /// A close frame has come in, or the connection failed: nothing more is read.
    private var closing = false
    /// The client has shut its sending side.
    private var inputEnded = false

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

    /// The client shut its side of the socket (the server allows half-closure): nothing more
    /// will come, so the connection ends once the frames already read are handled.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            inputEnded = true
            if !busy { endAfterWrites(context) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// Holds the socket's reads while a frame waits.
    func read(context: ChannelHandlerContext) {
        if busy {
            readPending = true
        } else {
            context.read()
        }
    }

    private func handle(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        guard !closing else { return }
        switch frame.opcode {
        case .text, .binary, .continuation:
            // Reserved bits mean an extension, and none is negotiated.
            guard frame.reservedBits.isEmpty else { return fail(.protocolError, context: context) }
            take(opcode: frame.opcode, fin: frame.fin, data: frame.unmaskedData)
        case .ping:
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        case .pong:
            break
        case .connectionClose:
            var data = frame.unmaskedData
            fail(Self.answer(toClose: data.readInteger(as: UInt16.self)), context: context)
        default:
            fail(.protocolError, context: context)
        }
    }

    /// The status code that answers a client's close frame: its own (none given: 1000), or 1002
    /// for a code that may not be sent (RFC 6455 §7.4).
    static func answer(toClose code: UInt16?) -> WebSocketErrorCode {
        guard let code else { return .normalClosure }
        let sendable = (1000...1011).contains(code) && ![1004, 1005, 1006].contains(code) || (3000...4999).contains(code)
        return sendable ? WebSocketErrorCode(codeNumber: Int(code)) : .protocolError
    }

    /// Writes what is queued for the connection (answers to its last frames), then closes.
    private func endAfterWrites(_ context: ChannelHandlerContext) {
        closing = true
        connection.drain()
        context.close(promise: nil)
    }

    /// Sends a close frame (unless the relay already has) and closes the socket once it is out.
    private func fail(_ code: WebSocketErrorCode, context: ChannelHandlerContext) {
        closing = true
        held.removeAll()
        let channel = context.channel
        guard connection.claimCloseFrame() else { return channel.close(promise: nil) }
        let written = context.eventLoop.makePromise(of: Void.self)
        let close = WebSocketFrame(fin: true, opcode: .connectionClose, data: RelayConnection.closeData(code, reason: nil))
        context.writeAndFlush(wrapOutboundOut(close), promise: written)
        written.futureResult.whenComplete { _ in channel.close(promise: nil) }
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
        if !busy, inputEnded {
            endAfterWrites(context)
        } else if !busy, readPending {
            readPending = false
            context.read()
        }
    }
}
