// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "securechat",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "securechat", targets: ["securechat"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // ML-KEM-768 / X-Wing and HPKE for age's post-quantum recipients (OpenSSL 3.0 has no ML-KEM).
        // Already built for the relay's TLS (swift-certificates), so it adds little build time.
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        // The relay: HTTP and WebSocket server, embedded SQLite store, structured logs.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Also the client's WebSocket (HummingbirdWSClient).
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The PostgreSQL client for `serve --db postgres://` (relays sharing one database): the
        // wire protocol with SCRAM authentication, TLS, a connection pool and typed rows, on the
        // SwiftNIO the relay already runs on.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Already in the graph through Hummingbird; named for the few types the relay uses directly
        // (WebSocket frames and channels, TLS certificates, the service group and its signals).
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        // The relay's GET /metrics in the Prometheus text format. Small (its dependencies,
        // swift-atomics and swift-metrics, are already in the graph through SwiftNIO and
        // Hummingbird), and the exposition format is not ours to get subtly wrong.
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // System libraries, found through pkg-config; apt names given for a helpful error.
        .systemLibrary(
            name: "COpenSSL", pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CQREncode", pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(
            name: "CPNG", pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]),

        // The only importer of COpenSSL, and of swift-crypto (for MLKEM768-X25519 only).
        .target(
            name: "SecureChatCrypto",
            dependencies: ["COpenSSL", .product(name: "Crypto", package: "swift-crypto")]),
        // Formats and domain: values in, values or typed errors out. No printing, exiting or sockets.
        // Wire for the protocol's identifier rules (a room id is defined once, there).
        .target(name: "SecureChatCore", dependencies: ["SecureChatCrypto", "SecureChatWire"]),
        // Invite link -> QR matrix (libqrencode) -> PNG (libpng) / SVG / terminal text.
        .target(name: "SecureChatQR", dependencies: ["CQREncode", "CPNG"]),
        // Relay frames (Codable), protocol version, error codes, signed-payload layouts. Foundation only.
        .target(name: "SecureChatWire"),
        // The group-state chain (signed, hash-chained membership and key changes): its format and
        // rules, shared by the relay (which checks what it can without room keys) and clients.
        .target(name: "SecureChatGroup", dependencies: ["SecureChatWire", "SecureChatCrypto"]),
        // The browser client: HTML, CSS and JavaScript modules in web/client, compiled into the
        // module as byte arrays (SwiftPM's embedInCode: no bundle beside the binary, no build step
        // of our own) for the relay to serve. The JavaScript's tests are in Tests/Web.
        .target(name: "SecureChatWeb", path: "web", resources: [.embedInCode("client")]),
        // The relay server. Wire + server libraries + Crypto (signature checks, random) only: never
        // Core, which holds room keys and message formats, so the relay cannot decrypt by construction.
        .target(
            name: "SecureChatRelay",
            dependencies: [
                "SecureChatWire", "SecureChatCrypto", "SecureChatGroup", "SecureChatWeb",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                // Its locks are pthread mutexes, which ThreadSanitizer sees (docs/testing.md).
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        // The chat client: the session state machine (no sockets) and the WebSocket driver that
        // feeds it, with reconnect, resume and resend. No printing: the executable renders.
        .target(
            name: "SecureChatClient",
            dependencies: [
                "SecureChatCore", "SecureChatWire", "SecureChatCrypto", "SecureChatGroup",
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                // A relay's self-signed certificate, pinned by fingerprint (RelayTrust); already
                // built for the WebSocket client's TLS.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),
        // The executable: the only module that parses arguments, prints or exits.
        .executableTarget(
            name: "securechat",
            dependencies: [
                "SecureChatCore", "SecureChatCrypto", "SecureChatQR", "SecureChatRelay", "SecureChatClient", "SecureChatWire", "SecureChatWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // inspect --web fetches the served browser client over HTTP(S); already built for the relay.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),

        // bench/: a load generator that speaks the relay protocol (fan-out throughput and latency,
        // idle connections); bench/relay.sh runs it against `securechat serve`.
        .executableTarget(
            name: "relay-load",
            dependencies: [
                "SecureChatWire", "SecureChatCrypto", "SecureChatCore", "SecureChatGroup",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            path: "bench/relay-load"),

        // fuzz/: a fuzz target for every parser of outside input, with round-trip properties, and
        // its libFuzzer driver (scripts/fuzz builds it with -sanitize=fuzzer,address; built
        // normally it replays files). The Core tests replay the seeds and found inputs.
        .target(name: "SecureChatFuzzTargets", dependencies: ["SecureChatCore", "SecureChatCrypto", "SecureChatGroup", "SecureChatWire"],
                path: "fuzz/targets"),
        .executableTarget(name: "securechat-fuzz", dependencies: ["SecureChatFuzzTargets", "SecureChatCrypto"], path: "fuzz/runner"),

        // Shared by the test targets: where the vectors are, hex, Wycheproof's layout.
        // PostgresNIO: throwaway databases for the tests that need a real PostgreSQL.
        .target(name: "TestSupport", dependencies: [.product(name: "PostgresNIO", package: "postgres-nio"),
                                                    .product(name: "Logging", package: "swift-log")],
                path: "Tests/TestSupport"),
        .testTarget(name: "SecureChatCryptoTests", dependencies: ["SecureChatCrypto", "TestSupport"]),
        .testTarget(name: "SecureChatCoreTests", dependencies: ["SecureChatCore", "SecureChatCrypto", "SecureChatWire", "TestSupport",
                                                                "SecureChatFuzzTargets"]),
        .testTarget(name: "SecureChatQRTests", dependencies: ["SecureChatQR", "CPNG"], exclude: ["Golden"]),
        .testTarget(name: "SecureChatWireTests", dependencies: ["SecureChatWire", "SecureChatCrypto"]),
        .testTarget(name: "SecureChatGroupTests", dependencies: ["SecureChatGroup", "SecureChatWire", "SecureChatCrypto", "TestSupport"]),
        .testTarget(name: "SecureChatClientTests", dependencies: ["SecureChatClient", "SecureChatCore", "SecureChatWire", "SecureChatCrypto", "SecureChatGroup"]),
        // Live relays on port 0 with real WebSocket clients; the state machines without sockets.
        .testTarget(
            name: "SecureChatRelayTests",
            dependencies: [
                // Core only here, to play real clients (identities, Fernet, HPKE) against the relay.
                "SecureChatRelay", "SecureChatWire", "SecureChatCrypto", "SecureChatCore", "SecureChatGroup", "SecureChatWeb", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                // The store's own tests read the database directly.
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]),
        // Runs the built binary, as a user or a script would.
        .testTarget(
            name: "SecureChatCLITests",
            dependencies: [
                "TestSupport", "SecureChatCore", "SecureChatCrypto", "SecureChatWire", "SecureChatGroup",
                // A raw protocol client, to forge and replay what the securechat client never sends.
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)
