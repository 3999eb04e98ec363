import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOWebSocket
import SecureChatWire
import Synchronization

/// Starts a connection's control task when a replay or close is queued (the WebSocket side).
protocol ConnectionControl: Sendable {
    func start(for connection: RelayConnection)
}

/// What the connection's control task does, in order with the frames around it.
enum ControlItem: Sendable {
    /// A frame queued behind a replay or a close.
    case frame(ByteBuffer)
    /// Replay a room's history (after, through] from the database, then send `synced`.
    case replay(room: String, after: Int64, through: Int64)
    /// Send this error, then close the WebSocket.
    case close(ErrorFrame?, code: CloseReason)
}

enum CloseReason: Sendable { case policy, tryAgainLater, goingAway }

/// One WebSocket connection as the rest of the relay sees it: its protocol state (behind a
/// lock, because other connections' actions change it too) and its outgoing frames.
///
/// Frames go straight to the channel's event loop, many per wake-up and one flush per batch,
/// from whichever thread produced them (the commit loop fans out this way); that is what keeps
/// fan-out fast. Order is kept by one lock: once a replay or a close is pending, later frames
/// queue behind it and the connection's control task writes them in turn. Memory is bounded: a
/// connection whose reader does not keep up is cut off without slowing anyone else: what is
/// queued is dropped, an `error slow_reader` frame and a close frame with code 1008 follow what
/// the socket already holds, and the socket is closed after `slowReaderGrace` seconds at most
/// (docs/protocol.md, "Connection state machine"); the client can reconnect and resume from the
/// last sequence number it saw.
final class RelayConnection: Sendable {
    let id: UInt64
    /// The client's IP address (no port): the key of the per-address limits.
    let address: String
    let machine: NIOLockedValueBox<ConnectionStateMachine>
    /// Messages of this connection queued for the committer.
    let inFlight = InFlightGate(limit: 256)
    /// When the connection opened (the auth deadline counts from here).
    let openedAt: Double
    /// Runs a control task while replays or a close are queued; none runs otherwise, so an idle
    /// connection costs no task of its own.
    private let control: (any ConnectionControl)?
    let channel: (any Channel)?
    /// Writes the connection's framed messages (see `FrameWriter`).
    private let writer: NIOLoopBound<FrameWriter>?
    private let output: NIOLockedValueBox<Output>
    /// The relay has sent its WebSocket close frame (at most one goes out).
    private let closeSent = Atomic<Bool>(false)
    private let outbox: Int
    /// Bytes NIO may hold for a connection whose socket is not draining.
    private let outboxBytes: Int
    private let slowReaderGrace: Double
    private let logger: Logger?

    private struct Output: Sendable {
        /// Frames ready for the event loop.
        var ready: [ByteBuffer] = []
        var flushScheduled = false
        /// A replay or close is in progress: everything queues in `waiting`, in order.
        var blocked = false
        var waiting: [ControlItem] = []
        var dead = false
    }

    init(id: UInt64, address: String, challenge: [UInt8], relayID: String = "", origins: [String] = [],
         settings: ConnectionStateMachine.Settings, outbox: Int, outboxBytes: Int = 8 << 20, slowReaderGrace: Double = 10,
         channel: (any Channel)?, writer: NIOLoopBound<FrameWriter>? = nil, control: (any ConnectionControl)? = nil,
         openedAt: Double = 0, logger: Logger? = nil) {
        self.id = id
        self.address = address
        self.control = control
        self.openedAt = openedAt
        self.machine = NIOLockedValueBox(ConnectionStateMachine(challenge: challenge, relayID: relayID, origins: origins, settings: settings))
        self.outbox = outbox
        self.outboxBytes = outboxBytes
        self.slowReaderGrace = slowReaderGrace
        self.logger = logger
        self.channel = channel
        self.writer = writer
        self.output = NIOLockedValueBox(Output())
    }

