import Foundation
import SecureChatCore
import SecureChatCrypto
@testable import SecureChatRelay
import SecureChatWire
import Testing

/// What a client signs to sign in, made the way a real client makes it for the relay it meant to
/// reach (`origin`) and the `hello` it was shown.
func clientAuth(_ identity: Identity, name: String, hello: ServerFrame.Hello, origin: String) -> ClientFrame.Auth {
    let payload = SignedPayload.auth(challenge: hello.challenge.bytes, relayID: hello.relay, origin: origin)
    let signature = try! identity.signingKey.signature(for: payload)
    return .init(signingKey: WireBytes(identity.signingKey.publicKey.rawRepresentation),
                 agreementKey: WireBytes(identity.agreementKey.publicKey.rawRepresentation), name: name, signature: WireBytes(signature))
}

/// A relay the user connects to must not be able to sign in to another relay as the user
/// (issue 17, finding 4): the sign-in names the relay and the origin the client meant to reach.
@Suite struct ForwardedAuthTests {
    @Test func aSignInForwardedFromAnotherRelayIsRefused() async throws {
        try await TestRelay.with { live in
            // The hostile relay opens its own connection to this relay and shows the victim this
            // relay's hello (challenge and relay id) as if it were its own.
            let forwarder = try await live.connect("Victim", authenticate: false)
            let victim = Identity.generate()
            forwarder.send(.auth(clientAuth(victim, name: "Victim", hello: forwarder.hello, origin: "ws://evil.example:5000")))
            let refused = try await forwarder.error()
            #expect(refused.code == .badSignature)
            try await forwarder.expectClosed()
        }
    }

    @Test func theSameSignInForThisRelaysOriginIsAccepted() async throws {
        try await TestRelay.with { live in
            let peer = try await live.connect("Victim", authenticate: false)
            peer.send(.auth(clientAuth(peer.identity, name: "Victim", hello: peer.hello, origin: "ws://127.0.0.1:\(live.port)")))
            guard case .authenticated = try await peer.next() else { Issue.record("the honest sign-in was refused"); return }
        }
    }

    /// Behind a proxy the relay knows its public origins (`--public-url`): a forwarder that
    /// names its own host in the Host header still cannot use a sign-in made for it.
    @Test func withPublicURLsTheHostHeaderDoesNotChooseTheOrigin() async throws {
        try await TestRelay.with({ $0.publicOrigins = ["wss://relay.example.org:443"] }) { live in
            let port = live.port
            // Blocking sockets, so on a thread of their own rather than the tasks' shared pool.
            let (refusal, answer) = try await Self.onThread { () throws -> (ServerFrame, ServerFrame) in
                let victim = Identity.generate()
                let forged = try RawWebSocket(port: port, host: "evil.example:5000")
                let hello = try Self.hello(forged)
                forged.send(text: String(decoding: FrameCoding.encode(.auth(clientAuth(victim, name: "V", hello: hello,
                                                                                            origin: "ws://evil.example:5000"))), as: UTF8.self))
                let refusal = try FrameCoding.decodeServerFrame(try forged.next(where: { $0.opcode == RawWebSocket.text }).payload)
                // A client that meant the public URL signs in, whatever Host the proxy passed on.
                let honest = try RawWebSocket(port: port)
                let h = try Self.hello(honest)
                honest.send(text: String(decoding: FrameCoding.encode(.auth(clientAuth(victim, name: "V", hello: h,
                                                                                           origin: "wss://relay.example.org:443"))), as: UTF8.self))
                let answer = try FrameCoding.decodeServerFrame(try honest.next(where: { $0.opcode == RawWebSocket.text }).payload)
                return (refusal, answer)
            }
            guard case .error(let e) = refusal else { Issue.record("expected an error, got \(refusal)"); return }
            #expect(e.code == .badSignature && e.message.contains("wss://relay.example.org:443"))
            guard case .authenticated = answer else { Issue.record("expected authenticated, got \(answer)"); return }
        }
    }

    static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    static func hello(_ socket: RawWebSocket) throws -> ServerFrame.Hello {
        let first = try FrameCoding.decodeServerFrame(try socket.next(where: { $0.opcode == RawWebSocket.text }).payload)
        guard case .hello(let h) = first else { throw PeerError(description: "no hello: \(first)") }
        return h
    }

    @Test func originsAreWrittenCanonically() {
        #expect(RelayOrigin.canonical(scheme: "https", host: "Relay.Example.ORG", port: nil) == "wss://relay.example.org:443")
        #expect(RelayOrigin.canonical(scheme: "ws", host: "127.0.0.1", port: 5000) == "ws://127.0.0.1:5000")
        #expect(RelayOrigin.canonical(scheme: "http", host: "[::1]", port: nil) == "ws://[::1]:80")
        #expect(RelayOrigin.fromHost("Example.com", tls: true) == "wss://example.com:443")
        #expect(RelayOrigin.fromHost("[::1]:8080", tls: false) == "ws://[::1]:8080")
        #expect(RelayOrigin.fromURL("https://relay.example.org/") == "wss://relay.example.org:443")
        #expect(RelayOrigin.fromURL("http://relay.example.org:8080/path") == "ws://relay.example.org:8080")
        for bad in ["ftp://x", "relay.example.org", "https://user@x", "https://", "https://x:0", "https://x:65536", "https://a b"] {
            #expect(RelayOrigin.fromURL(bad) == nil, "\(bad)")
        }
        #expect(RelayOrigin.fromHost("x:99999999999999999999999", tls: false) == nil)
    }
}
