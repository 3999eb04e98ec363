import HummingbirdWSClient
import SecureChatCore
import SecureChatWire
#if canImport(Glibc)
import Glibc
#endif

/// Drives a `ChatSession` over a WebSocket: opens the connection, feeds the session every frame
/// and every user intent in one sequence, writes the frames it asks for, and reconnects when it
/// says so (with its backoff, resuming from the last sequence number, resending what was not
/// acknowledged). Everything the interface needs comes out through `events`.
public struct ChatClient: Sendable {
    /// What the user (or script) asks for.
    public enum Intent: Sendable {
        case send(String)
        case approve(String)
        case deny(String, reason: String?)
        case remove(String)
        case verify(String, Bool)
        /// Our name in the room, signed (`set_name`).
        case rename(String)
        /// End this identity's membership (a `leave` commit); the session ends once the relay confirms.
        case leave
        /// Close the connection and end the session (outcome `.closed`).
        case quit
    }

    public let server: ServerAddress
    /// How an https relay's certificate is checked.
    public let trust: RelayTrust
    let now: @Sendable () -> UInt64

    public init(server: ServerAddress, trust: RelayTrust = RelayTrust(),
                now: @escaping @Sendable () -> UInt64 = { UInt64(clamping: time(nil)) }) {
        self.server = server
        self.trust = trust
        self.now = now
    }

    enum Input: Sendable {
        case opened(Int, WebSocketOutboundWriter)
        case frame(Int, String)
        case closed(Int, String)
        case intent(Intent)
        case reconnect(Int)
        case retry
    }

    /// Runs until the session finishes, the user quits, or `intents` ends (which also quits).
    /// `events` receives each event with the session as it stands after it.
    public func run(_ initial: ChatSession, intents: AsyncStream<Intent>,
                    events: @escaping @Sendable (ChatEvent, ChatSession) -> Void) async -> ChatOutcome {
        var session = initial
        let (inputs, feed) = AsyncStream<Input>.makeStream()
        var generation = 0
        var writer: WebSocketOutboundWriter?
        var connection: Task<Void, Never>? = connect(generation, feed)
        let forwarder = Task {
            for await intent in intents { feed.yield(.intent(intent)) }
            feed.yield(.intent(.quit))
        }
        var timers = [Task<Void, Never>]()
        defer {
            forwarder.cancel()
            for t in timers { t.cancel() }
            feed.finish()
        }

        for await input in inputs {
            var actions: [ChatSession.Action]
            switch input {
            case .opened(let g, let w) where g == generation:
                writer = w
                actions = session.connectionOpened()
            case .frame(let g, let text) where g == generation:
                guard let frame = try? FrameCoding.decodeServerFrame(Array(text.utf8)) else { continue }
                actions = session.receive(frame, now: now())
            case .closed(let g, let reason) where g == generation:
                writer = nil
                actions = session.connectionClosed(reason: reason)
            case .reconnect(let g) where g == generation:
                connection = connect(generation, feed)
                continue
            case .retry:
                actions = session.retryPending(now: now())
            case .intent(let intent):
                switch intent {
                case .send(let text): actions = session.send(text, now: now())
                case .approve(let who): actions = session.approve(who)
                case .deny(let who, let reason): actions = session.deny(who, reason: reason)
                case .remove(let who): actions = session.remove(who)
                case .verify(let who, let yes): actions = session.setVerified(who, yes)
                case .rename(let name): actions = session.rename(name, now: now())
                case .leave: actions = session.leave(now: now())
                case .quit: actions = [.finish(.closed)]
                }
            default:
                continue // from a connection that is already replaced
            }
            for action in actions {
                switch action {
                case .write(let frame):
                    // A failed write means the connection is going; its close reaches the session.
                    try? await writer?.write(.text(RelaySocket.text(frame)))
                case .emit(let event):
                    events(event, session)
                case .reconnect(let delay):
                    generation += 1
                    await close(writer, connection)
                    writer = nil
                    let g = generation
                    timers.append(Task {
                        try? await Task.sleep(for: delay)
                        feed.yield(.reconnect(g))
                    })
                case .retry(let delay):
                    timers.append(Task {
                        try? await Task.sleep(for: delay)
                        feed.yield(.retry)
                    })
                case .finish(let outcome):
                    generation += 1
                    await close(writer, connection)
                    return outcome
                }
            }
        }
        return .closed
    }

    /// Opens connection `generation`; its frames, and its end, come back through `feed`.
    func connect(_ generation: Int, _ feed: AsyncStream<Input>.Continuation) -> Task<Void, Never> {
        let server = self.server, trust = self.trust
        return Task {
            do {
                try await RelaySocket.connect(to: server, trust: trust) { inbound, outbound, _ in
                    feed.yield(.opened(generation, outbound))
                    for try await message in inbound.messages(maxSize: RelaySocket.maxMessage) {
                        if case .text(let text) = message { feed.yield(.frame(generation, text)) }
                    }
                }
                feed.yield(.closed(generation, "the relay closed the connection"))
            } catch {
                feed.yield(.closed(generation, RelaySocket.describe(error)))
            }
        }
    }

    /// Closes politely (a close frame), without waiting long for the relay's answer.
    func close(_ writer: WebSocketOutboundWriter?, _ connection: Task<Void, Never>?) async {
        if let writer { try? await writer.close(.normalClosure, reason: nil) }
        connection?.cancel()
    }
}
