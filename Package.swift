// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "securechat",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
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

        // Shared by the test targets: where the vectors are, hex, Wycheproof's layout.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "SecureChatCryptoTests", dependencies: ["SecureChatCrypto", "TestSupport"]),
        .testTarget(name: "SecureChatCoreTests", dependencies: ["SecureChatCore", "SecureChatCrypto", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
