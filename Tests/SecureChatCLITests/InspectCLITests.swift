import Foundation
import Testing
import TestSupport

@Suite struct InspectCLITests {
    @Test func tellsFormatsApart() throws {
        let dir = try CLI.sandbox()
        let r = try CLI.shell("""
            set -e
            "$SC" keygen -o id.txt > pub 2>/dev/null
            echo hello | "$SC" encrypt -R pub -a > f.age
            "$SC" inspect --json f.age
            echo hello | SECURECHAT_KEY=cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4= SECURECHAT_NOW=1700000000 "$SC" encrypt | "$SC" inspect --json
            "$SC" inspect --json id.txt | grep -c AGE-SECRET-KEY || true
            "$SC" inspect pub
            """, cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines[0].contains("\"armored\":true") && lines[0].contains("\"stanzas\":[\"X25519\"]") && lines[0].contains("\"plaintext_size\":6"))
        #expect(lines[1] == #"{"ciphertext_size":16,"plaintext_max":15,"plaintext_min":0,"time":"2023-11-14T22:13:20Z","timestamp":1700000000,"type":"fernet"}"#)
        #expect(lines[2] == "0") // the secret key is never printed
        #expect(lines[3].hasPrefix("age X25519 recipient age1"))
    }

    @Test func invitesWithoutTheirKey() throws {
        let link = "http://127.0.0.1:5000/join/3q2-7wAAAAAAAAAAAAAAAA#v=1&k=cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4"
        let r = try CLI.run(["inspect", "--json"], stdin: Array((link + "\n").utf8))
        #expect(r.status == 0)
        #expect(r.out == #"{"has_key":true,"id":"3q2-7wAAAAAAAAAAAAAAAA","policy":"open","server":"http:\/\/127.0.0.1:5000","type":"invite","version":1}"# + "\n"
                || r.out == #"{"has_key":true,"id":"3q2-7wAAAAAAAAAAAAAAAA","policy":"open","server":"http://127.0.0.1:5000","type":"invite","version":1}"# + "\n", "\(r.out)")
        #expect(!r.out.contains("cw_0x689"))
        let bad = try CLI.run(["inspect"], stdin: Array("http://127.0.0.1:5000/join/3q2-7wAAAAAAAAAAAAAAAA#v=3\n".utf8))
        #expect(bad.status == 2 && bad.stderr.hasPrefix("securechat: error: line 1: "))
    }

    @Test(arguments: [
        ("", "securechat: error: the input is empty: nothing to inspect\n"),
        ("hello\n", "securechat: error: line 1: not a Fernet token, age file, identity, recipient or invite link\n"),
        ("gAAAAA\n", "securechat: error: line 1: malformed token: not URL-safe base64 with correct padding\n"),
    ])
    func unrecognised(input: String, stderr: String) throws {
        let r = try CLI.run(["inspect"], stdin: Array(input.utf8))
        #expect(r.status == 2)
        #expect(r.stderr == stderr)
    }
}