    var peer: Peer? { machine.withLockedValue { $0.peer } }
    var isDead: Bool { output.withLockedValue { $0.dead } }

    func send(_ frame: ServerFrame) { send(encoded: Self.encode(frame)) }

    /// Queues a frame (encoded once for many connections when fanning out).
    func send(encoded: ByteBuffer) {
        enqueue(.frame(encoded))
    }

    /// Queues a frame for fan-out; true when the caller must run `drain()` on `eventLoop`
    /// (it can then drain many connections of one event loop with one hop).
    func sendDeferred(encoded: ByteBuffer) -> Bool {
        enum Next { case nothing, drain, overflow }
        let next: Next = output.withLockedValue { o in
            if o.dead { return .nothing }
            if o.blocked {
                o.waiting.append(.frame(encoded))
                return o.waiting.count > outbox ? .overflow : .nothing
            }
            o.ready.append(encoded)
            if o.ready.count > outbox { return .overflow }
            if o.flushScheduled { return .nothing }
            o.flushScheduled = true
            return .drain
        }
        switch next {
        case .nothing: return false
        case .drain: return channel != nil
        case .overflow:
            cutOff()
            return false
        }
    }

    var eventLoop: (any EventLoop)? { channel?.eventLoop }

    /// History (after, through] goes out before anything queued after this call.
    func replay(room: String, after: Int64, through: Int64) { enqueue(.replay(room: room, after: after, through: through)) }

    /// Sends `error` (if any) after what is queued, then closes.
    func close(_ error: ErrorFrame?, code: CloseReason = .policy) {
        machine.withLockedValue { $0.close() }
        enqueue(.close(error, code: code))
    }

    private func enqueue(_ item: ControlItem) {
        enum Next { case nothing, flush, wake, overflow }
        let next: Next = output.withLockedValue { o in
            if o.dead { return .nothing }
            if o.blocked {
                o.waiting.append(item)
                return o.waiting.count > outbox ? .overflow : .nothing
            }
            switch item {
            case .frame(let b):
                o.ready.append(b)
                if o.ready.count > outbox { return .overflow }
                if o.flushScheduled { return .nothing }
                o.flushScheduled = true
                return .flush
            case .replay, .close:
                o.blocked = true
                o.waiting.append(item)
                return .wake
            }
        }
        switch next {
        case .nothing: break
        case .flush: scheduleFlush()
        case .wake: control?.start(for: self)
        case .overflow: cutOff()
        }
    }

    /// For the control task: a frame written in order, even while blocked.
    func write(_ frame: ByteBuffer) {
        let flush: Bool = output.withLockedValue { o in
            guard !o.dead else { return false }
            o.ready.append(frame)
            if o.flushScheduled { return false }
            o.flushScheduled = true
            return true
        }
        if flush { scheduleFlush() }
    }

    /// For the control task: the next queued item, or nil, which unblocks the connection (the
    /// task then ends; the next replay or close starts another).
    func nextControlItem() -> ControlItem? {
        output.withLockedValue { o in
            guard !o.dead, !o.waiting.isEmpty else {
                o.blocked = false
                return nil
            }
            return o.waiting.removeFirst()
        }
    }

