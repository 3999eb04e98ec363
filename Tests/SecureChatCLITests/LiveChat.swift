import Foundation
import HummingbirdWSClient
import Logging
import SecureChatCore
import SecureChatCrypto
import SecureChatGroup
import SecureChatWire
import Synchronization
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Support for conversations between real processes: a `securechat serve` on port 0, people
/// each with their own HOME, XDG directories and identity, `securechat connect` processes
/// driven through pipes, and a raw protocol client for what the CLI never does (forging).

struct LiveError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// A process whose standard input is a pipe and whose output goes to files readable meanwhile.
final class Running {
    let process = Process()
    let input = Pipe()
    let dir: URL

    init(_ executable: String, _ args: [String], env: [String: String], cwd: URL? = nil) throws {
        dir = try CLI.sandbox()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = args
        process.environment = env
        if let cwd { process.currentDirectoryURL = cwd }
        for name in ["stdout", "stderr"] { _ = FileManager.default.createFile(atPath: dir.appendingPathComponent(name).path, contents: nil) }
        process.standardOutput = try FileHandle(forWritingTo: dir.appendingPathComponent("stdout"))
        process.standardError = try FileHandle(forWritingTo: dir.appendingPathComponent("stderr"))
        process.standardInput = input
        try process.run()
    }

    var stdout: String { (try? String(contentsOf: dir.appendingPathComponent("stdout"), encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: dir.appendingPathComponent("stderr"), encoding: .utf8)) ?? "" }
    var pid: Int32 { process.processIdentifier }

    func type(_ text: String) {
        input.fileHandleForWriting.write(Data(text.utf8))
    }

    func endInput() { try? input.fileHandleForWriting.close() }

    /// Standard output as a person sees it on a terminal: escape sequences (colours, line
    /// redraws) removed, carriage returns gone.
    var screen: String { TerminalText.sanitize(stdout, multiline: true) }

    /// Waits until standard output (or error, or with `plain` the output as on screen) contains `text`.
    func waitFor(_ text: String, stderr inError: Bool = false, plain: Bool = false, timeout: TimeInterval = 30) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (inError ? stderr : plain ? screen : stdout).contains(text) { return }
            if !process.isRunning {
                usleep(50_000)
                if (inError ? stderr : plain ? screen : stdout).contains(text) { return }
                throw LiveError("no \"\(text)\": exited with \(process.terminationStatus); stdout: \(stdout)\nstderr: \(stderr)")
            }
            usleep(20_000)
        }
        throw LiveError("no \"\(text)\" within \(Int(timeout)) s; stdout: \(stdout)\nstderr: \(stderr)")
    }

    /// The exit status, or nil if it is still running after `timeout` (then it is killed).
    func wait(timeout: TimeInterval = 30) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
    }

    func signal(_ sig: Int32) { kill(pid, sig) }

    deinit {
        if process.isRunning { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(at: dir)
    }
}

/// `securechat serve --port 0` with its database in a scratch directory (or the PostgreSQL
/// database `database` names, with `env` giving its password); killed and restarted on the same
/// port and database when a test asks.
final class LiveRelay {
    /// The scratch directory: HOME, and the SQLite file.
    let home: URL
    /// `--db`: the SQLite file, or a PostgreSQL URL.
    let database: String
    let env: [String: String]
    private(set) var port = 0
    private(set) var server: Running
    /// Flags of `serve` beyond port and database (limits), kept for restarts.
    let flags: [String]

    init(_ flags: [String] = [], database: String? = nil, env: [String: String] = [:]) throws {
        self.flags = flags
        self.env = env
        home = try CLI.sandbox()
        self.database = database ?? home.appendingPathComponent("relay.sqlite").path
        server = try Self.start(port: 0, database: self.database, home: home, env: env, flags: flags)
        port = try Self.port(of: server)
    }

    var url: String { "http://127.0.0.1:\(port)" }

