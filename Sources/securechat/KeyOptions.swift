import ArgumentParser
import SecureChatCore
#if canImport(Glibc)
import Glibc
#endif

/// Where a room (Fernet) key comes from. Never argv: a file, a file descriptor, or the
/// SECURECHAT_KEY environment variable. A key file may hold several keys, one per line, newest
/// first (after a rotation); all are tried on decrypt and the first encrypts.
struct KeyOptions: ParsableArguments {
    @Option(name: [.customShort("k"), .customLong("key-file")], help: ArgumentHelp(
        "Read the room key(s) from FILE, one per line, newest first.", valueName: "file"),
        completion: .file())
    var keyFile: String?

    @Option(name: .customLong("key-fd"), help: ArgumentHelp(
        "Read the room key(s) from file descriptor N (e.g. 3 with '3<room.key').", valueName: "n"))
    var keyFD: Int32?

    /// A key source named on the command line (the environment variable is a fallback, not a choice).
    var hasExplicitSource: Bool { keyFile != nil || keyFD != nil }

    /// The keys, or nil when no source was given.
    func load() throws -> [FernetKey]? {
        let text: String
        let origin: String
        if let keyFile {
            guard Paths.exists(keyFile) else { throw Failure("key file \(keyFile) does not exist") }
            FileChecks.warnIfExposed(keyFile, what: "key file")
            text = try FileChecks.readText(keyFile)
            origin = "key file \(keyFile)"
        } else if let keyFD {
            let input = FDReader(fd: keyFD)
            guard let bytes = try input.readAll(limit: 1 << 20) else { throw Failure("file descriptor \(keyFD) holds more than 1 MiB") }
            text = String(decoding: bytes, as: UTF8.self)
            origin = "file descriptor \(keyFD)"
        } else if let env = Paths.env("SECURECHAT_KEY") {
            text = env
            origin = "SECURECHAT_KEY"
        } else {
            return nil
        }
        return try Self.parse(text, origin: origin)
    }

    static func parse(_ text: String, origin: String) throws -> [FernetKey] {
        var keys = [FernetKey]()
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let t = String(line).trimmingASCIIWhitespace()
            if t.isEmpty || t.hasPrefix("#") { continue }
            do {
                keys.append(try FernetKey(encoded: t))
            } catch {
                throw Failure("\(origin), line \(n + 1): \(error.message)", status: .malformed)
            }
        }
        guard !keys.isEmpty else { throw Failure("\(origin) holds no key", status: .malformed) }
        return keys
    }
}

/// Reads an inherited file descriptor (`--key-fd`, `--passphrase-fd`).
final class FDReader: ByteReader {
    let fd: Int32
    init(fd: Int32) { self.fd = fd }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try readRetrying(fd: fd, into: buffer, name: "file descriptor \(fd)")
    }
}
