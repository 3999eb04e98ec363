import HummingbirdWSClient
import Logging
import SecureChatCore
import SecureChatWire

/// The WebSocket to a relay: where it is, how it is configured, how its failures read.
enum RelaySocket {
    /// `ws://HOST:PORT/v1/ws`, or `wss://` for an `https` relay address.
    static func url(for server: ServerAddress) -> String {
        let scheme = server.scheme == .https ? "wss" : "ws"
        return "\(scheme)://\(server.host)" + (server.port.map { ":\($0)" } ?? "") + RelayProtocol.webSocketPath
    }

    /// Frames up to four times the protocol's default frame limit (the relay's own ceiling),
    /// and a short close handshake: a client that is done should not linger.
    static let configuration = WebSocketClientConfiguration(maxFrameSize: 4 * 65536, closeTimeout: .seconds(1))

    static let maxMessage = 4 * 65536

    static let logger = Logger(label: "securechat.client", factory: { _ in SwiftLogNoOpLogHandler() })

    static func text(_ frame: ClientFrame) -> String {
        String(decoding: FrameCoding.encode(frame), as: UTF8.self)
    }

    /// A short description of why a connection failed, for people.
    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        if text.contains("connectTimeout") { return "connection timed out" }
        if let e = error as? WebSocketClientError { return e.description.lowercased() }
        return text
    }
}
