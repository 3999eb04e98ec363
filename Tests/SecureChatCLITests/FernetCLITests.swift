import Foundation
import Testing
import TestSupport

/// `encrypt`/`decrypt` with a room key, through the real binary.
@Suite struct FernetCLITests {
    let key = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="

    @Test func roundTripThroughEnvironmentKey() throws {
        let enc = try CLI.run(["encrypt"], stdin: Array("hello, room".utf8), env: ["SECURECHAT_KEY": key])
        #expect(enc.status == 0, "\(enc.stderr)")
        #expect(enc.out.hasPrefix("gAAAAA") && enc.out.hasSuffix("\n"))
        #expect(enc.out.filter { $0 == "\n" }.count == 1)
        let dec = try CLI.run(["decrypt"], stdin: enc.stdout, env: ["SECURECHAT_KEY": key])
        #expect(dec.status == 0 && dec.out == "hello, room")
    }

    @Test func keyFromFileAndFD() throws {
        let dir = try CLI.sandbox()
        let keyFile = dir.appendingPathComponent("room.key")
        try (key + "\n").write(to: keyFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile.path)
        let r = try CLI.shell("""
            printf 'abc' | "$SC" encrypt --key-file room.key > t
            "$SC" decrypt --key-fd 3 3<room.key < t
            """, cwd: dir)
        #expect(r.status == 0 && r.out == "abc", "\(r.stderr)")
        #expect(!r.stderr.contains("warning"))
        // A key file others can read still works, with a warning and the fix.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyFile.path)
        let w = try CLI.shell("printf x | \"$SC\" encrypt -k room.key", cwd: dir)
        #expect(w.status == 0)
        #expect(w.stderr.contains("securechat: warning: key file room.key is accessible by other users (mode 644)"))
        #expect(w.stderr.contains("securechat: hint: chmod 600 room.key"))
    }

    @Test func manyTokensOnePerLineWithWhitespace() throws {
        var log = ""
        for word in ["one", "two", "three"] {
            let r = try CLI.run(["encrypt"], stdin: Array(word.utf8), env: ["SECURECHAT_KEY": key])
            log += "  " + r.out.trimmingCharacters(in: .whitespacesAndNewlines) + "  \r\n\n"
        }
        let dec = try CLI.run(["decrypt"], stdin: Array(log.utf8), env: ["SECURECHAT_KEY": key])
        #expect(dec.status == 0 && dec.out == "one\ntwo\nthree\n", "\(dec.stderr)")
    }

    @Test func atomicOutputLeavesNothingOnFailure() throws {
        let dir = try CLI.sandbox()
        let bad = try CLI.run(["decrypt", "-o", dir.appendingPathComponent("out.txt").path],
                              stdin: Array("gAAAAAB\n".utf8), env: ["SECURECHAT_KEY": key])
        #expect(bad.status == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        let good = try CLI.run(["encrypt", "-o", dir.appendingPathComponent("t").path], stdin: [1, 2, 3], env: ["SECURECHAT_KEY": key])
        #expect(good.status == 0 && good.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["t"])
    }

    /// Devices and pipes are written in place, never replaced by a renamed file.
    @Test func outputToDevicesAndFIFOs() throws {
        let dir = try CLI.sandbox()
        let r = try CLI.shell("""
            set -e
            echo x | "$SC" encrypt -o /dev/null
            test -c /dev/null && echo device
            mkfifo pipe
            cat pipe > got & echo y | "$SC" encrypt -o pipe; wait
            "$SC" decrypt < got
            """, env: ["SECURECHAT_KEY": key], cwd: dir)
        #expect(r.status == 0 && r.out == "device\ny\n", "\(r.stderr)")
    }

    @Test func ttlExpiry() throws {
        let enc = try CLI.run(["encrypt"], stdin: Array("old".utf8), env: ["SECURECHAT_KEY": key, "SECURECHAT_NOW": "1700000000"])
        let ok = try CLI.run(["decrypt", "--ttl", "1h"], stdin: enc.stdout, env: ["SECURECHAT_KEY": key, "SECURECHAT_NOW": "1700003600"])
        #expect(ok.status == 0 && ok.out == "old")
        let old = try CLI.run(["decrypt", "--ttl", "1h"], stdin: enc.stdout, env: ["SECURECHAT_KEY": key, "SECURECHAT_NOW": "1700003601"])
        #expect(old.status == 4 && old.stdout.isEmpty)
        #expect(old.stderr == "securechat: error: token expired: it is 3601 s old and the limit is 3600 s\nsecurechat: hint: drop --ttl to read it regardless of its age\n")
    }

    /// Bad input through the CLI: exact message and exit status, never output.
    @Test(arguments: [
        ("", [String](), ["SECURECHAT_KEY": "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="], Int32(2),
         "securechat: error: the input is empty: nothing to decrypt\n"),
        ("gAAAAABl!!!!\n", [], ["SECURECHAT_KEY": "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="], 2,
         "securechat: error: malformed token: not URL-safe base64 with correct padding\n"),
        ("x", [], ["SECURECHAT_KEY": "short"], 2,
         "securechat: error: SECURECHAT_KEY, line 1: invalid Fernet key: not URL-safe base64 (expected 44 characters of A-Z a-z 0-9 - _ ending in =)\n"),
        ("x", ["--key-file", "/nonexistent/room.key"], [:], 1,
         "securechat: error: key file /nonexistent/room.key does not exist\n"),
        ("x", ["-o", "/nonexistent/dir/out"], ["SECURECHAT_KEY": "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="], 1,
         "securechat: error: cannot write /nonexistent/dir/out: directory /nonexistent/dir does not exist\n"),
        ("x", ["--ttl", "2 hours"], [:], 64,
         "securechat: error: invalid --ttl '2 hours': use seconds or a number with s, m, h or d (e.g. 2h)\n"),
    ])
    func badInput(stdin: String, args: [String], env: [String: String], status: Int32, stderr: String) throws {
        let command = args.contains("-o") && !args.contains("--ttl") ? "encrypt" : "decrypt"
        let r = try CLI.run([command] + args, stdin: Array(stdin.utf8), env: env)
        #expect(r.status == status)
        #expect(r.stderr.hasPrefix(stderr), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test func wrongKeyAndTamperedToken() throws {
        let enc = try CLI.run(["encrypt"], stdin: Array("secret".utf8), env: ["SECURECHAT_KEY": key])
        let other = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
        let wrong = try CLI.run(["decrypt"], stdin: enc.stdout, env: ["SECURECHAT_KEY": other])
        #expect(wrong.status == 3 && wrong.stdout.isEmpty)
        #expect(wrong.stderr.hasPrefix("securechat: error: token does not authenticate with the given key (wrong key, or the token was altered)\n"))
        var raw = enc.stdout
        raw[0] = UInt8(ascii: "h") // version byte 0x80 -> 0x84
        let tampered = try CLI.run(["decrypt"], stdin: raw, env: ["SECURECHAT_KEY": key])
        #expect(tampered.status == 2 && tampered.stderr.contains("malformed token: unknown version byte"))
    }

    @Test func closedStdoutMidWrite() throws {
        // 4 MiB of ciphertext into a reader that stops after one byte: exits quietly with 141.
        let r = try CLI.shell("""
            head -c 4194304 /dev/zero | SECURECHAT_KEY=\(key) "$SC" encrypt | head -c 1 > /dev/null
            echo "status=${PIPESTATUS[1]}"
            """)
        #expect(r.out.contains("status=141"), "\(r.out) \(r.stderr)")
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("securechat: error"))
    }
}
