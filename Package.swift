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
        // The client's WebSocket (HummingbirdWSClient); the relay's server uses the same package.
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
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

        // The only importer of COpenSSL.
        .target(name: "SecureChatCrypto", dependencies: ["COpenSSL"]),
        // Formats and domain: values in, values or typed errors out. No printing, exiting or sockets.
        .target(name: "SecureChatCore", dependencies: ["SecureChatCrypto"]),
        // Invite link -> QR matrix (libqrencode) -> PNG (libpng) / SVG / terminal text.
        .target(name: "SecureChatQR", dependencies: ["CQREncode", "CPNG"]),
        // Relay frames (Codable), protocol version, error codes, signed-payload layouts. Foundation only.
        .target(name: "SecureChatWire"),
        // The chat client: the session state machine (no sockets) and the WebSocket driver that
        // feeds it, with reconnect, resume and resend. No printing: the executable renders.
        .target(
            name: "SecureChatClient",
            dependencies: [
                "SecureChatCore", "SecureChatWire", "SecureChatCrypto",
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            ]),
        // The executable: the only module that parses arguments, prints or exits.
        .executableTarget(
            name: "securechat",
            dependencies: [
                "SecureChatCore", "SecureChatCrypto", "SecureChatQR", "SecureChatClient", "SecureChatWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Shared by the test targets: where the vectors are, hex, Wycheproof's layout.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "SecureChatCryptoTests", dependencies: ["SecureChatCrypto", "TestSupport"]),
        .testTarget(name: "SecureChatCoreTests", dependencies: ["SecureChatCore", "SecureChatCrypto", "TestSupport"]),
        .testTarget(name: "SecureChatQRTests", dependencies: ["SecureChatQR", "CPNG"], exclude: ["Golden"]),
        .testTarget(name: "SecureChatWireTests", dependencies: ["SecureChatWire", "SecureChatCrypto"]),
        .testTarget(name: "SecureChatClientTests", dependencies: ["SecureChatClient", "SecureChatCore", "SecureChatWire", "SecureChatCrypto"]),
        // Runs the built binary, as a user or a script would.
        .testTarget(
            name: "SecureChatCLITests",
            dependencies: ["TestSupport", "SecureChatCore", "SecureChatCrypto", "SecureChatClient", "SecureChatWire"],
            exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)
