import Foundation
import Testing
import TestSupport

/// Key material and token logs saved with CRLF endings, or without a final newline, read the
/// same as with LF everywhere a command splits user input into lines.
@Suite struct LineEndingCLITests {
    let old = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
    let new = "7Y3pqu4NhY5QsNzD2Ou8SdiHsCYYh0WuWyWvvT-PAsU="

    /// The ways a rotated key file can be written; the first key must be the one that encrypts.
    static let keyFiles: [(name: String, text: String)] = [
        ("LF", "NEW\nOLD\n"),
        ("CRLF", "NEW\r\nOLD\r\n"),
        ("no final newline", "NEW\nOLD"),
        ("CRLF, no final newline", "NEW\r\nOLD"),
        ("CRLF comment only", "# rotated today\r\nNEW\nOLD\n"),
        ("CRLF comment and blank", "# rotated\r\n\r\n  NEW\t\r\nOLD"),
    ]

    @Test(arguments: keyFiles)
    func keyFileEncryptsWithItsFirstKey(_ name: String, _ file: String) throws {
        let dir = try CLI.sandbox()
        let text = file.replacingOccurrences(of: "NEW", with: new).replacingOccurrences(of: "OLD", with: old)
        try Data(text.utf8).write(to: dir.appendingPathComponent("room.key"))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir.appendingPathComponent("room.key").path)
        let r = try CLI.shell("""
            printf 'rotated' | "$SC" encrypt --key-file room.key > t1
            printf 'fd' | "$SC" encrypt --key-fd 3 3<room.key > t2
            printf 'env' | SECURECHAT_KEY="$(cat room.key)" "$SC" encrypt > t3
            # Only the new key may open them: the old one was rotated out.
            for t in t1 t2 t3; do SECURECHAT_KEY='\(new)' "$SC" decrypt $t; echo; done
            """, cwd: dir)
        #expect(r.status == 0, "\(name): \(r.stderr)")
        #expect(r.out == "rotated\nfd\nenv\n", "\(name): \(r.out) \(r.stderr)")
    }

    @Test func environmentKeyWithCRLF() throws {
        let enc = try CLI.run(["encrypt"], stdin: Array("hi".utf8), env: ["SECURECHAT_KEY": new + "\r\n"])
        #expect(enc.status == 0, "\(enc.stderr)")
        let dec = try CLI.run(["decrypt"], stdin: enc.stdout, env: ["SECURECHAT_KEY": "# note\r\n" + new])
        #expect(dec.status == 0 && dec.out == "hi", "\(dec.stderr)")
    }

    /// A token log with CRLF endings: decrypt and inspect read the same lines.
    @Test func tokenLogWithCRLF() throws {
        let dir = try CLI.sandbox()
        var log = ""
        for m in ["one", "two", "three"] {
            let t = try CLI.run(["encrypt"], stdin: Array(m.utf8), env: ["SECURECHAT_KEY": new])
            log += t.out.trimmingCharacters(in: .newlines) + "\r\n"
        }
        log += "\r\n"
        try Data(log.utf8).write(to: dir.appendingPathComponent("log"))
        let dec = try CLI.run(["decrypt", "log"], env: ["SECURECHAT_KEY": new], cwd: dir)
        // Several tokens: each plaintext on a line of its own.
        #expect(dec.status == 0 && dec.out == "one\ntwo\nthree\n", "\(dec.out.debugDescription) \(dec.stderr)")
        let inspected = try CLI.run(["inspect", "log", "--json"], cwd: dir)
        #expect(inspected.status == 0, "\(inspected.stderr)")
        #expect(inspected.out.split(separator: "\n").count == 3, "\(inspected.out)")
        // A bad line is named by its number, counted the same way for both endings.
        try Data("\(log.components(separatedBy: "\r\n")[0])\r\nnot-a-token\r\n".utf8).write(to: dir.appendingPathComponent("bad"))
        let bad = try CLI.run(["inspect", "bad"], cwd: dir)
        #expect(bad.status == 2 && bad.stderr.contains("line 2"), "\(bad.stderr)")
    }

    @Test func passphraseFileWithCRLF() throws {
        let dir = try CLI.sandbox()
        try Data("correct horse\r\n".utf8).write(to: dir.appendingPathComponent("crlf"))
        try Data("correct horse".utf8).write(to: dir.appendingPathComponent("bare"))
        let r = try CLI.shell("""
            echo sealed | "$SC" encrypt -p --passphrase-fd 3 3<crlf > s.age
            "$SC" decrypt --passphrase-fd 3 3<bare s.age
            """, cwd: dir)
        #expect(r.status == 0 && r.out == "sealed\n", "\(r.stderr)")
    }
}
