import Foundation
import Testing
import TestSupport
import SecureChatCrypto
import SecureChatCore

/// Tokens cross between securechat and Python's cryptography.fernet, both ways, at random sizes
/// (0 bytes to 1 MiB), random keys and random timestamps.
@Suite(.serialized) struct FernetInteropTests {
    static let python = """
        import sys, json, base64
        from cryptography.fernet import Fernet
        mode, key = sys.argv[1], sys.argv[2].encode()
        f = Fernet(key)
        data = sys.stdin.buffer.read()
        if mode == "encrypt":
            sys.stdout.buffer.write(f.encrypt_at_time(data, int(sys.argv[3])) + b"\\n")
        else:
            sys.stdout.buffer.write(f.decrypt(data.strip()))
        """

    func python(_ args: [String], stdin: [UInt8]) throws -> CLIResult {
        let dir = try CLI.sandbox()
        let script = dir.appendingPathComponent("fernet.py")
        try Self.python.write(to: script, atomically: true, encoding: .utf8)
        try Data(stdin).write(to: dir.appendingPathComponent("in"))
        let quoted = args.map { "'\($0)'" }.joined(separator: " ")
        return try CLI.shell("python3 fernet.py \(quoted) < in", cwd: dir)
    }

    static let sizes: [Int] = {
        var g = SystemRandomNumberGenerator()
        return [0, 1, 15, 16, 17, 1 << 20] + (0..<6).map { _ in Int.random(in: 2...(1 << 20), using: &g) }
    }()

    @Test(arguments: sizes)
    func securechatToPython(size: Int) throws {
        let key = FernetKey.generate().encoded
        let now = UInt64.random(in: 0...4_000_000_000)
        let data = SecureRandom.bytes(size)
        let enc = try CLI.run(["encrypt"], stdin: data, env: ["SECURECHAT_KEY": key, "SECURECHAT_NOW": "\(now)"])
        #expect(enc.status == 0)
        let dec = try python(["decrypt", key], stdin: enc.stdout)
        #expect(dec.status == 0, "\(dec.stderr)")
        #expect(dec.stdout == data)
        #expect(try Fernet.unverifiedTimestamp(enc.out.trimmingASCIIWhitespace()) == now)
    }

    @Test(arguments: sizes)
    func pythonToSecurechat(size: Int) throws {
        let key = FernetKey.generate().encoded
        let now = UInt64.random(in: 0...4_000_000_000)
        let data = SecureRandom.bytes(size)
        let enc = try python(["encrypt", key, "\(now)"], stdin: data)
        #expect(enc.status == 0, "\(enc.stderr)")
        let dir = try CLI.sandbox()
        let out = dir.appendingPathComponent("plain")
        let dec = try CLI.run(["decrypt", "-o", out.path], stdin: enc.stdout, env: ["SECURECHAT_KEY": key])
        #expect(dec.status == 0, "\(dec.stderr)")
        #expect(Array(try Data(contentsOf: out)) == data)
    }
}
