import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A newcomer's first run: every command that `scripts/setup`, `serve`'s "next:" line, a hint
/// or a help text tells the user to run is run here exactly as printed, on a clean home (only
/// HOME set: no XDG variables, no identity, no rooms), and must succeed.
@Suite(.serialized) struct FirstRunTests {
    /// Commands run as printed, for the check that every command the sources print is among them.
    final class Ran {
        var commands = [String]()
    }

    struct Home {
        let dir: URL
        var env: [String: String] { ["HOME": dir.path, "LANG": "C.UTF-8", "USER": "newcomer"] }
        var identity: String { dir.path + "/.config/securechat/identity.txt" }

        init() throws { dir = try CLI.sandbox() }

        /// `command` typed at a shell in this home, with the built securechat on PATH.
        func type(_ command: String, _ ran: Ran, timeout: TimeInterval = 60) throws -> CLIResult {
            ran.commands.append(command)
            return try CLI.shell(command, env: env, cwd: dir, timeout: timeout)
        }

        /// A long-running command (a relay) typed at a shell; stopped when the value goes away.
        func start(_ command: String, _ ran: Ran) throws -> Running {
            ran.commands.append(command)
            var e = env
            e["PATH"] = URL(fileURLWithPath: CLI.binary).deletingLastPathComponent().path + ":/usr/bin:/bin"
            return try Running("/bin/bash", ["-c", "exec " + command], env: e, cwd: dir)
        }
    }

    /// Every `'securechat …'` quoted in a text (hints and help quote commands that way); a
    /// command that help text wrapped over two lines is joined again.
    static func quotedCommands(_ text: String) -> [String] {
        var found = [String]()
        var rest = Substring(text)
        while let start = rest.range(of: "'securechat ") {
            let after = rest[start.upperBound...]
            guard let end = after.firstIndex(of: "'") else { break }
            found.append("securechat " + after[..<end].split(whereSeparator: \.isWhitespace).joined(separator: " "))
            rest = after[after.index(after: end)...]
        }
        return found
    }

    /// The first name listed under SUBCOMMANDS in a help text.
    static func firstSubcommand(_ help: String) -> String? {
        guard let section = help.range(of: "SUBCOMMANDS:\n") else { return nil }
        return help[section.upperBound...].split(separator: "\n").first?
            .split(separator: " ").first.map(String.init)
    }

    /// The hint lines of an error output.
    static func hints(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").filter { $0.hasPrefix("securechat: hint: ") }.map(String.init)
    }

    /// Runs a failing command, checks its hint quotes `expected`, runs every quoted command.
    func followHint(_ command: String, in home: Home, status: Int32, expected: String, _ ran: Ran) throws {
        let failed = try home.type(command, ran)
        #expect(failed.status == status, "\(command): \(failed.status) \(failed.stderr)")
        let quoted = Self.hints(failed.stderr).flatMap(Self.quotedCommands)
        #expect(quoted == [expected], "\(command): \(failed.stderr)")
        for next in quoted {
            let r = try home.type(next, ran)
            #expect(r.status == 0, "\(next) (from the hint of \(command)): \(r.status) \(r.stderr)")
        }
    }

    /// `serve` exactly as printed: it listens on 127.0.0.1:5000, or (when another program holds
    /// that port on this machine) says so and names the fix.
    func checkServe(_ command: String, in home: Home, _ ran: Ran) throws -> (Running, String)? {
        let relay = try home.start(command, ran)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !relay.stdout.contains("next: "), relay.process.isRunning { usleep(20_000) }
        if relay.stdout.contains("next: ") {
            #expect(relay.stdout.contains("listening on http://127.0.0.1:5000"), "\(relay.stdout)")
            return (relay, relay.stdout)
        }
        _ = relay.wait()
        #expect(relay.stderr.contains("the address is in use"), "\(command): \(relay.stderr)")
        return nil
    }

