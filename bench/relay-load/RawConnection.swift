import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import SecureChatCrypto
import SecureChatWire
import Synchronization

/// A protocol client built on NIO handlers, so that frames are handled on the event loop as they
/// arrive, with no task switch per frame: the load generator should cost as little as possible
/// next to the relay it measures. `message` and `ack` frames are recognised from their last
/// bytes (the relay writes keys sorted, so `"type"` comes last) and passed to callbacks raw;
/// every other frame is decoded and queued for the set-up steps.
final class RawConnection: Sendable {
    let signing: Curve25519.Signing.PrivateKey
    let agreement: Curve25519.KeyAgreement.PrivateKey
    let control: Queue<ServerFrame>
    let channel: any Channel
    /// The origin this connection's sign-in names (`RelayOrigin`).
    let origin: String
    private let hello = Mutex<[UInt8]>([])
    var challenge: [UInt8] { hello.withLock { $0 } }
    var key: WireBytes { WireBytes(signing.publicKey.rawRepresentation) }

    static let messageSuffix = ByteBuffer(string: #""type":"message"}"#)
    static let ackSuffix = ByteBuffer(string: #""type":"ack"}"#)

    /// `control` is the queue the connection's frame handler fills.
    private init(channel: any Channel, control: Queue<ServerFrame>, origin: String) {
        self.origin = origin
        signing = Curve25519.Signing.PrivateKey()
        agreement = Curve25519.KeyAgreement.PrivateKey()
        self.channel = channel
        self.control = control
    }

    /// Connects to `ws://host:port/v2/ws`; `onMessage` and `onAck` run on the event loop.
    static func connect(host: String, port: Int, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                        onMessage: @escaping @Sendable (ByteBuffer) -> Void = { _ in },
                        onAck: @escaping @Sendable (ByteBuffer) -> Void = { _ in }) async throws -> RawConnection {
        let control = Queue<ServerFrame>()
        // One event loop per connection, taken once: `next()` hands out loops in turn, so a second
        // call here would put every connection on the same loop.
        let loop = group.next()
        let upgraded = loop.makePromise(of: Void.self)
        let channel = try await ClientBootstrap(group: loop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                let upgrader = NIOWebSocketClientUpgrader(maxFrameSize: 1 << 20) { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            FrameHandler(control: control, onMessage: onMessage, onAck: onAck))
                        upgraded.succeed()
                    }
                }
                return channel.eventLoop.makeCompletedFuture {
                    // The relay's hello can arrive in the same read as the upgrade response: keep it.
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(
                        leftOverBytesStrategy: .forwardBytes,
                        withClientUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                    try channel.pipeline.syncOperations.addHandler(UpgradeRequest(host: host, port: port))
                }
            }
            .connect(host: host, port: port).get()
        try await upgraded.futureResult.get()
        return RawConnection(channel: channel, control: control,
                             origin: RelayOrigin.canonical(scheme: "ws", host: host, port: port) ?? "ws://\(host):\(port)")
    }

    func send(text: String) {
        var buffer = channel.allocator.buffer(capacity: text.utf8.count)
        buffer.writeString(text)
        channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: buffer), promise: nil)
    }

    func send(_ frame: ClientFrame) { send(text: String(decoding: FrameCoding.encode(frame), as: UTF8.self)) }

    func close() { channel.close(promise: nil) }

    /// Waits for a control frame that `match` accepts; an error frame fails.
    func wait<T>(_ what: String, _ match: (ServerFrame) -> T?) async throws -> T {
        while let f = await control.take(timeout: .seconds(30)) {
            if let t = match(f) { return t }
            if case .error(let e) = f { throw LoadError("\(what): \(e.code.rawValue): \(e.message)") }
        }
        throw LoadError("\(what): no answer from the relay")
    }

    /// `hello`, then `auth`.
    func authenticate(name: String) async throws {
        let h = try await wait("hello") { if case .hello(let h) = $0 { h } else { nil } }
        hello.withLock { $0 = h.challenge.bytes }
        let sig = try signing.signature(for: SignedPayload.auth(challenge: challenge, relayID: h.relay, origin: origin))
        send(.auth(.init(signingKey: key, agreementKey: WireBytes(agreement.publicKey.rawRepresentation), name: name,
                         signature: WireBytes(sig))))
        _ = try await wait("auth") { if case .authenticated(let a) = $0 { a } else { nil } }
    }

    static let clientIDKey = Array(#""client_id":""#.utf8)

    /// The value of `"client_id"` in a raw frame, scanned over the raw bytes: a generic search
    /// over the buffer's view costs tens of microseconds per frame, which would be measured as
    /// relay latency.
    static func clientID(_ data: ByteBuffer) -> Substring? {
        data.withUnsafeReadableBytes { bytes -> Substring? in
            clientIDKey.withUnsafeBytes { key -> Substring? in
                guard bytes.count >= key.count else { return nil }
                var i = 0
                while i <= bytes.count - key.count {
                    if bytes[i] == key[0], memcmp(bytes.baseAddress! + i, key.baseAddress!, key.count) == 0 {
                        let start = i + key.count
                        guard let end = bytes[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
                        return Substring(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
                    }
                    i += 1
                }
                return nil
            }
        }
    }

    static func ends(_ data: ByteBuffer, with suffix: ByteBuffer) -> Bool {
        data.readableBytes >= suffix.readableBytes
            && data.readableBytesView.suffix(suffix.readableBytes).elementsEqual(suffix.readableBytesView)
    }
}

/// Sends the HTTP upgrade request once connected.
private final class UpgradeRequest: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart
    let host: String
    let port: Int

    init(host: String, port: Int) { self.host = host; self.port = port }

    func channelActive(context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "\(host):\(port)")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: RelayProtocol.webSocketPath, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }
}

/// WebSocket frames from the relay, handled on the event loop.
private final class FrameHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame
    let control: Queue<ServerFrame>
    let onMessage: @Sendable (ByteBuffer) -> Void
    let onAck: @Sendable (ByteBuffer) -> Void

    init(control: Queue<ServerFrame>, onMessage: @escaping @Sendable (ByteBuffer) -> Void, onAck: @escaping @Sendable (ByteBuffer) -> Void) {
        self.control = control; self.onMessage = onMessage; self.onAck = onAck
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            let text = frame.unmaskedData
            if RawConnection.ends(text, with: RawConnection.messageSuffix) {
                onMessage(text)
            } else if RawConnection.ends(text, with: RawConnection.ackSuffix) {
                onAck(text)
            } else if let f = try? FrameCoding.decodeServerFrame(text.readableBytesView) {
                control.put(f)
            }
        case .ping:
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)),
                                  promise: nil)
        case .connectionClose:
            context.close(promise: nil)
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        control.close()
        context.fireChannelInactive()
    }
}
