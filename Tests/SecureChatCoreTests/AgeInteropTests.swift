import Foundation
import SecureChatCrypto
import Testing
@testable import SecureChatCore

/// Files made here decrypt with the reference `age` CLI, and the reverse. These need `age` and
/// `age-keygen` on PATH (CI installs them) and fail, rather than skip, without them.
@Suite struct AgeInteropTests {
    struct ToolFailure: Error, CustomStringConvertible {
        var description: String
    }

    static let sizes = [0, 1, 65535, 65536, 65537, 10 << 20]

    static func tool(_ name: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        throw ToolFailure(description: "\(name) is not installed (apt-get install age)")
    }

    /// Runs a tool and insists on success.
    static func run(_ name: String, _ arguments: [String], stdin: URL? = nil) throws {
        let result = try AgeTest.run(try tool(name), arguments, stdin: stdin)
        guard result.status == 0 else { throw ToolFailure(description: "\(name) \(arguments) failed: \(result.stderr)") }
    }

    /// Runs `age` on a pseudo-terminal through `script`, since age reads passphrases only from
    /// a terminal; `typed` is what is typed at its prompts.
    static func runOnTerminal(_ ageArguments: [String], typed: String, in dir: URL) throws {
        let input = dir.appendingPathComponent("typed")
        try Data(typed.utf8).write(to: input)
        let command = ([try tool("age")] + ageArguments).map { "'\($0)'" }.joined(separator: " ")
        let transcript = dir.appendingPathComponent("transcript")
        let result = try AgeTest.run(try tool("script"), ["-qec", command, "/dev/null"], stdin: input, stdout: transcript)
        guard result.status == 0 else {
            let said = (try? String(contentsOf: transcript, encoding: .utf8)) ?? ""
            throw ToolFailure(description: "age \(ageArguments) on a terminal failed: \(said) \(result.stderr)")
        }
    }

    static func withDirectory<R>(_ body: (URL) throws -> R) throws -> R {
        let dir = try AgeTest.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        return try body(dir)
    }

    static func read(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

    /// What age decrypted: age creates its output file only when it has something to write.
    static func decrypted(_ url: URL) throws -> [UInt8] {
        FileManager.default.fileExists(atPath: url.path) ? try read(url) : []
    }

    @Test func keysFromAgeKeygen() throws {
        try Self.withDirectory { dir in
            let keyFile = dir.appendingPathComponent("key.txt"), publicFile = dir.appendingPathComponent("key.pub")
            try Self.run("age-keygen", ["-o", keyFile.path])
            try Self.run("age-keygen", ["-y", "-o", publicFile.path, keyFile.path])
            let identities = try AgeIdentityFile.parse(String(decoding: try Self.read(keyFile), as: UTF8.self))
            let recipients = try AgeRecipientsFile.parse(String(decoding: try Self.read(publicFile), as: UTF8.self))
            #expect(identities.map(\.recipient) == recipients)
        }
    }

    @Test(arguments: sizes, [1, 3])
    func ageEncryptsWeDecrypt(size: Int, recipientCount: Int) throws {
        try Self.withDirectory { dir in
            let identities = (0..<recipientCount).map { _ in AgeIdentity() }
            let plaintext = SecureRandom.bytes(size)
            let input = dir.appendingPathComponent("plain")
            try Data(plaintext).write(to: input)
            for armor in [false, true] {
                let output = dir.appendingPathComponent("file.age")
                try Self.run("age", identities.flatMap { ["-r", $0.recipient.description] } + (armor ? ["-a"] : []) + ["-o", output.path, input.path])
                let file = try Self.read(output)
                #expect(try AgeTest.decrypt(file, identities: [identities.last!]) == plaintext)
                #expect(try Age.inspect(MemoryReader(file)).armored == armor)
            }
        }
    }

    @Test(arguments: sizes, [1, 3])
    func weEncryptAgeDecrypts(size: Int, recipientCount: Int) throws {
        try Self.withDirectory { dir in
            let identities = (0..<recipientCount).map { _ in AgeIdentity() }
            let keyFile = dir.appendingPathComponent("key.txt")
            try Data("# a comment\n\(identities.last!.encoded)\n".utf8).write(to: keyFile)
            let plaintext = SecureRandom.bytes(size)
            for armor in [false, true] {
                let file = dir.appendingPathComponent("file.age"), output = dir.appendingPathComponent("plain")
                try Data(try AgeTest.encrypt(plaintext, to: identities.map(\.recipient), armor: armor)).write(to: file)
                try Self.run("age", ["-d", "-i", keyFile.path, "-o", output.path, file.path])
                #expect(try Self.decrypted(output) == plaintext)
                try? FileManager.default.removeItem(at: output)
            }
        }
    }

    @Test(arguments: [0, 65537], [false, true])
    func passphraseBothWays(size: Int, armor: Bool) throws {
        try Self.withDirectory { dir in
            let passphrase = "interop passphrase"
            let plaintext = SecureRandom.bytes(size)
            let plain = dir.appendingPathComponent("plain"), file = dir.appendingPathComponent("file.age")
            try Data(plaintext).write(to: plain)

            // age → us (age's own work factor, 18).
            try Self.runOnTerminal(["-p"] + (armor ? ["-a"] : []) + ["-o", file.path, plain.path],
                                   typed: "\(passphrase)\n\(passphrase)\n", in: dir)
            #expect(try AgeTest.decrypt(try Self.read(file), passphrase: passphrase) == plaintext)

            // us → age.
            try Data(try AgeTest.encrypt(plaintext, passphrase: passphrase, workFactor: 12, armor: armor)).write(to: file)
            let output = dir.appendingPathComponent("decrypted")
            try Self.runOnTerminal(["-d", "-o", output.path, file.path], typed: "\(passphrase)\n", in: dir)
            #expect(try Self.decrypted(output) == plaintext)
        }
    }
}