    static func start(port: Int, database: String, home: URL, env: [String: String], flags: [String] = []) throws -> Running {
        try Running(CLI.binary, ["serve", "--port", String(port), "--db", database]
                    + (flags.contains("--log-level") ? [] : ["--log-level", "error"]) + flags,
                    env: ["PATH": "/usr/bin:/bin", "HOME": home.path, "XDG_DATA_HOME": home.path].merging(env) { $1 })
    }

    static func port(of server: Running) throws -> Int {
        try server.waitFor("http://127.0.0.1:")
        let line = server.stdout.split(separator: "\n").first ?? ""
        guard let r = line.range(of: "http://127.0.0.1:"), let p = Int(line[r.upperBound...].prefix { $0.isNumber }) else {
            throw LiveError("no port in \(line)")
        }
        return p
    }

    /// Kills the relay at once (SIGKILL: no goodbye to the clients).
    func kill() {
        server.signal(SIGKILL)
        _ = server.wait()
    }

    /// Starts it again on the same port and database.
    func restart() throws {
        let deadline = Date().addingTimeInterval(20)
        while true {
            server = try Self.start(port: port, database: database, home: home, env: env, flags: flags)
            if (try? Self.port(of: server)) != nil { return }
            guard Date() < deadline else { throw LiveError("relay did not restart: \(server.stderr)") }
            usleep(200_000)
        }
    }

    deinit {
        server.signal(SIGTERM)
        _ = server.wait(timeout: 10)
        try? FileManager.default.removeItem(at: home)
    }
}

/// Someone with their own home, data directory and identity.
struct Person {
    let name: String
    let dir: URL
    let env: [String: String]

    init(_ name: String) throws {
        self.name = name
        dir = try CLI.sandbox()
        env = ["HOME": dir.path, "XDG_DATA_HOME": dir.path + "/data", "XDG_CONFIG_HOME": dir.path + "/config",
               "USER": name, "TZ": "UTC", "SECURECHAT_IDENTITY": dir.path + "/identity.txt"]
        let made = try CLI.run(["keygen", "-o", identityFile], env: env, cwd: dir)
        guard made.status == 0 else { throw LiveError("keygen: \(made.stderr)") }
    }

    var identityFile: String { dir.path + "/identity.txt" }
    var rooms: String { dir.path + "/data/securechat/rooms" }

    var identity: Identity {
        get throws { try IdentityFile.parse(try String(contentsOfFile: identityFile, encoding: .utf8)) }
    }

    @discardableResult
    func run(_ args: [String], stdin: String = "", timeout: TimeInterval = 60) throws -> CLIResult {
        try CLI.run(args, stdin: Array(stdin.utf8), env: env, cwd: dir, timeout: timeout)
    }

