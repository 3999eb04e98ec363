import HummingbirdWSClient
import Logging
import NIOSSL
import SecureChatCore
import SecureChatWire

/// The WebSocket to a relay: where it is, how it is configured, how its failures read.
public enum RelaySocket {
    /// The origin the relay-auth signature names for `server` (`RelayOrigin`): `ws://host:port`,
    /// or `wss://host:port` for an `https` relay address, with the default port written out.
    public static func origin(for server: ServerAddress) -> String {
        RelayOrigin.canonical(scheme: server.scheme == .https ? "wss" : "ws", host: server.host, port: server.port)
            ?? "\(server.scheme == .https ? "wss" : "ws")://\(server.host.lowercased()):\(server.port ?? (server.scheme == .https ? 443 : 80))"
    }

    /// `ws://HOST:PORT/v2/ws`, or `wss://` for an `https` relay address.
    static func url(for server: ServerAddress) -> String {
        let scheme = server.scheme == .https ? "wss" : "ws"
        return "\(scheme)://\(server.host)" + (server.port.map { ":\($0)" } ?? "") + RelayProtocol.webSocketPath
    }

    /// Frames up to four times the protocol's default frame limit (the relay's own ceiling),
    /// and a short close handshake: a client that is done should not linger.
    static let configuration = WebSocketClientConfiguration(maxFrameSize: 4 * 65536, closeTimeout: .seconds(1))

    static let maxMessage = 4 * 65536

    static let logger = Logger(label: "securechat.client", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Opens a WebSocket to `server`'s relay, trusting its certificate as `trust` says, and runs
    /// `handler` on it. Throws `RelayTrust.Failure` before connecting when the relay cannot be
    /// trusted, and the WebSocket client's errors otherwise.
    static func connect(to server: ServerAddress, trust: RelayTrust,
                        handler: @escaping WebSocketDataHandler<WebSocketClient.Context>) async throws {
        var configuration = Self.configuration
        let tls = try await trust.webSocketTLS(for: server)
        if let sni = tls?.sni { configuration.sniHostname = sni }
        do {
            try await WebSocketClient.connect(url: url(for: server), configuration: configuration, tlsConfiguration: tls?.0, logger: logger,
                                              handler: handler)
        } catch let error as NIOSSLError where trust.pin != nil {
            // The certificate was the pinned one a moment ago: it is out of its validity period,
            // or the relay changed it in between.
            throw RelayTrust.Failure.pinnedHandshakeFailed("the relay's certificate was refused (expired, not yet valid, or replaced): \(error)")
        }
    }

    static func text(_ frame: ClientFrame) -> String {
        String(decoding: FrameCoding.encode(frame), as: UTF8.self)
    }

    /// A short description of why a connection failed, for people.
    static func describe(_ error: any Error) -> String {
        if let e = error as? RelayTrust.Failure { return e.description }
        let text = String(describing: error)
        if text.contains("handshakeFailed") || text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "its TLS certificate is not one this machine trusts (for a relay started with --tls-self-signed, give the SHA-256 fingerprint it printed: --tls-fingerprint)"
        }
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        if text.contains("connectTimeout") { return "connection timed out" }
        if let e = error as? WebSocketClientError { return e.description.lowercased() }
        return text
    }
}
