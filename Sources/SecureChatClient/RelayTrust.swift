import HummingbirdWSClient
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import SecureChatCore
import SecureChatCrypto
import Synchronization

/// How the client decides that an `https` relay is the one meant (docs/security.md, "TLS").
/// By default, a certificate this machine's certificate authorities vouch for, for the relay's
/// host name. With a pin, exactly the certificate whose SHA-256 is the pin, whoever signed it
/// and whatever names it holds: what `serve --tls-self-signed` prints, for a relay on a LAN
/// address that no authority would certify.
public struct RelayTrust: Sendable, Equatable {
    /// SHA-256 of the relay certificate's DER encoding (32 bytes), or nil.
    public var pin: [UInt8]?

    public init(pin: [UInt8]? = nil) { self.pin = pin }

    /// `AB:CD:…` as `serve --tls-self-signed` and browsers print it (colons optional, either
    /// case) as 32 bytes; nil if it is not exactly that.
    public static func fingerprint(_ text: String) -> [UInt8]? {
        let hex = Array(text.utf8.filter { $0 != UInt8(ascii: ":") })
        // Hex digits only: `UInt8(_:radix:)` alone would also take a sign ("+F").
        guard hex.count == 64, hex.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
            || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0 | 0x20) }) else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(32)
        for i in stride(from: 0, to: 64, by: 2) {
            guard let byte = UInt8(String(decoding: hex[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
        }
        return out
    }

    /// Whether `host` is an IP address (v4 dotted or v6), which TLS cannot name in SNI.
    public static func isAddress(_ host: String) -> Bool {
        host.contains(":") || (!host.isEmpty && host.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") })
    }

    /// Why a TLS connection to a relay could not be trusted.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// An https relay at an IP address, without a pin: no authority certifies such a name.
        case addressNeedsPin(String)
        /// The relay presented another certificate than the pinned one.
        case pinMismatch(String)
        /// A pin for a relay reached over plain `http`, where there is no certificate to check.
        case pinWithoutTLS(String)
        /// The pinned certificate was presented but refused (expired, not yet valid), or the
        /// relay did not finish the TLS handshake in time.
        case pinnedHandshakeFailed(String)

        public var description: String {
            switch self {
            case .addressNeedsPin(let host):
                "the relay at \(host) is an IP address over https: give the certificate's SHA-256 fingerprint (--tls-fingerprint), as serve --tls-self-signed printed it"
            case .pinMismatch(let origin):
                "the relay at \(origin) does not present the certificate with the SHA-256 fingerprint given"
            case .pinWithoutTLS(let origin):
                "--tls-fingerprint is for https relays; \(origin) is plain http, with no certificate to check"
            case .pinnedHandshakeFailed(let why):
                "the TLS handshake with the pinned certificate failed: \(why)"
            }
        }
    }

    /// The TLS settings and SNI name for a WebSocket to `server`: nil for `http`. With a pin,
    /// the relay's certificate is read first over a connection of its own and compared with the
    /// pin; the WebSocket then trusts that certificate alone (so a second handshake cannot be
    /// answered by anyone without its private key), and host names are not checked.
    func webSocketTLS(for server: ServerAddress) async throws -> (TLSConfiguration, sni: String?)? {
        guard server.scheme == .https else {
            if pin != nil { throw Failure.pinWithoutTLS(server.description) }
            return nil
        }
        let host = server.host.hasPrefix("[") ? String(server.host.dropFirst().dropLast()) : server.host
        guard let pin else {
            if Self.isAddress(host) { throw Failure.addressNeedsPin(host) }
            return (TLSConfiguration.makeClientConfiguration(), nil)
        }
        let leaf = try await Self.certificate(host: host, port: server.port ?? 443, pin: pin)
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates([leaf])
        tls.certificateVerification = .noHostnameVerification
        // TLS names hosts, never addresses; the pinned certificate is checked whatever is named.
        return (tls, Self.isAddress(host) ? "securechat-relay.invalid" : nil)
    }

    /// The certificate `host:port` presents, if its SHA-256 is `pin`.
    static func certificate(host: String, port: Int, pin: [UInt8]) async throws -> NIOSSLCertificate {
        // Names are not checked: the pin alone decides (the callback below replaces the chain check).
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .noHostnameVerification
        let context = try NIOSSLContext(configuration: configuration)
        let seen = Seen()
        let group = MultiThreadedEventLoopGroup.singleton
        let done = group.next().makePromise(of: Void.self)
        do {
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(10))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        // Exactly the certificate pinned, whoever signed it.
                        let tls = try NIOSSLClientHandler(context: context, serverHostname: isAddress(host) ? nil : host) { certificates, promise in
                            guard let leaf = certificates.first, let der = try? leaf.toDERBytes(), SHA256.hash(der) == pin else {
                                return promise.succeed(.failed)
                            }
                            seen.certificate.withLock { $0 = leaf }
                            promise.succeed(.certificateVerified)
                        }
                        try channel.pipeline.syncOperations.addHandlers(tls, HandshakeWatcher(done: done))
                    }
                }
                .connect(host: host, port: port).get()
            defer { channel.close(promise: nil) }
            // A relay that accepts the connection and never answers is given 10 seconds.
            let deadline = channel.eventLoop.scheduleTask(in: .seconds(10)) {
                done.fail(Failure.pinnedHandshakeFailed("\(host):\(port) did not complete it within 10 seconds"))
            }
            defer { deadline.cancel() }
            try await done.futureResult.get()
        } catch {
            done.fail(error)
            if error is Failure { throw error }
            if seen.certificate.withLock({ $0 }) == nil, error is NIOSSLError { throw Failure.pinMismatch("\(host):\(port)") }
            throw error
        }
        guard let leaf = seen.certificate.withLock({ $0 }) else { throw Failure.pinMismatch("\(host):\(port)") }
        return leaf
    }
}

/// The certificate the verification callback accepted.
private final class Seen: Sendable {
    let certificate = Mutex<NIOSSLCertificate?>(nil)
}

/// Completes `done` when the TLS handshake does, and fails it if the connection ends first.
private final class HandshakeWatcher: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let done: EventLoopPromise<Void>

    init(done: EventLoopPromise<Void>) { self.done = done }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent { done.succeed() }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        done.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        done.fail(ChannelError.eof)
        context.fireChannelInactive()
    }
}
