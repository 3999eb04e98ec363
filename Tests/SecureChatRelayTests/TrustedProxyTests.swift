import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import SecureChatRelay
import Testing

/// Behind a proxy every socket has the proxy's address; `--trusted-proxy` lets the relay count
/// limits against the client that proxy names, and nobody else's forwarding header is believed.
@Suite struct TrustedProxyTests {
    @Test func networksParseStrictly() {
        let good: [(String, String)] = [
            ("127.0.0.1", "127.0.0.1/32"), ("10.1.2.3/8", "10.0.0.0/8"), ("0.0.0.0/0", "0.0.0.0/0"), ("::1", "::1/128"),
            ("fd00::1/8", "fd00::/8"), ("::ffff:192.0.2.7", "192.0.2.7/32"), ("192.0.2.255/25", "192.0.2.128/25"),
        ]
        for (text, canonical) in good { #expect(IPNetwork(text)?.description == canonical, "\(text)") }
        for bad in ["", "/8", "10.0.0.0/", "10.0.0.0/33", "::1/129", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/ 8", "10.0.0.0/0008",
                    "10.0.0", "localhost", " 10.0.0.1", "10.0.0.1/8/8", "fe80::1%eth0", "1.2.3.4.5", "256.0.0.1"] {
            #expect(IPNetwork(bad) == nil, "\(bad)")
        }
        let net = IPNetwork("10.0.0.0/8")!
        #expect(net.contains(IPAddress.parse("10.255.0.1")!) && !net.contains(IPAddress.parse("11.0.0.1")!))
        #expect(!net.contains(IPAddress.parse("::1")!))
    }

    /// Each row: peer, header values, header kind, trusted networks → the client, or the error.
    @Test func resolvingTheClientAddress() {
        let proxy = [IPNetwork("127.0.0.1")!, IPNetwork("10.0.0.0/8")!]
        let xff = ForwardedHeader.xForwardedFor, fwd = ForwardedHeader.forwarded
        let table: [(String?, [String], ForwardedHeader, [IPNetwork], String)] = [
            // An untrusted peer is its own client, whatever it claims.
            ("192.0.2.9", ["198.51.100.1"], xff, proxy, "192.0.2.9"),
            ("192.0.2.9", ["not an address"], xff, proxy, "192.0.2.9"),
            ("127.0.0.1", ["198.51.100.1"], xff, [], "127.0.0.1"),
            ("::ffff:192.0.2.9", [], xff, proxy, "192.0.2.9"),
            (nil, ["198.51.100.1"], xff, proxy, "unknown"),
            // A trusted proxy names the client; the nearest untrusted hop wins over what the client wrote.
            ("127.0.0.1", ["198.51.100.1"], xff, proxy, "198.51.100.1"),
            ("127.0.0.1", ["6.6.6.6, 198.51.100.1"], xff, proxy, "198.51.100.1"),
            ("127.0.0.1", ["garbage, 198.51.100.1, 10.0.0.7"], xff, proxy, "198.51.100.1"),
            ("127.0.0.1", ["6.6.6.6", "198.51.100.1"], xff, proxy, "198.51.100.1"),
            ("127.0.0.1", ["198.51.100.1:4711"], xff, proxy, "198.51.100.1"),
            // IPv6 clients are their /64: any address in it is theirs to choose.
            ("127.0.0.1", ["[2001:db8::1]:4711"], xff, proxy, "2001:db8::/64"),
            ("127.0.0.1", ["2001:DB8:0:0:ffff::1"], xff, proxy, "2001:db8::/64"),
            ("127.0.0.1", ["2001:db8:0:1::1"], xff, proxy, "2001:db8:0:1::/64"),
            ("2001:db8:5:6:7::9", [], xff, proxy, "2001:db8:5:6::/64"),
            ("127.0.0.1", [" 198.51.100.1\t"], xff, proxy, "198.51.100.1"),
            ("127.0.0.1", ["10.0.0.5, 10.0.0.6"], xff, proxy, "10.0.0.5"),
            ("127.0.0.1", [], xff, proxy, "127.0.0.1"),
            ("127.0.0.1", ["for=198.51.100.1;proto=https"], fwd, proxy, "198.51.100.1"),
            ("127.0.0.1", [#"for=6.6.6.6, For="[2001:db8:cafe::17]:4711";by=10.0.0.1"#], fwd, proxy, "2001:db8:cafe::/64"),
            ("127.0.0.1", ["198.51.100.1"], fwd, proxy, "error: a Forwarded element needs exactly one for= parameter: '198.51.100.1'"),
            ("127.0.0.1", ["for=unknown"], fwd, proxy, "error: forwarded names no IP address: 'for=unknown'"),
            ("127.0.0.1", ["for=_hidden"], fwd, proxy, "error: forwarded names no IP address: 'for=_hidden'"),
            ("127.0.0.1", [#"for="198.51.100.1"#], fwd, proxy, #"error: unbalanced quotes in Forwarded: 'for="198.51.100.1'"#),
            ("127.0.0.1", ["for=1.1.1.1;for=2.2.2.2"], fwd, proxy, "error: a Forwarded element needs exactly one for= parameter: 'for=1.1.1.1;for=2.2.2.2'"),
            ("127.0.0.1", ["198.51.100.1, "], xff, proxy, "error: x-forwarded-for names no IP address: ' '"),
            ("127.0.0.1", ["unknown"], xff, proxy, "error: x-forwarded-for names no IP address: 'unknown'"),
            ("127.0.0.1", ["198.51.100.1:"], xff, proxy, "error: x-forwarded-for names no IP address: '198.51.100.1:'"),
            ("127.0.0.1", ["198.51.100.1:123456"], xff, proxy, "error: x-forwarded-for names no IP address: '198.51.100.1:123456'"),
            ("127.0.0.1", ["[198.51.100.1]"], xff, proxy, "error: x-forwarded-for names no IP address: '[198.51.100.1]'"),
            ("127.0.0.1", ["2001:db8::1:80"], xff, proxy, "2001:db8::/64"),
            ("127.0.0.1", ["\u{1b}[31m"], xff, proxy, "error: x-forwarded-for names no IP address: '?[31m'"),
            ("127.0.0.1", [Array(repeating: "10.0.0.1", count: 33).joined(separator: ",")], xff, proxy,
             "error: x-forwarded-for names more than 32 trusted proxies"),
            // What a client wrote to the left of the nearest untrusted hop is never read, however long.
            ("127.0.0.1", [Array(repeating: "junk", count: 100).joined(separator: ",") + ", 198.51.100.1"], xff, proxy, "198.51.100.1"),
        ]
        for (peer, values, header, trusted, expected) in table {
            let got: String
            do { got = try ClientAddress.resolve(peer: peer, headerValues: values, header: header, trusted: trusted) } catch {
                got = "error: \(error)"
            }
            #expect(got == expected, "\(peer ?? "nil") \(values)")
        }
    }

    /// Live: with the test client's 127.0.0.1 trusted, connections count against the address in
    /// `X-Forwarded-For`; without it, the header changes nothing.
    @Test func limitsCountTheForwardedClient() async throws {
        try await TestRelay.with({ $0.limits.connectionsPerAddress = 1; $0.trustedProxies = [IPNetwork("127.0.0.1")!] }) { live in
            var held: [RawWebSocket] = []
            let opened1 = try Self.opens(live.port, as: "198.51.100.1", &held)
            #expect(opened1)
            let opened2 = try Self.opens(live.port, as: "198.51.100.1", &held)
            #expect(!opened2)
            let opened3 = try Self.opens(live.port, as: "198.51.100.2", &held)
            #expect(opened3)
            // A proxy's header that names nobody is refused in HTTP, before any upgrade.
            #expect(throws: RawWebSocket.Failure.self) { _ = try RawWebSocket(port: live.port, headers: [("X-Forwarded-For", "nobody")]) }
        }
        try await TestRelay.with({ $0.limits.connectionsPerAddress = 1 }) { live in
            var held: [RawWebSocket] = []
            let opened4 = try Self.opens(live.port, as: "198.51.100.1", &held)
            #expect(opened4)
            let opened5 = try Self.opens(live.port, as: "198.51.100.2", &held)
            #expect(!opened5)
        }
    }

    /// Whether a connection naming `client` is greeted with `hello` (not `too_many_connections`);
    /// the socket stays open in `held` so that it keeps counting.
    static func opens(_ port: Int, as client: String, _ held: inout [RawWebSocket]) throws -> Bool {
        let socket = try RawWebSocket(port: port, headers: [("X-Forwarded-For", client)])
        held.append(socket)
        return try socket.next()?.text.contains("\"hello\"") == true
    }

    /// A plain GET of the WebSocket path says what it is (426), every response carries the strict
    /// headers, and HEAD works as GET without a body.
    @Test func plainRequestsGetClearAnswers() async throws {
        try await TestRelay.with { live in
            let plain = try await live.http.execute(uri: "/v2/ws", method: .get)
            #expect(plain.status == .upgradeRequired && plain.headers[.upgrade] == "websocket")
            #expect(String(buffer: plain.body).contains("WebSocket"))
            for uri in ["/v2/ws", "/nothing/here", "/health", "/"] {
                let r = try await live.http.execute(uri: uri, method: .get)
                #expect(r.headers[.cacheControl] == "no-store" && r.headers[.contentSecurityPolicy] != nil, "\(uri)")
                #expect(r.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff", "\(uri)")
            }
            let head = try await live.http.execute(uri: "/health", method: .head)
            #expect(head.status == .ok && head.body.readableBytes == 0)
            let missing = try await live.http.execute(uri: "/nothing", method: .head)
            #expect(missing.status == .notFound)
        }
    }
}
