import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `securechat serve` as a user runs it: a process that prints its address, answers HTTP, and
/// stops cleanly on SIGTERM.
@Suite struct ServeCLITests {
    /// A running `securechat serve`, its output in files.
    final class Server {
        let process = Process()
        let dir: URL
        var stdout: String { (try? String(contentsOf: dir.appendingPathComponent("stdout"), encoding: .utf8)) ?? "" }
        var stderr: String { (try? String(contentsOf: dir.appendingPathComponent("stderr"), encoding: .utf8)) ?? "" }

        /// `setUp` runs in the sandbox before the relay starts (e.g. `keygen`), with its environment.
        init(_ args: [String], setUp: (URL, [String: String]) throws -> Void = { _, _ in }) throws {
            dir = try CLI.sandbox()
            process.executableURL = URL(fileURLWithPath: CLI.binary)
            process.arguments = ["serve"] + args
            process.environment = ["PATH": "/usr/bin:/bin", "HOME": dir.path, "XDG_DATA_HOME": dir.appendingPathComponent("data").path]
            try setUp(dir, process.environment!)
            for name in ["stdout", "stderr"] { _ = FileManager.default.createFile(atPath: dir.appendingPathComponent(name).path, contents: nil) }
            process.standardOutput = try FileHandle(forWritingTo: dir.appendingPathComponent("stdout"))
            process.standardError = try FileHandle(forWritingTo: dir.appendingPathComponent("stderr"))
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }

        /// The port from the first line of output.
        func port(timeout: TimeInterval = 30) throws -> Int {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if let line = stdout.split(separator: "\n").first, let r = line.range(of: "://127.0.0.1:") {
                    let digits = line[r.upperBound...].prefix { $0.isNumber }
                    if let port = Int(digits) { return port }
                }
                if !process.isRunning { break }
                usleep(20_000)
            }
            throw CLIError("no address printed; stderr: \(stderr)")
        }

        /// Sends SIGTERM and waits for the exit status.
        func terminate(timeout: TimeInterval = 20) -> Int32? {
            kill(process.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning, Date() < deadline { usleep(20_000) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return nil
            }
            return process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
        }

        deinit {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            try? FileManager.default.removeItem(at: dir)
        }
    }

    struct CLIError: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    @Test func servesHealthAndStopsCleanlyOnSIGTERM() throws {
        let db = try CLI.sandbox().appendingPathComponent("relay.sqlite")
        let server = try Server(["--port", "0", "--db", db.path])
        let port = try server.port()
        #expect(port > 0 && port != 5000)
        #expect(server.stdout.contains("next: securechat room create --server http://127.0.0.1:\(port)"))
        #expect(server.stdout.contains("or chat in a browser: http://127.0.0.1:\(port)/"))
        let health = try httpGet(port: port, path: "/health")
        #expect(health.hasPrefix("HTTP/1.1 200"))
        #expect(health.hasSuffix(#"{"protocol":2,"status":"ok"}"#))
        let page = try httpGet(port: port, path: "/join/k3Jd9xQm2LwP8aZt5RvYbc")
        #expect(page.hasPrefix("HTTP/1.1 200") && page.contains("securechat connect") && page.contains("/assets/app.js"))
        #expect(server.terminate() == 0, "stderr: \(server.stderr)")
        #expect(server.stderr.contains("relay stopped"))
        #expect(FileManager.default.fileExists(atPath: db.path))
    }

