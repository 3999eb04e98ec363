import Foundation
import TestSupport

/// A private HOME and XDG data directory for commands that keep room files, with the clock
/// pinned so expiry times are known.
struct RoomSandbox {
    static let now = "1700000000" // 2023-11-14T22:13:20Z

    let dir: URL
    var env: [String: String]

    init(now: String = RoomSandbox.now) throws {
        dir = try CLI.sandbox()
        env = ["HOME": dir.path, "XDG_DATA_HOME": dir.path + "/data", "SECURECHAT_NOW": now]
    }

    var rooms: String { dir.path + "/data/securechat/rooms" }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    @discardableResult
    func run(_ args: [String], stdin: String = "", env extra: [String: String] = [:]) throws -> CLIResult {
        try CLI.run(args, stdin: Array(stdin.utf8), env: env.merging(extra) { $1 }, cwd: dir)
    }

    @discardableResult
    func shell(_ script: String) throws -> CLIResult {
        try CLI.shell(script, env: env, cwd: dir)
    }

    /// Makes a room and returns its id (and the invite it printed).
    func create(_ args: [String] = []) throws -> (id: String, invite: String) {
        let r = try run(["room", "create", "--json"] + args)
        precondition(r.status == 0, r.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout)) as! [String: Any]
        return (object["id"] as! String, object["invite"] as! String)
    }

    /// Writes a file with the given permissions.
    func write(_ text: String, to path: String, mode: Int = 0o600) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    func mode(of path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue
    }
}

/// Runs `command` under a pseudo-terminal (util-linux `script`), so the command sees a terminal
/// on stdout; returns its exit status and output with the terminal's CRLF turned back into LF.
func onTerminal(_ command: String, sandbox: RoomSandbox) throws -> (status: Int32, output: String) {
    let quoted = command.replacingOccurrences(of: "'", with: "'\\''")
    let r = try sandbox.shell("script -qec '\(quoted)' /dev/null")
    return (r.status, r.out.replacingOccurrences(of: "\r\n", with: "\n"))
}
