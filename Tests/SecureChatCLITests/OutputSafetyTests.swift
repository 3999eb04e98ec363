import Foundation
import Testing
import TestSupport

/// How outputs and secrets behave at the edges: modes kept, links followed, interrupted writes
/// cleaned up, terminals protected, standard input never read twice.
@Suite struct OutputSafetyTests {
    let key = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="

    @Test func existingModeAndSymlinksAndLongNames() throws {
        let dir = try CLI.sandbox()
        let long = String(repeating: "n", count: 250)
        let r = try CLI.shell("""
            set -e
            echo old > secret.txt; chmod 600 secret.txt
            echo hi | "$SC" encrypt | "$SC" decrypt -o secret.txt; stat -c %a secret.txt
            ln -s secret.txt link.txt
            echo via-link | "$SC" encrypt | "$SC" decrypt -o link.txt
            test -L link.txt && cat secret.txt
            echo x | "$SC" encrypt -o \(long) && test -s \(long) && echo long-ok
            echo y | "$SC" encrypt -o /dev/fd/1 | "$SC" decrypt
            """, env: ["SECURECHAT_KEY": key], cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.out == "600\nvia-link\nlong-ok\ny\n", "\(r.out)")
    }

    @Test func interruptedOutputLeavesNoTemporaryFile() throws {
        let dir = try CLI.sandbox()
        let r = try CLI.shell("""
            "$SC" encrypt -o big.tok < /dev/zero & pid=$!
            sleep 1; kill -TERM $pid; wait $pid
            echo "status=$?"
            ls -a | grep -c tmp || true
            test -e big.tok && echo "partial output"
            """, env: ["SECURECHAT_KEY": key], cwd: dir, timeout: 30)
        #expect(r.out == "status=143\n0\n", "\(r.out) \(r.stderr)")
    }

    @Test func inviteQRImagesOfOpenRoomsArePrivate() throws {
        let dir = try CLI.sandbox()
        let link = "http://127.0.0.1:5000/join/3q2-7wAAAAAAAAAAAAAAAA#v=1&k=cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4"
        let r = try CLI.shell("""
            echo '\(link)' | "$SC" invite-qr -o open.png && stat -c %a open.png
            echo 'http://127.0.0.1:5000/join/3q2-7wAAAAAAAAAAAAAAAA#v=1' | "$SC" invite-qr -o approval.png && stat -c %a approval.png
            """, cwd: dir)
        #expect(r.out == "600\n644\n" || r.out == "600\n664\n", "\(r.out) \(r.stderr)")
    }

    /// Mistyped links never echo the key in the error.
    @Test(arguments: [
        "http://127.0.0.1:5000/join/3q2-7wAAAAAAAAAAAAAAAA#v=1&k:cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4",
        "http://127.0.0.1:5000/join3q2-7wAAAAAAAAAAAAAAAA&k=cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4#v=1",
        "http://127.0.0.1:5000/join/cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4#v=1",
        "http://127.0.0.1:5000/join/3q2-7wAAAAAAAAAAAAAAAA#v=cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4",
    ])
    func keysStayOutOfErrors(link: String) throws {
        for args in [["invite-qr", "-t", "ascii"], ["inspect"]] {
            let r = try CLI.run(args, stdin: Array((link + "\n").utf8))
            #expect(r.status == 2)
            #expect(!r.stderr.contains("689RpI"), "\(r.stderr)")
        }
    }

    @Test func controlSequencesInALaterTokenNeverReachTheTerminal() throws {
        let dir = try CLI.sandbox()
        let r = try CLI.shell("""
            { echo hello | "$SC" encrypt; printf 'bad\\033]0;owned\\007\\033[2J' | "$SC" encrypt; } > log.txt
            script -qec '"$SC" decrypt log.txt' /dev/null
            """, env: ["SECURECHAT_KEY": key], cwd: dir, timeout: 30)
        #expect(r.out.contains("refusing to write binary data or control characters to the terminal"), "\(r.out)")
        #expect(!r.out.contains("\u{1B}]0;owned"))
    }

    @Test(arguments: [
        (["encrypt", "--key-fd", "0"], "securechat: error: the input and --key-fd 0 cannot all read standard input; name the input file as an argument\n"),
        (["encrypt", "-i", "-"], "securechat: error: the input and -i - cannot all read standard input; name the input file as an argument\n"),
        (["decrypt", "--passphrase-fd", "0"], "securechat: error: the input and --passphrase-fd 0 cannot all read standard input; name the input file as an argument\n"),
    ])
    func standardInputIsReadOnce(args: [String], stderr: String) throws {
        let r = try CLI.run(args, stdin: Array("x".utf8))
        #expect(r.status == 64)
        #expect(r.stderr.hasPrefix(stderr), "\(r.stderr)")
    }

    /// A passphrase file is opened with the passphrase alone, even when the default identity
    /// is itself protected by a (different) passphrase.
    @Test func passphraseFileBesideAProtectedDefaultIdentity() throws {
        let dir = try CLI.sandbox()
        let cfg = dir.appendingPathComponent("cfg/securechat")
        try FileManager.default.createDirectory(at: cfg, withIntermediateDirectories: true)
        let r = try CLI.shell("""
            set -e
            echo id-pass > idp; echo file-pass > fp
            "$SC" keygen -p --passphrase-fd 3 --work-factor 10 -o cfg/securechat/identity.txt 3<idp >/dev/null 2>&1
            echo payload | "$SC" encrypt -p --passphrase-fd 3 --work-factor 10 3<fp > f.age
            "$SC" decrypt --passphrase-fd 3 3<fp f.age
            """, env: ["XDG_CONFIG_HOME": dir.appendingPathComponent("cfg").path], cwd: dir, timeout: 30)
        #expect(r.status == 0 && r.out == "payload\n", "\(r.stderr)")
    }

    @Test func identityWorkFactorStaysReadable() throws {
        let r = try CLI.run(["keygen", "-p", "--work-factor", "23", "-o", "x"])
        #expect(r.status == 64)
        #expect(r.stderr.hasPrefix("securechat: error: --work-factor must be between 1 and 22 for identity files\n"))
    }
}

/// Room ids are base64url, so one in 64 begins with '-': `--room` still takes it as its value.
@Suite struct DashRoomIDTests {
    @Test func roomOptionTakesADashID() throws {
        let r = try CLI.run(["encrypt", "--room", "-AAAAAAAAAAAAAAAAAAAAA"], stdin: [1])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("securechat: error: no room -AAAAAAAAAAAAAAAAAAAAA"), "\(r.stderr)")
    }
}
