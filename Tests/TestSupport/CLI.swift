import Foundation

/// Runs the built `securechat` binary as a script would: arguments, stdin, environment in;
/// status, stdout, stderr out. A run that outlives `timeout` is killed and reported as status -1.
public struct CLIResult {
    public let status: Int32
    public let stdout: [UInt8]
    public let stderr: String
    public var out: String { String(decoding: stdout, as: UTF8.self) }
}

public enum CLI {
    /// One directory per test process for every sandbox, removed when the process exits.
    static let sandboxRoot: URL = {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("securechat-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: CLI.sandboxRoot) }
        return root
    }()

    public static let binary: String = {
        if let b = ProcessInfo.processInfo.environment["SECURECHAT_BIN"] { return b }
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for dir in [runner, runner.deletingLastPathComponent(), Vectors.repositoryRoot.appendingPathComponent(".build/debug")] {
            let candidate = dir.appendingPathComponent("securechat").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return Vectors.repositoryRoot.appendingPathComponent(".build/debug/securechat").path
    }()

    /// A private scratch directory with its own HOME and XDG directories, removed at exit of the
    /// test process; every CLI run below uses it unless `env` overrides it.
    public static func sandbox() throws -> URL {
        let dir = sandboxRoot.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @discardableResult
    public static func run(_ args: [String], stdin: [UInt8] = [], env: [String: String] = [:], cwd: URL? = nil,
                           timeout: TimeInterval = 60, extraFiles: [Int32: String] = [:]) throws -> CLIResult {
        let scratch = try sandbox()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        var environment = ["PATH": "/usr/bin:/bin", "HOME": cwd?.path ?? scratch.path, "LANG": "C.UTF-8"]
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        if let cwd { p.currentDirectoryURL = cwd }
        let inURL = scratch.appendingPathComponent("stdin"), outURL = scratch.appendingPathComponent("stdout"),
            errURL = scratch.appendingPathComponent("stderr")
        try Data(stdin).write(to: inURL)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        p.standardInput = try FileHandle(forReadingFrom: inURL)
        p.standardOutput = try FileHandle(forWritingTo: outURL)
        p.standardError = try FileHandle(forWritingTo: errURL)
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning, Date() < deadline { usleep(2000) }
        var status = p.terminationStatus
        if p.isRunning {
            p.terminate()
            p.waitUntilExit()
            status = -1
        } else {
            p.waitUntilExit()
            status = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
        }
        return CLIResult(status: status, stdout: Array(try Data(contentsOf: outURL)),
                         stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// Runs a shell command line (for pipelines, file descriptors and SIGPIPE cases).
    @discardableResult
    public static func shell(_ script: String, env: [String: String] = [:], cwd: URL? = nil, timeout: TimeInterval = 120) throws -> CLIResult {
        var e = env
        e["SC"] = binary
        e["PATH"] = URL(fileURLWithPath: binary).deletingLastPathComponent().path + ":/usr/local/bin:/usr/bin:/bin"
        return try runExecutable("/bin/bash", ["-c", "set -o pipefail\n" + script], env: e, cwd: cwd, timeout: timeout)
    }

    static func runExecutable(_ path: String, _ args: [String], env: [String: String], cwd: URL?, timeout: TimeInterval) throws -> CLIResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        p.environment = env
        if let cwd { p.currentDirectoryURL = cwd }
        let scratch = try sandbox()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = try FileHandle(forWritingTo: outURL)
        p.standardError = try FileHandle(forWritingTo: errURL)
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning, Date() < deadline { usleep(2000) }
        if p.isRunning { p.terminate() }
        p.waitUntilExit()
        return CLIResult(status: p.terminationStatus, stdout: Array(try Data(contentsOf: outURL)),
                         stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}