    func spawn(_ args: [String]) throws -> Running {
        try Running(CLI.binary, args, env: env.merging(["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]) { $1 }, cwd: dir)
    }

    /// Runs `command` (with `$SC`) under a pseudo-terminal; what is typed comes from `input`.
    func onTerminal(_ command: String) throws -> Running {
        var e = env
        e["SC"] = CLI.binary
        e["PATH"] = "/usr/bin:/bin"
        e["TERM"] = "xterm"
        return try Running("/usr/bin/script", ["-qfec", "stty cols 200; \(command)", "/dev/null"], env: e, cwd: dir)
    }

    /// Makes a room registered on `relay`; returns its invite link and id.
    func createRoom(on relay: LiveRelay, _ extra: [String] = []) throws -> (link: String, id: String) {
        let r = try run(["room", "create", "--server", relay.url, "--json"] + extra)
        guard r.status == 0, let json = try JSONSerialization.jsonObject(with: Data(r.stdout)) as? [String: Any],
              let link = json["invite"] as? String, let id = json["id"] as? String else {
            throw LiveError("room create: \(r.status) \(r.stderr)")
        }
        return (link, id)
    }

    /// The JSON lines of a `--json` output.
    static func lines(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }
}

/// A protocol client driven by the test itself: it joins as a member and sends frames the
/// securechat client never would (forgeries, replays) to see how the other members take them.
final class RawPeer: Sendable {
    let identity: Identity
    let roomID: String
    let log = FrameLog()
    private let outbox: AsyncStream<String>.Continuation
    private let task: Task<Void, Never>

    /// Connects, authenticates and joins `roomID` (with an access proof when `key` is given).
    init(port: Int, identity: Identity, name: String, roomID: String, key: FernetKey?) async throws {
        self.identity = identity
        self.roomID = roomID
        let (stream, outbox) = AsyncStream.makeStream(of: String.self)
        self.outbox = outbox
        let log = self.log
        let logger = Logger(label: "raw-peer", factory: { _ in SwiftLogNoOpLogHandler() })
        task = Task {
            _ = try? await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)\(RelayProtocol.webSocketPath)", configuration: .init(maxFrameSize: 1 << 20),
                                               logger: logger) { inbound, outbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await m in inbound.messages(maxSize: 1 << 22) {
                            if case .text(let t) = m, let f = try? FrameCoding.decodeServerFrame(Array(t.utf8)) {
                                log.append(f)
                            }
                        }
                    }
                    group.addTask { for await text in stream { try await outbound.write(.text(text)) } }
                    _ = try await group.next()
                    group.cancelAll()
                }
            }
        }
        let hello = try await waitFor { if case .hello(let h) = $0 { h } else { nil } }
        let me = identity.signingKey.publicKey.rawRepresentation
        send(.auth(.init(signingKey: WireBytes(me), agreementKey: WireBytes(identity.agreementKey.publicKey.rawRepresentation), name: name,
                         signature: WireBytes(try identity.signingKey.signature(for: SignedPayload.auth(
                            challenge: hello.challenge.bytes, relayID: hello.relay, origin: "ws://127.0.0.1:\(port)"))))))
        var proof: WireBytes? = nil
        if let key {
            let access = try RoomAccess.signingKey(roomKey: key.rawRepresentation, roomID: roomID)
            proof = WireBytes(try access.signature(for: SignedPayload.join(challenge: hello.challenge.bytes, signingKey: me)))
        }
        send(.join(.init(roomID: roomID, afterSeq: 0, proof: proof)))
        _ = try await waitFor { if case .synced(let s) = $0 { s } else { nil } }
    }

    func send(_ frame: ClientFrame) {
        outbox.yield(String(decoding: FrameCoding.encode(frame), as: UTF8.self))
    }

    /// Enters the room's group state with a join commit (an open room's key holder), as
    /// `securechat connect` does after its first join, and waits for the relay to have it: other
    /// clients show messages only from members the chain lists.
    func enterGroup(key: FernetKey) async throws {
        var state: GroupState?
        for case .commit(let f) in log.all {
            let c = try GroupCommit(parsing: f.commit.bytes)
            state = try state.map { try $0.applying(c) } ?? GroupState(genesis: c, pinnedOwner: nil)
        }
        guard let state else { throw LiveError("raw peer: the relay sent no group state") }
        let join = try GroupCommitBuilder.join(state, key: key.rawRepresentation, agreementKey: identity.agreementKey.publicKey.rawRepresentation,
                                               by: identity.signingKey)
        send(.commit(.init(roomID: roomID, commit: WireBytes(join.bytes))))
        _ = try await waitFor { f -> Bool? in
            if case .commit(let c) = f, (try? GroupCommit(parsing: c.commit.bytes))?.hash == join.hash { return true }
            return nil
        }
    }

    /// The history and live messages received so far.
    var messages: [ServerFrame.Message] { log.all.compactMap { if case .message(let m) = $0 { m } else { nil } } }

    /// Waits for the first frame `match` accepts.
    func waitFor<T>(timeout: TimeInterval = 20, _ match: (ServerFrame) -> T?) async throws -> T {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let hit = log.all.lazy.compactMap(match).first { return hit }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw LiveError("raw peer: no matching frame; got \(log.all.map(\.type))")
    }

    func close() {
        outbox.finish()
        task.cancel()
    }
}

/// Frames received by a raw peer, shared between its reading task and the test.
final class FrameLog: Sendable {
    private let frames = Mutex<[ServerFrame]>([])
    func append(_ f: ServerFrame) { frames.withLock { $0.append(f) } }
    var all: [ServerFrame] { frames.withLock { $0 } }
}
