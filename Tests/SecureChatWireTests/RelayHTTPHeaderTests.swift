import SecureChatWire
import Testing

/// What the relay reads from HTTP requests: the log export's query and signature headers, and
/// a WebSocket upgrade's `Origin` (docs/protocol.md, "HTTP" and "Transport").
@Suite struct RelayHTTPHeaderTests {
    static let key = Base64URL.encode([UInt8](repeating: 7, count: 32))
    static let nonce = Base64URL.encode([UInt8](repeating: 9, count: 16))
    static let signature = Base64URL.encode([UInt8](repeating: 1, count: 64))
    static let signed: [(name: String, value: String)] = [
        ("X-Securechat-Key", key), ("X-Securechat-Time", "1700000000"), ("X-Securechat-Nonce", nonce),
        ("X-Securechat-Signature", signature),
    ]

    /// `signed` with `name` set to `value` (nil: removed), and `extra` fields after it.
    static func headers(_ name: String? = nil, _ value: String? = nil, extra: [(String, String)] = []) -> [(name: String, value: String)] {
        var h = signed.filter { $0.name != name }
        if let name, let value { h.append((name, value)) }
        return h + extra.map { (name: $0.0, value: $0.1) }
    }

    @Test func aSignedRequestReads() throws {
        let r = try LogExportRequest(query: [("after", "12"), ("format", "jsonl"), ("other", "x")],
                                     headers: Self.headers(extra: [("Accept", "*/*")]))
        #expect(r == LogExportRequest(after: 12, format: .jsonl, key: [UInt8](repeating: 7, count: 32), time: 1_700_000_000,
                                      nonce: Self.nonce, signature: [UInt8](repeating: 1, count: 64)))
        // Defaults: after=0, text. Header names in any case.
        let lower = Self.signed.map { (name: $0.name.lowercased(), value: $0.value) }
        let plain = try LogExportRequest(query: [], headers: lower)
        #expect(plain.after == 0 && plain.format == .text)
        // What a client writes reads back as the same request.
        #expect(try LogExportRequest(query: r.query, headers: r.headers) == r)
        #expect(try LogExportRequest(query: plain.query, headers: plain.headers) == plain)
        // The nonce is kept as sent: the signature covers its text. A padded key is the same key.
        let padded = try LogExportRequest(query: [], headers: Self.headers("X-Securechat-Key", Self.key + "="))
        #expect(padded.key == plain.key)
    }

    /// A request made of `query` and `headers` is refused with exactly `error`.
    func refused(_ error: LogExportRequest.Failure, query: [(name: String, value: String)] = [],
                 headers: [(name: String, value: String)] = RelayHTTPHeaderTests.signed, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: error, sourceLocation: sourceLocation) { try LogExportRequest(query: query, headers: headers) }
    }

    /// `count` bytes of 1, base64url.
    static func b64(_ count: Int) -> String { Base64URL.encode([UInt8](repeating: 1, count: count)) }

    @Test func malformedQueriesGetTheirExactError() {
        for after in ["-1", "", "+5", "007", "-0", "1.0", " 1", "1 ", "0x10", "١", "9223372036854775808", "99999999999999999999999"] {
            refused(.after, query: [("after", after)])
        }
        refused(.repeated("after"), query: [("after", "1"), ("after", "2")])
        refused(.repeated("after"), query: [("after", "1"), ("after", "1")])
        for format in ["json", "JSONL", "", "jsonl ", "text\u{0}"] {
            refused(.format, query: [("format", format)])
        }
        refused(.repeated("format"), query: [("format", "text"), ("format", "jsonl")])
        // The query is read before the headers.
        refused(.after, query: [("after", "x")], headers: [])
    }

    @Test func malformedHeadersGetTheirExactError() {
        refused(.unsigned([.key, .time, .nonce, .signature]), headers: [])
        refused(.unsigned([.nonce]), headers: Self.headers("X-Securechat-Nonce", nil))
        refused(.unsigned([.key, .signature]), headers: Self.headers("X-Securechat-Key", nil).filter { $0.name != "X-Securechat-Signature" })
        refused(.repeated("X-Securechat-Time"), headers: Self.headers(extra: [("x-securechat-time", "1")]))
        refused(.repeated("X-Securechat-Signature"), headers: Self.headers(extra: [("X-Securechat-Signature", Self.signature)]))

        let plus = String(Self.key.map { $0 == "B" ? "+" : $0 })
        let trailingBits = String(Self.key.dropLast()) + "x"
        for key in ["", Base64URL.encode([UInt8](repeating: 7, count: 31)), Base64URL.encode([UInt8](repeating: 7, count: 33)), plus,
                    trailingBits, Self.key + "==", " " + Self.key] {
            refused(.key, headers: Self.headers("X-Securechat-Key", key))
        }
        for time in ["", "+1700000000", "01700000000", "-0", "1700000000.5", "1e9", " 1700000000", "9223372036854775808",
                     "-9223372036854775809"] {
            refused(.time, headers: Self.headers("X-Securechat-Time", time))
        }
        for nonce in ["", Self.b64(15), Self.b64(65), "not base64!not base64!", Self.nonce + "="] {
            refused(.nonce, headers: Self.headers("X-Securechat-Nonce", nonce))
        }
        for signature in ["", Self.b64(63), Self.b64(65), "%%%"] {
            refused(.signature, headers: Self.headers("X-Securechat-Signature", signature))
        }
        // Key first, then time, nonce and signature.
        refused(.key, headers: [("X-Securechat-Key", "x"), ("X-Securechat-Time", "x"), ("X-Securechat-Nonce", "x"), ("X-Securechat-Signature", "x")])
        refused(.nonce, headers: Self.headers("X-Securechat-Nonce", "x").filter { $0.name != "X-Securechat-Signature" } + [("X-Securechat-Signature", "x")])
    }

    /// The sentence each failure is answered with, and whether it is a 400 or a 401.
    @Test func failuresSayWhatToFix() {
        typealias F = LogExportRequest.Failure
        let table: [(F, String, Bool)] = [
            (.after, "after must be a sequence number (0 or more, in decimal)", true),
            (.format, "format must be text or jsonl", true),
            (.repeated("after"), "after may be given only once", true),
            (.repeated("X-Securechat-Time"), "X-Securechat-Time may be given only once", false),
            (.unsigned([.nonce]), "sign the request: X-Securechat-Key, X-Securechat-Time, X-Securechat-Nonce, X-Securechat-Signature (missing: X-Securechat-Nonce)", false),
            (.key, "X-Securechat-Key must be a 32-byte Ed25519 public key, base64url", false),
            (.time, "X-Securechat-Time must be Unix seconds in decimal", false),
            (.nonce, "X-Securechat-Nonce must be 16 to 64 random bytes, base64url", false),
            (.signature, "X-Securechat-Signature must be a 64-byte Ed25519 signature, base64url", false),
        ]
        for (failure, text, badRequest) in table {
            #expect(failure.description == text)
            #expect(failure.isBadRequest == badRequest, "\(failure)")
        }
    }

    @Test func browserOriginRules() {
        let relay = ["ws://127.0.0.1:5000"]
        let table: [(String?, Bool)] = [
            (nil, true), ("ws://127.0.0.1", true), ("wss://x", true), ("http://127.0.0.1:5000", true), ("HTTP://127.0.0.1:5000", true),
            ("http://127.0.0.1", false), ("https://127.0.0.1:5000", false), ("http://localhost:5000", false), ("null", false),
            ("http://127.0.0.1:5000/", false), ("http://a@127.0.0.1:5000", false), ("", false), ("moz-extension://x", false),
            // An origin has no query or fragment either.
            ("http://127.0.0.1:5000?x", false), ("http://127.0.0.1:5000#x", false), ("http://127.0.0.1:5000?", false),
            ("http://127.0.0.1:5000:5000", false), ("http://[::1]:5000", false), ("http://", false),
        ]
        for (origin, allowed) in table {
            #expect(BrowserOrigin.mayConnect(origin: origin, relayOrigins: relay) == allowed, "\(origin ?? "nil")")
        }
        #expect(BrowserOrigin.mayConnect(origin: "https://relay.example.org", relayOrigins: ["wss://relay.example.org:443"]))
        #expect(BrowserOrigin.mayConnect(origin: "http://[::1]:5000", relayOrigins: ["ws://[::1]:5000"]))
    }
}