    /// A connection that has sent nothing neither holds a shutdown open (SIGTERM used to wait
    /// for it for good) nor keeps its socket past the relay's first-bytes deadline.
    @Test func aConnectionThatSendsNothingHoldsNeitherTheShutdownNorASocket() throws {
        let db = try CLI.sandbox().appendingPathComponent("relay.sqlite")
        let server = try Server(["--port", "0", "--db", db.path])
        let port = try server.port()

        let silent = try tcpConnect(port: port)
        defer { close(silent) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(silent, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var byte: UInt8 = 0
        // The relay closes it (end of stream), well before the 30 s receive timeout.
        #expect(recv(silent, &byte, 1, 0) == 0, "the silent connection was not closed")

        let idle = try tcpConnect(port: port)
        defer { close(idle) }
        #expect(server.terminate(timeout: 8) == 0, "stderr: \(server.stderr)")
    }

    @Test func defaultDatabaseIsUnderXDGDataHome() throws {
        let server = try Server(["--port", "0", "--json"])
        _ = try? server.port()
        let deadline = Date().addingTimeInterval(30)
        while !server.stdout.contains("\n"), Date() < deadline { usleep(20_000) }
        let line = server.stdout.split(separator: "\n").first.map(String.init) ?? ""
        let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        let expected = server.dir.appendingPathComponent("data/securechat/relay.sqlite").path
        #expect(json?["database"] as? String == expected)
        #expect((json?["url"] as? String)?.hasPrefix("http://127.0.0.1:") == true)
        #expect(server.terminate() == 0)
        #expect(FileManager.default.fileExists(atPath: expected))
    }

    /// The certificate a phone's browser will warn about is the one whose fingerprint `serve`
    /// printed, and the relay speaks https with it.
    @Test func aSelfSignedCertificateIsServedWithThePrintedFingerprint() throws {
        let server = try Server(["--port", "0", "--tls-self-signed", "--db", try CLI.sandbox().appendingPathComponent("t.sqlite").path])
        let port = try server.port()
        let deadline = Date().addingTimeInterval(10)
        while !server.stdout.contains("SHA-256"), Date() < deadline { usleep(20_000) }
        #expect(server.stdout.contains("securechat relay listening on https://127.0.0.1:\(port)"))
        let printed = server.stdout.split(separator: "\n").first { $0.hasPrefix("self-signed certificate, SHA-256 ") }
            .map { String($0.dropFirst("self-signed certificate, SHA-256 ".count)) }
        #expect(printed?.count == 95, "\(server.stdout)")
        let served = try CLI.shell("openssl s_client -connect 127.0.0.1:\(port) -servername localhost </dev/null 2>/dev/null"
            + " | openssl x509 -noout -fingerprint -sha256")
        #expect(served.out.trimmingCharacters(in: .whitespacesAndNewlines).uppercased() == "SHA256 FINGERPRINT=\(printed ?? "-")")
        #expect(server.terminate() == 0)
    }

    /// `serve --room NAME`: a room ready to join as soon as the relay listens, saved like any other.
    @Test func serveMakesAReadyRoom() throws {
        var env: [String: String] = [:]
        let server = try Server(["--port", "0", "--room", "demo", "--db", try CLI.sandbox().appendingPathComponent("r.sqlite").path]) { dir, environment in
            env = environment
            let made = try CLI.run(["keygen"], env: environment, cwd: dir)
            #expect(made.status == 0, "\(made.stderr)")
        }
        let port = try server.port()
        let deadline = Date().addingTimeInterval(20)
        while !server.stdout.contains("room demo"), server.process.isRunning, Date() < deadline { usleep(20_000) }
        let line = try #require(server.stdout.split(separator: "\n").first { $0.hasPrefix("room demo (saved as ") }, "\(server.stdout) \(server.stderr)")
        let link = String(try #require(line.split(separator: " ").last))
        #expect(link.hasPrefix("http://127.0.0.1:\(port)/join/"))
        // Not a terminal: the link only, no QR code.
        #expect(!server.stdout.contains("scan it"))
        let id = try #require(line.split(separator: " ").dropFirst(4).first.map { String($0.dropLast(2)) })
        let sent = try CLI.run(["connect", "--room", id, "--send", "ready"], env: env, cwd: server.dir)
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(server.terminate() == 0)

        // On a terminal, the invite is also drawn as a QR code (half blocks) under the link.
        let shown = try CLI.shell("timeout -s INT 8 script -qec 'securechat serve --port 0 --db t.sqlite --room phone' /dev/null",
                                  env: env.merging(["PATH": URL(fileURLWithPath: CLI.binary).deletingLastPathComponent().path + ":/usr/bin:/bin"]) { $1 },
                                  cwd: server.dir)
        #expect(shown.out.contains("room phone (saved as ") && shown.out.contains("scan it with a phone:"), "\(shown.out) \(shown.stderr)")
        #expect(shown.out.contains("▀") || shown.out.contains("▄") || shown.out.contains("█"))

        // Without an identity nothing starts, and the hint says how to make one.
        let none = try CLI.run(["serve", "--port", "0", "--room", "demo"], env: ["HOME": try CLI.sandbox().path])
        #expect(none.status == 1 && none.stderr.contains("make one with 'securechat keygen'"), "\(none.stderr)")
        let badName = try CLI.run(["serve", "--room", ""])
        #expect(badName.status == 64 && badName.stderr.contains("invalid --room name"), "\(badName.stderr)")
    }

    @Test func aBusyPortIsAClearError() throws {
        let first = try Server(["--port", "0", "--db", try CLI.sandbox().appendingPathComponent("a.sqlite").path])
        let port = try first.port()
        let second = try CLI.run(["serve", "--port", String(port), "--db", try CLI.sandbox().appendingPathComponent("b.sqlite").path],
                                 timeout: 30)
        #expect(second.status == 1)
        #expect(second.stderr.contains("securechat: error: cannot listen on 127.0.0.1:\(port): the address is in use"), "\(second.stderr)")
        #expect(second.stderr.contains("securechat: hint: choose another --port"))
        #expect(first.terminate() == 0)
    }

    @Test(arguments: [
        (["--tls-cert", "c.pem"], "--tls-cert and --tls-key go together"),
        (["--port", "70000"], "--port must be 0 to 65535"),
        (["--tls-self-signed", "--tls-cert", "c.pem", "--tls-key", "k.pem"], "--tls-self-signed replaces --tls-cert and --tls-key"),
        (["--code-interval", "soon"], "invalid --code-interval 'soon'"),
        (["--default-ttl", "40d"], "--default-ttl is longer than --max-ttl"),
        (["--log-level", "loud"], "unknown --log-level 'loud'"),
        (["--rate", "0"], "--rate must be a positive number"),
        // Flags whose values would overflow the relay's arithmetic are refused up front.
        (["--rate", "1e300"], "--rate must be a positive number up to 1000000"),
        (["--max-frame", "9223372036854775807"], "--max-frame must be 1024 to 16777216 bytes"),
        (["--max-members", "9223372036854775807"], "--max-members must be 1 to 1000000000"),
        (["--burst", "0"], "--burst must be 1 to 1000000000"),
        (["--max-ttl", "18446744073709551615"], "--max-ttl may be at most 315360000 seconds"),
        (["--knock-timeout", "99999999d"], "--knock-timeout may be at most 604800 seconds"),
        (["--public-url", "ftp://relay.example.org"], "invalid --public-url 'ftp://relay.example.org'"),
        // A database password never goes on the command line (every user can read it there).
        (["--db", "postgres://relay:s3cret-pw@127.0.0.1/chat"],
         "invalid --db: the database URL carries a password: give it in the PGPASSWORD environment variable or in a file named by --db-password-file, never on the command line"),
        (["--db", "postgresql://relay@127.0.0.1:99999/chat"], "invalid --db: the database URL's port must be a number from 1 to 65535"),
        (["--db", "mysql://relay@127.0.0.1/chat"], "invalid --db: the database URL must start with postgres:// or postgresql://"),
        (["--db", "relay.sqlite", "--db-password-file", "pw.txt"], "--db-password-file goes with a postgres:// --db"),
    ])
    func badOptions(args: [String], message: String) throws {
        let r = try CLI.run(["serve"] + args)
        #expect(r.status == 64)
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(!r.stderr.contains("s3cret-pw"), "an error never repeats a password")
    }

    /// A minimal HTTP/1.1 GET over a plain socket: status line, headers and body as text.
    /// A TCP connection to 127.0.0.1:`port`; the caller closes it.
    func tcpConnect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CLIError("socket failed") }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard ok == 0 else { close(fd); throw CLIError("connect failed") }
        return fd
    }

    func httpGet(port: Int, path: String) throws -> String {
        let fd = try tcpConnect(port: port)
        defer { close(fd) }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var response = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            response += buffer[0..<n]
        }
        return String(decoding: response, as: UTF8.self)
    }
}