    @Test func everyPrintedCommandRunsAsPrinted() throws {
        let ran = Ran()
        let home = try Home()

        // scripts/setup's closing lines, `$bin` being the binary it built.
        let setup = try String(contentsOf: Vectors.repositoryRoot.appendingPathComponent("scripts/setup"), encoding: .utf8)
        let suggested = setup.split(separator: "\n").filter { $0.hasPrefix("  $bin ") }.map { line -> String in
            let command = line.split(separator: "#", maxSplits: 1)[0].trimmingCharacters(in: .whitespaces)
            return CLI.binary + command.dropFirst("$bin".count)
        }
        #expect(suggested.count == 3, "\(setup)")
        var relay: Running?
        var serveOutput = ""
        for command in suggested {
            if command.hasSuffix(" serve") {
                if let served = try checkServe(command, in: home, ran) { relay = served.0; serveOutput = served.1 }
                continue
            }
            let r = try home.type(command, ran)
            #expect(r.status == 0, "\(command): \(r.status) \(r.stderr)")
        }
        // keygen made the identity every other command looks for, private from the start.
        var st = stat()
        let file = stat(home.identity, &st) == 0 ? st.st_mode & 0o777 : 0
        let directory = stat(home.dir.path + "/.config/securechat", &st) == 0 ? st.st_mode & 0o777 : 0
        #expect(file == 0o600 && directory == 0o700, "identity mode \(String(file, radix: 8)), directory \(String(directory, radix: 8))")

        // serve's "next:" line (from a relay on a free port when 5000 is taken here).
        if relay == nil {
            relay = try home.start("securechat serve --port 0 --db relay.sqlite", Ran())
            try relay!.waitFor("next: ")
            serveOutput = relay!.stdout
        }
        let next = serveOutput.split(separator: "\n").first { $0.hasPrefix("next: ") }.map { String($0.dropFirst(6)) }
        let url = try #require(next?.split(separator: " ").last.map(String.init), "\(serveOutput)")
        let created = try home.type(next! + " --json", ran)
        ran.commands.append(next!)
        #expect(created.status == 0, "\(next!): \(created.stderr)")
        let room = try #require(try JSONSerialization.jsonObject(with: Data(created.stdout)) as? [String: Any])
        let link = try #require(room["invite"] as? String), id = try #require(room["id"] as? String)
        let joined = try home.type("securechat connect --room \(id) --send hello", ran)
        #expect(joined.status == 0, "\(joined.stderr)")

        // A second person: no identity yet.
        let bob = try Home()
        try followHint("securechat connect '\(link)' --send hi", in: bob, status: 1, expected: "securechat keygen", ran)
        #expect(try bob.type("securechat connect '\(link)' --send hi", ran).status == 0)
        try followHint("securechat keygen", in: bob, status: 1, expected: "securechat keygen -y \(bob.identity)", ran)
        try followHint("securechat room create --server \(url)", in: try Home(), status: 1, expected: "securechat keygen", ran)
        try followHint("echo plan > plain.txt; securechat encrypt -i friend.txt -o x.age plain.txt", in: bob, status: 1,
                       expected: "securechat keygen -o friend.txt", ran)
        try followHint("echo not-a-key > bad.key; echo hi | securechat encrypt --key-file bad.key", in: bob, status: 2,
                       expected: "securechat keygen --fernet", ran)
        try followHint("echo hi | securechat encrypt --room 00000000000000000000000000000000", in: bob, status: 1,
                       expected: "securechat room list", ran)
        try followHint("printf '\\xff\\xfe' > bin; securechat connect '\(link)' --send-file bin", in: bob,
                       status: 2, expected: "securechat help encrypt", ran)
        let bobKey = try bob.type("securechat keygen -y \(bob.identity)", Ran()).out.trimmingCharacters(in: .whitespacesAndNewlines)
        let bobPQ = try bob.type("securechat keygen --pq -o files-pq.txt", Ran()).out.trimmingCharacters(in: .whitespacesAndNewlines)
        try followHint("echo plan | securechat encrypt -r \(bobPQ) -r \(bobKey) -o mixed.age", in: bob, status: 64,
                       expected: "securechat keygen --pq", ran)
        try followHint("echo sealed | securechat encrypt -r \(bobKey) > x.age; securechat decrypt x.age",
                       in: try Home(), status: 1, expected: "securechat keygen", ran)

        // A room file naming a relay that does not know the room.
        let elsewhere = try LiveRelay()
        let moved = try home.type("securechat room create moved -o moved.json && sed -i 's#\"http://127.0.0.1:5000\"#\"\(elsewhere.url)\"#' moved.json", ran)
        #expect(moved.status == 0, "\(moved.stderr)")
        try followHint("securechat connect --room moved.json --send hi", in: home, status: 7,
                       expected: "securechat room create --server \(elsewhere.url)", ran)

        // A relay that is not running: the hint names serve, which is run as printed.
        let unreachable = try home.type("sed -i 's#\"\(elsewhere.url)\"#\"http://127.0.0.1:9\"#' moved.json; securechat connect --room moved.json --send hi --timeout 2s", ran)
        #expect(unreachable.status == 5, "\(unreachable.stderr)")
        #expect(Self.hints(unreachable.stderr).flatMap(Self.quotedCommands) == ["securechat serve"], "\(unreachable.stderr)")
        relay?.signal(SIGTERM)
        _ = relay?.wait()
        if let again = try checkServe("securechat serve", in: home, ran) {
            again.0.signal(SIGTERM)
            #expect(again.0.wait() == 0)
        }

        // Every help text's quoted commands.
        for command in ["", "keygen", "room", "room create", "room list", "room show", "room delete", "invite-qr",
                        "encrypt", "decrypt", "inspect", "serve", "connect"] {
            let help = try home.type("securechat \(command) --help", Ran())
            #expect(help.status == 0)
            for printed in Self.quotedCommands(help.out) {
                // The argument parser's own "See 'securechat help <subcommand>'" names a
                // placeholder: it is run with the first subcommand the same help lists.
                let quoted = printed.replacingOccurrences(of: "<subcommand>", with: Self.firstSubcommand(help.out) ?? "<subcommand>")
                let r = try home.type(quoted, ran)
                #expect(r.status == 0, "\(quoted) (from 'securechat \(command) --help'): \(r.stderr)")
            }
        }

        // The kind: every command quoted in the sources was run above in some form.
        let sources = Vectors.repositoryRoot.appendingPathComponent("Sources")
        for file in FileManager.default.subpaths(atPath: sources.path) ?? [] where file.hasSuffix(".swift") {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for template in Self.quotedCommands(text) {
                let pattern = Self.pattern(template)
                let covered = ran.commands.contains { $0.range(of: pattern, options: .regularExpression) != nil }
                #expect(covered, "\(file): '\(template)' is printed to users but never run by this test")
            }
        }
    }

    /// A source template (`securechat keygen -o \(path)`) as an anchored regular expression.
    static func pattern(_ template: String) -> String {
        var out = "^(.*/)?"
        var chars = Array(template)[...]
        while let c = chars.first {
            if c == "\\", chars.dropFirst().first == "(" {
                var depth = 0
                while let d = chars.popFirst() {
                    if d == "(" { depth += 1 } else if d == ")" { depth -= 1; if depth == 0 { break } }
                }
                out += ".+"
                continue
            }
            chars.removeFirst()
            out += NSRegularExpression.escapedPattern(for: String(c))
        }
        return out + "$"
    }
}