    /// A WebSocket ping control frame, straight to the socket (it needs no ordering).
    func ping() {
        guard let channel, !isDead else { return }
        channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer()), promise: nil)
    }

    /// True for the one caller that may send the connection's close frame.
    func claimCloseFrame() -> Bool { !closeSent.exchange(true, ordering: .relaxed) }

    /// Starts the WebSocket close handshake after what has been written (call `flushNow` first).
    func sendClose(_ code: WebSocketErrorCode, reason: String?) async {
        guard let channel, claimCloseFrame() else { return }
        try? await channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .connectionClose, data: Self.closeData(code, reason: reason)))
    }

    static func closeData(_ code: WebSocketErrorCode, reason: String?) -> ByteBuffer {
        var data = ByteBuffer()
        data.write(webSocketErrorCode: code)
        if let reason { data.writeString(reason) }
        return data
    }

    /// Writes everything ready and waits until the event loop has done it.
    func flushNow() async {
        guard let channel else { return }
        try? await channel.eventLoop.submit { self.drain() }.get()
    }

    /// Waits while more than 1 MiB is buffered for the socket (history replay pacing).
    func waitUntilDrained() async {
        guard let channel else { return }
        await flushNow()
        while !isDead, channel.isActive, let buffered = try? await channel.getOption(.bufferedWritableBytes).get(), buffered > 1 << 20 {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    private func scheduleFlush() {
        guard let channel else { return }
        channel.eventLoop.execute { self.drain() }
    }

    /// On the event loop: write the batch, flush once, and check that the socket keeps up.
    func drain() {
        guard let channel, let writer else { return }
        let frames = output.withLockedValue { o -> [ByteBuffer] in
            o.flushScheduled = false
            defer { o.ready.removeAll(keepingCapacity: true) }
            return o.ready
        }
        guard !frames.isEmpty else { return }
        for f in frames { writer.value.write(framed: f) }
        writer.value.flush()
        if !channel.isWritable, let buffered = try? channel.syncOptions?.getOption(.bufferedWritableBytes),
           buffered > outboxBytes {
            cutOff()
        }
    }

    /// The reader fell too far behind: cut it off without touching anyone else. What is queued
    /// here is dropped (the client resumes with `after_seq`); what the socket layer holds already
    /// goes out first, then `error slow_reader` and a close frame with code 1008, as the protocol
    /// promises, so that a client that reads again learns why. A client that does not answer the
    /// close within `slowReaderGrace` seconds is closed regardless.
    private func cutOff() {
        let dropped = output.withLockedValue { o -> Int? in
            defer { o.dead = true; o.ready = []; o.waiting = [] }
            return o.dead ? nil : o.ready.count + o.waiting.count
        }
        guard let dropped else { return }
        machine.withLockedValue { $0.close() }
        logger?.notice("slow reader cut off", metadata: ["conn": "\(id)", "dropped_frames": "\(dropped)",
                                                         "reason": "\(ErrorCode.slowReader.rawValue)"])
        guard let channel else { return }
        guard let writer else { return channel.close(promise: nil) }
        let grace = TimeAmount.milliseconds(Int64(slowReaderGrace * 1000))
        channel.eventLoop.execute {
            writer.value.write(framed: Self.encode(.error(ErrorFrame(.slowReader,
                "this connection did not read its frames fast enough and is closed; reconnect and resume with after_seq"))))
            writer.value.flush()
            if self.claimCloseFrame() {
                let close = WebSocketFrame(fin: true, opcode: .connectionClose,
                                           data: Self.closeData(.policyViolation, reason: ErrorCode.slowReader.rawValue))
                channel.writeAndFlush(close, promise: nil)
            }
            channel.eventLoop.scheduleTask(in: grace) { channel.close(promise: nil) }
        }
    }

    /// A frame as a whole WebSocket text message: header and JSON in one buffer, ready for any
    /// number of connections (a server's frames are not masked).
    static func encode(_ frame: ServerFrame) -> ByteBuffer {
        let json = FrameCoding.encode(frame)
        var buffer = ByteBuffer()
        buffer.reserveCapacity(json.count + 10)
        buffer.writeInteger(UInt8(0x81))  // FIN, text
        switch json.count {
        case ..<126:
            buffer.writeInteger(UInt8(json.count))
        case ..<65536:
            buffer.writeInteger(UInt8(126))
            buffer.writeInteger(UInt16(json.count))
        default:
            buffer.writeInteger(UInt8(127))
            buffer.writeInteger(UInt64(json.count))
        }
        buffer.writeBytes(json)
        return buffer
    }
}
