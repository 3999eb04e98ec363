import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import NIOSSL
import SecureChatCore
import SecureChatCrypto
import SecureChatWire
import Testing

/// Something a test peer got from the relay.
enum Received: Sendable, Equatable {
    case frame(ServerFrame)
    /// Text that is not a server frame (must never happen).
    case garbage(String)
}

/// The relay refused a connection before `hello`.
struct Refused: Error {
    let error: ErrorFrame
    /// Whether the relay closed the connection after the error.
    let closed: Bool
}

struct PeerError: Error, CustomStringConvertible {
    let description: String
}

/// A real WebSocket client speaking the relay protocol, driven step by step by a test: it sends
/// frames and waits for the ones it expects. Identities are real securechat identities.
final class TestPeer: Sendable {
    let name: String
    let identity: Identity
    private let mailbox: Mailbox<Received>
    private let outbox: AsyncStream<WebSocketOutboundWriter.OutboundFrame>.Continuation
    private let task: Task<Void, Never>
    let hello: ServerFrame.Hello
    /// The origin this peer connected to (`RelayOrigin`), which its sign-in names.
    let origin: String

    var signingKey: [UInt8] { identity.signingKey.publicKey.rawRepresentation }
    var agreementKey: [UInt8] { identity.agreementKey.publicKey.rawRepresentation }
    var key: WireBytes { WireBytes(signingKey) }
    var challenge: [UInt8] { hello.challenge.bytes }

    /// Connects and reads `hello`; with `authenticate`, also signs the challenge and waits for
    /// `authenticated`.
    static func connect(port: Int, name: String, identity: Identity = .generate(), authenticate: Bool = true,
                        tls: TLSConfiguration? = nil, helloTimeout: Duration = .seconds(10)) async throws -> TestPeer {
        let inbox = Mailbox<Received>()
        let (stream, outbox) = AsyncStream.makeStream(of: WebSocketOutboundWriter.OutboundFrame.self)
        var logger = Logger(label: "test-peer")
        logger.logLevel = .error
        let url = "\(tls == nil ? "ws" : "wss")://127.0.0.1:\(port)\(RelayProtocol.webSocketPath)"
        let task = Task {
            do {
                try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 1 << 20, sniHostname: tls == nil ? nil : "localhost"),
                                                  tlsConfiguration: tls,
                                                  logger: logger) { inbound, outbound, _ in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for try await message in inbound.messages(maxSize: 1 << 22) {
                                guard case .text(let text) = message else { continue }
                                if let frame = try? FrameCoding.decodeServerFrame(Array(text.utf8)) {
                                    inbox.put(.frame(frame))
                                } else {
                                    inbox.put(.garbage(text))
                                }
                            }
                        }
                        group.addTask {
                            for await frame in stream { try await outbound.write(frame) }
                        }
                        _ = try await group.next()
                        group.cancelAll()
                    }
                }
            } catch {
                inbox.put(.garbage("connection failed: \(error)"))
            }
            inbox.close()
        }
        let first = await inbox.take(timeout: helloTimeout)
        if case .frame(.error(let e))? = first {
            // Turned away at the door: the error, then the relay closes.
            let closed = await inbox.take(timeout: .seconds(10)) == nil && inbox.isClosed
            task.cancel()
            throw Refused(error: e, closed: closed)
        }
        guard case .frame(.hello(let hello))? = first else {
            task.cancel()
            if case .garbage(let why)? = first { throw PeerError(description: "\(name): \(why)") }
            throw PeerError(description: "\(name): no hello from the relay")
        }
        let origin = RelayOrigin.canonical(scheme: tls == nil ? "ws" : "wss", host: "127.0.0.1", port: port)!
        let peer = TestPeer(name: name, identity: identity, inbox: inbox, outbox: outbox, task: task, hello: hello, origin: origin)
        if authenticate {
            peer.send(.auth(peer.authFrame()))
            let f = try await peer.next()
            guard case .authenticated = f else { throw PeerError(description: "\(name): expected authenticated, got \(f)") }
        }
        return peer
    }

    private init(name: String, identity: Identity, inbox: Mailbox<Received>,
                 outbox: AsyncStream<WebSocketOutboundWriter.OutboundFrame>.Continuation, task: Task<Void, Never>, hello: ServerFrame.Hello,
                 origin: String) {
        self.name = name; self.identity = identity; self.mailbox = inbox; self.outbox = outbox; self.task = task; self.hello = hello
        self.origin = origin
    }

    /// `auth` for this peer's identity; with `claiming`, an impostor's frame: someone else's
    /// public key, signed with this peer's own key.
    func authFrame(claiming other: [UInt8]? = nil) -> ClientFrame.Auth {
        let sig = try! identity.signingKey.signature(for: SignedPayload.auth(challenge: challenge, relayID: hello.relay, origin: origin))
        return .init(signingKey: WireBytes(other ?? signingKey), agreementKey: WireBytes(agreementKey), name: name, signature: WireBytes(sig))
    }

    // MARK: Sending

    func send(_ frame: ClientFrame) { outbox.yield(.text(String(decoding: FrameCoding.encode(frame), as: UTF8.self))) }
    func sendText(_ text: String) { outbox.yield(.text(text)) }
    func sendBinary(_ bytes: [UInt8]) { outbox.yield(.binary(ByteBuffer(bytes: bytes))) }

    /// Closes the WebSocket from this side.
    func close() {
        outbox.finish()
    }

    /// Drops the TCP connection without a close handshake, as a lost network would.
    func drop() {
        task.cancel()
    }

    // MARK: Receiving

    /// The next frame, whatever it is.
    func next(timeout: Duration = .seconds(10)) async throws -> ServerFrame {
        switch await mailbox.take(timeout: timeout) {
        case .frame(let f)?: return f
        case .garbage(let text)?: throw PeerError(description: "\(name): not a frame: \(text)")
        case nil: throw PeerError(description: mailbox.isClosed ? "\(name): connection closed" : "\(name): nothing within \(timeout)")
        }
    }

    /// The first frame `match` accepts; presence and other frames before it are skipped.
    func until<T>(timeout: Duration = .seconds(10), _ match: (ServerFrame) -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw PeerError(description: "\(name): no matching frame within \(timeout)") }
            let f = try await next(timeout: left)
            if let t = match(f) { return t }
        }
    }

    func error(timeout: Duration = .seconds(10)) async throws -> ErrorFrame {
        try await until(timeout: timeout) { if case .error(let e) = $0 { e } else { nil } }
    }

    /// Asserts that nothing at all arrives for `duration`.
    func expectSilence(for duration: Duration = .milliseconds(300), _ comment: Comment? = nil,
                       sourceLocation: SourceLocation = #_sourceLocation) async {
        if let got = await mailbox.take(timeout: duration) {
            Issue.record("\(name) expected nothing but got \(got) \(comment.map { "(\($0))" } ?? "")", sourceLocation: sourceLocation)
        }
    }

    /// Waits for the relay to close this connection.
    func expectClosed(timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await mailbox.take(timeout: deadline - ContinuousClock.now) == nil, mailbox.isClosed { return }
        }
        throw PeerError(description: "\(name): still open after \(timeout)")
    }
}
