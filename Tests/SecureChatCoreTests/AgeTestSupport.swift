import Foundation
import SecureChatCore

/// Helpers shared by the age test suites.
enum AgeTest {
    static func encrypt(_ plaintext: [UInt8], to recipients: [AgeRecipient], armor: Bool = false) throws -> [UInt8] {
        let out = MemoryWriter()
        try Age.encrypt(to: recipients, armor: armor, from: MemoryReader(plaintext), to: out)
        return out.bytes
    }

    static func encrypt(_ plaintext: [UInt8], passphrase: String, workFactor: Int = 10, armor: Bool = false) throws -> [UInt8] {
        let out = MemoryWriter()
        try Age.encrypt(passphrase: Array(passphrase.utf8), workFactor: workFactor, armor: armor, from: MemoryReader(plaintext), to: out)
        return out.bytes
    }

    static func decrypt(_ file: [UInt8], identities: [AgeIdentity] = [], passphrase: String? = nil,
                        maxWorkFactor: Int = Age.defaultMaxWorkFactor) throws -> [UInt8] {
        let out = MemoryWriter()
        let ask: (() throws -> [UInt8])? = passphrase.map { p in { Array(p.utf8) } }
        try Age.decrypt(identities: identities, passphrase: ask, maxWorkFactor: maxWorkFactor, from: MemoryReader(file), to: out)
        return out.bytes
    }

    /// The AgeError a call threw, or nil.
    static func error(_ body: () throws -> Void) -> AgeError? {
        do {
            try body()
            return nil
        } catch let error as AgeError {
            return error
        } catch {
            return .cryptoFailure("unexpected \(error)")
        }
    }

    /// Runs a program to completion with stdin from a file, returning its exit status and stderr.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], stdin: URL? = nil, stdout: URL? = nil) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errFile) }
        let errHandle = try FileHandle(forWritingTo: errFile)
        process.standardError = errHandle
        if let stdin { process.standardInput = try FileHandle(forReadingFrom: stdin) }
        if let stdout {
            _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: stdout)
        }
        try process.run()
        process.waitUntilExit()
        try errHandle.close()
        return (process.terminationStatus, (try? String(contentsOf: errFile, encoding: .utf8)) ?? "")
    }

    /// A fresh temporary directory, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("age-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
