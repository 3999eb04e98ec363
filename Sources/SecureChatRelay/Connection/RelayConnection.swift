import NIOCore
import SecureChatWire
import Synchronization

/// What a connection's writer task does next, in order.
enum Outgoing: Sendable {
    /// A frame already encoded as JSON text.
    case frame(ByteBuffer)
    /// Replay a room's history (after, through] from the database, then send `synced`.
    case replay(room: String, after: Int64, through: Int64)
    /// Send this error, then close the WebSocket.
    case close(ErrorFrame?, code: CloseReason)
}

enum CloseReason: Sendable { case policy, tryAgainLater, goingAway }

/// One WebSocket connection as the rest of the relay sees it: its protocol state (behind a
/// lock, because other connections' actions change it too), and an outbox that a single writer
/// task drains in order. The outbox is bounded: a connection that does not read its frames is
/// closed (`slow_reader`) rather than allowed to hold memory or slow anyone else down.
final class RelayConnection: Sendable {
    let id: UInt64
    /// The client's IP address (no port): the key of the per-address limits.
    let address: String
    let machine: Mutex<ConnectionStateMachine>
    let outgoing: AsyncStream<Outgoing>
    private let continuation: AsyncStream<Outgoing>.Continuation
    private let channel: (any Channel)?
    private let dead = Atomic<Bool>(false)
    /// Messages of this connection queued for the committer (one reader, so one waiter at most).
    let inFlight = InFlightGate(limit: 256)

    init(id: UInt64, address: String, challenge: [UInt8], settings: ConnectionStateMachine.Settings, outbox: Int, channel: (any Channel)?) {
        self.id = id
        self.address = address
        self.machine = Mutex(ConnectionStateMachine(challenge: challenge, settings: settings))
        (outgoing, continuation) = AsyncStream.makeStream(of: Outgoing.self, bufferingPolicy: .bufferingOldest(outbox))
        self.channel = channel
    }

    var peer: Peer? { machine.withLock { $0.peer } }
    var isDead: Bool { dead.load(ordering: .relaxed) }

    func send(_ frame: ServerFrame) { send(encoded: Self.encode(frame)) }

    /// Queues a frame encoded once for many connections (fan-out).
    func send(encoded: ByteBuffer) { enqueue(.frame(encoded)) }

    func replay(room: String, after: Int64, through: Int64) { enqueue(.replay(room: room, after: after, through: through)) }

    /// Sends `error` (if any) and closes.
    func close(_ error: ErrorFrame?, code: CloseReason = .policy) {
        machine.withLock { $0.close() }
        enqueue(.close(error, code: code))
        continuation.finish()
    }

    /// No more frames: the writer drains what is queued and stops.
    func finish() { continuation.finish() }

    private func enqueue(_ item: Outgoing) {
        guard !isDead else { return }
        if case .dropped = continuation.yield(item) {
            // The reader fell too far behind. Cut it off without touching anyone else; it can
            // reconnect and resume from the last sequence number it saw.
            dead.store(true, ordering: .relaxed)
            machine.withLock { $0.close() }
            continuation.finish()
            channel?.close(promise: nil)
        }
    }

    static func encode(_ frame: ServerFrame) -> ByteBuffer {
        ByteBuffer(bytes: FrameCoding.encode(frame))
    }
}
