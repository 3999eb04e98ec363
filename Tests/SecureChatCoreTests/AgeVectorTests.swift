import Foundation
import SecureChatCore
import SecureChatCrypto
import Testing
import TestSupport

/// The C2SP CCTV age test vectors: every file is decrypted and its outcome compared, by class,
/// with the vector's `expect:` line.
@Suite struct AgeVectorTests {
    struct Vector {
        var name: String
        var expect = ""
        var payload: String?
        var identities: [String] = []
        var passphrase: String?
        var compressed = false
        var body: [UInt8] = []
    }

    /// The vector class an error belongs to.
    static func vectorClass(_ error: AgeError) -> String {
        switch error {
        case .noIdentityMatched, .wrongPassphrase: "no match"
        case .headerMACMismatch: "HMAC failure"
        case .malformedHeader, .scryptMustBeAlone, .workFactorTooHigh: "header failure"
        case .malformedPayload, .truncated, .payloadAuthenticationFailed: "payload failure"
        case .malformedArmor: "armor failure"
        default: "unexpected error: \(error)"
        }
    }

    static func load(_ url: URL) throws -> Vector {
        let data = [UInt8](try Data(contentsOf: url))
        var vector = Vector(name: url.lastPathComponent)
        var i = 0
        while true {
            let end = data[i...].firstIndex(of: 0x0a)!
            let line = String(decoding: data[i..<end], as: UTF8.self)
            i = end + 1
            if line.isEmpty { break }
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            switch parts[0] {
            case "expect": vector.expect = parts[1]
            case "payload": vector.payload = parts[1]
            case "identity": vector.identities.append(parts[1])
            case "passphrase": vector.passphrase = parts[1]
            case "compressed": vector.compressed = parts[1] == "zlib"
            default: break
            }
        }
        vector.body = Array(data[i...])
        if vector.compressed { vector.body = try inflate(vector.body) }
        return vector
    }

    /// zlib-inflates through python3 (Foundation on Linux has no zlib).
    static func inflate(_ bytes: [UInt8]) throws -> [UInt8] {
        let dir = try AgeTest.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in"), output = dir.appendingPathComponent("out")
        try Data(bytes).write(to: input)
        let script = "import sys, zlib; sys.stdout.buffer.write(zlib.decompress(sys.stdin.buffer.read()))"
        let result = try AgeTest.run("/usr/bin/env", ["python3", "-c", script], stdin: input, stdout: output)
        guard result.status == 0 else { throw AgeError.malformedPayload("python3 could not inflate: \(result.stderr)") }
        return [UInt8](try Data(contentsOf: output))
    }

    /// The vector's outcome: "success" (with a matching payload hash) or the class of the error.
    static func outcome(_ vector: Vector) throws -> String {
        let identities = try vector.identities.map { try AgeIdentity(string: $0) }
        let output = MemoryWriter()
        let passphrase: (() throws -> [UInt8])? = vector.passphrase.map { p in { Array(p.utf8) } }
        do {
            try Age.decrypt(identities: identities, passphrase: passphrase, from: MemoryReader(vector.body), to: output)
        } catch let error as AgeError {
            return vectorClass(error)
        }
        let digest = hexString(SHA256.hash(output.bytes))
        return digest == vector.payload ? "success" : "success with the wrong payload \(digest)"
    }

    @Test func allVectors() throws {
        let directory = Vectors.url("age")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        var passed = 0, hybrid = 0
        var failures = [String]()
        for name in names {
            if name.contains("hybrid") { hybrid += 1 }
            let vector = try Self.load(directory.appendingPathComponent(name))
            let got = try Self.outcome(vector)
            if got == vector.expect { passed += 1 } else { failures.append("\(name): expected \(vector.expect), got \(got)") }
        }
        print("age vectors: \(passed) passed, \(failures.count) failed, \(hybrid) of them post-quantum")
        for failure in failures { print("  \(failure)") }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        // The whole CCTV suite, none skipped: 124 classic vectors and 19 hybrid (mlkem768x25519) ones.
        #expect(passed == 143)
        #expect(hybrid == 19)
    }
}
