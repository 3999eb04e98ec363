import Foundation
import Testing
import TestSupport
import SecureChatCrypto

/// The age side of encrypt/decrypt/keygen through the real binary, with the exact errors.
@Suite struct AgeCLITests {
    /// One parsed CCTV vector: its headers and the age file.
    struct Vector {
        let name: String
        var headers: [(String, String)] = []
        var body: [UInt8] = []
        func header(_ k: String) -> [String] { headers.filter { $0.0 == k }.map(\.1) }
    }

    static func vectors() throws -> [Vector] {
        let dir = Vectors.url("age")
        var out = [Vector]()
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() {
            let bytes = Array(try Data(contentsOf: dir.appendingPathComponent(name)))
            var v = Vector(name: name)
            var i = 0
            while i < bytes.count {
                guard let nl = bytes[i...].firstIndex(of: 0x0a) else { break }
                let line = String(decoding: bytes[i..<nl], as: UTF8.self)
                i = nl + 1
                if line.isEmpty { break }
                let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                v.headers.append((parts[0], parts.count > 1 ? parts[1] : ""))
            }
            v.body = Array(bytes[i...])
            if v.header("compressed").first == "zlib" {
                let tmp = try CLI.sandbox()
                try Data(v.body).write(to: tmp.appendingPathComponent("z"))
                let r = try CLI.shell("python3 -c 'import zlib,sys; sys.stdout.buffer.write(zlib.decompress(open(\"z\",\"rb\").read()))'", cwd: tmp)
                v.body = r.stdout
            }
            out.append(v)
        }
        return out
    }

    /// Every vector, the 19 post-quantum (hybrid) ones included, through `securechat decrypt`:
    /// exit status by failure class (docs/formats.md, "age").
    @Test func everyVectorThroughTheCLI() throws {
        let statusFor = ["success": Int32(0), "no match": 3, "HMAC failure": 3, "header failure": 2, "payload failure": 2, "armor failure": 2]
        var counts: [String: Int] = [:]
        for v in try Self.vectors() {
            let expect = try #require(v.header("expect").first)
            let dir = try CLI.sandbox()
            try Data(v.body).write(to: dir.appendingPathComponent("file"))
            var args = ["decrypt", "file"]
            for (n, id) in v.header("identity").enumerated() {
                try (id + "\n").write(to: dir.appendingPathComponent("id\(n)"), atomically: true, encoding: .utf8)
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir.appendingPathComponent("id\(n)").path)
                args += ["-i", "id\(n)"]
            }
            var env = ["HOME": dir.path]
            if let p = v.header("passphrase").first { env["SECURECHAT_PASSPHRASE"] = p }
            let r = try CLI.run(args, env: env, cwd: dir)
            // With no identity and no passphrase at all, "no match" is a missing identity (1) naming keygen.
            let noKeys = v.header("identity").isEmpty && v.header("passphrase").isEmpty
            // A payload chunk that fails to authenticate is altered data (3); a cut or malformed STREAM is 2.
            let altered = expect == "payload failure" && r.stderr.contains("failed to authenticate")
            let wanted = expect == "no match" && noKeys ? 1 : altered ? 3 : statusFor[expect]
            #expect(r.status == wanted, "\(v.name): \(expect), got \(r.status) \(r.stderr)")
            if expect == "success" {
                #expect(hexString(SHA256.hash(r.stdout)) == v.header("payload").first, "\(v.name)")
                #expect(r.stderr.isEmpty, "\(v.name): \(r.stderr)")
            } else {
                #expect(r.stderr.hasPrefix("securechat: error: "), "\(v.name): \(r.stderr)")
            }
            counts[expect, default: 0] += 1
        }
        print("age vectors through the CLI: \(counts.sorted { $0.key < $1.key })")
        #expect(counts.values.reduce(0, +) == 143)
        #expect(counts.count == 6)
    }

    @Test func roundTripWithAgeBothWays() throws {
        let dir = try CLI.sandbox()
        let r = try CLI.shell("""
            set -e
            "$SC" keygen -o me.txt 2>/dev/null > me.pub
            age-keygen -o friend.txt 2>/dev/null
            age-keygen -y friend.txt > friend.pub
            head -c 65537 /dev/urandom > data
            "$SC" encrypt -r "$(cat friend.pub)" -i me.txt -o data.age data
            age -d -i friend.txt data.age | cmp - data
            "$SC" decrypt -i me.txt data.age | cmp - data
            age -r "$(cat me.pub)" -a data > data.asc
            "$SC" decrypt -i me.txt -o out data.asc && cmp out data
            printf '# team\\n\\n%s\\n%s\\n' "$(cat me.pub)" "$(cat friend.pub)" > team.txt
            "$SC" encrypt -R team.txt -a data | age -d -i friend.txt | cmp - data
            age -d -i me.txt data.age | cmp - data
            echo ok
            """, cwd: dir)
        #expect(r.status == 0 && r.out == "ok\n", "\(r.stderr)")
    }

    @Test func identityFileOpensWithAge() throws {
        let dir = try CLI.sandbox()
        let r = try CLI.shell("""
            set -e
            "$SC" keygen -o id.txt 2>/dev/null > pub
            stat -c %a id.txt
            echo secret | age -r "$(cat pub)" | age -d -i id.txt
            test "$(age-keygen -y id.txt)" = "$(cat pub)" && echo same
            echo pw > pw
            "$SC" keygen -p --passphrase-fd 3 --work-factor 10 -o enc.txt 3<pw 2>/dev/null > enc.pub
            echo secret2 | "$SC" encrypt -r "$(cat enc.pub)" | "$SC" decrypt -i enc.txt --passphrase-fd 3 3<pw
            """, cwd: dir)
        #expect(r.status == 0 && r.out == "600\nsecret\nsame\nsecret2\n", "\(r.stderr)")
    }

    @Test func keygenJSONAndPublic() throws {
        let dir = try CLI.sandbox()
        let made = try CLI.run(["keygen", "-o", "id.txt", "--json"], cwd: dir)
        #expect(made.status == 0)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(made.stdout)) as? [String: Any]) as! [String: String]
        #expect(obj["recipient"]!.hasPrefix("age1") && obj["file"] == "id.txt")
        #expect(obj["fingerprint"]!.range(of: "^[a-z2-7]{4}(-[a-z2-7]{4}){3}$", options: .regularExpression) != nil)
        #expect(obj["signing_key"]!.count == 43)
        let pub = try CLI.run(["keygen", "-y", "id.txt", "--json"], cwd: dir)
        let any2 = try #require(try JSONSerialization.jsonObject(with: Data(pub.stdout)) as? [String: Any])
        #expect(any2["file"] is NSNull)
        let obj2 = any2.compactMapValues { $0 as? String }
        #expect(obj2["recipient"] == obj["recipient"] && obj2["fingerprint"] == obj["fingerprint"] && obj2["signing_key"] == obj["signing_key"])
        // The default location under XDG_CONFIG_HOME, directories made by keygen, is found by other commands.
        let cfg = dir.appendingPathComponent("cfg")
        let shell = try CLI.shell("""
            set -e
            "$SC" keygen -o "$XDG_CONFIG_HOME/securechat/identity.txt" >/dev/null 2>&1
            echo hi | "$SC" encrypt -r "$("$SC" keygen -y "$XDG_CONFIG_HOME/securechat/identity.txt" 2>/dev/null)" | "$SC" decrypt
            """, env: ["XDG_CONFIG_HOME": cfg.path, "HOME": dir.path], cwd: dir)
        #expect(shell.status == 0 && shell.out == "hi\n", "\(shell.stderr)")
    }

    @Test(arguments: [
        (["encrypt", "-r", "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8q"], Int32(2),
         "securechat: error: -r age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8q: invalid recipient: invalid checksum\n"),
        (["encrypt", "-p", "-r", "age1x"], 64,
         "securechat: error: -p/--passphrase cannot be combined with -r, -R or -i: a passphrase file has exactly one recipient\n"),
        (["encrypt", "-a"], 64,
         "securechat: error: --armor applies to age output (-r, -R, -i or -p); a Fernet token is already text\n"),
        (["encrypt"], 64, "securechat: error: no key or recipient given\n"),
        (["decrypt", "-i", "missing.txt", "f.age"], 1, "securechat: error: identity file missing.txt does not exist\n"),
    ])
    func badUsage(args: [String], status: Int32, stderr: String) throws {
        let dir = try CLI.sandbox()
        _ = try CLI.shell("echo x | age -r age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p > f.age", cwd: dir)
        let r = try CLI.run(args, stdin: Array("x".utf8), cwd: dir)
        #expect(r.status == status, "\(r.stderr)")
        #expect(r.stderr.hasPrefix(stderr), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    /// Altered data is an authentication failure (3), as README's exit statuses say, and leaves
    /// no output file.
    @Test func anAlteredPayloadIsAnAuthenticationFailure() throws {
        let dir = try CLI.sandbox()
        #expect(try CLI.run(["keygen", "-o", "id.txt"], cwd: dir).status == 0)
        let recipient = try CLI.run(["keygen", "-y", "id.txt"], cwd: dir).out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try CLI.run(["encrypt", "-r", recipient, "-o", "f.age"], stdin: Array("hello, age".utf8), cwd: dir).status == 0)
        var file = try Array(Data(contentsOf: dir.appendingPathComponent("f.age")))
        file[file.count - 5] ^= 1
        try Data(file).write(to: dir.appendingPathComponent("altered.age"))
        let altered = try CLI.run(["decrypt", "-i", "id.txt", "-o", "out1", "altered.age"], cwd: dir)
        #expect(altered.status == 3)
        #expect(altered.stderr == "securechat: error: payload chunk 0 failed to authenticate: the file was modified or corrupted\n", "\(altered.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out1").path))
    }

    /// A Fernet room key given for an age file is named as the mistake, not silently ignored.
    @Test func aRoomKeyDoesNotOpenAnAgeFile() throws {
        let dir = try CLI.sandbox()
        #expect(try CLI.run(["keygen", "-o", "id.txt"], cwd: dir).status == 0)
        let recipient = try CLI.run(["keygen", "-y", "id.txt"], cwd: dir).out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try CLI.run(["encrypt", "-r", recipient, "-o", "f.age"], stdin: [1], cwd: dir).status == 0)
        #expect(try CLI.run(["keygen", "--fernet", "-o", "room.key"], cwd: dir).status == 0)
        let r = try CLI.run(["decrypt", "--key-file", "room.key", "f.age"], env: ["HOME": dir.path], cwd: dir)
        #expect(r.status == 64)
        // A mistyped identity path: no suggestion to make a new identity, which could not open it.
        let typo = try CLI.run(["decrypt", "-i", "idd.txt", "f.age"], env: ["HOME": dir.path], cwd: dir)
        #expect(typo.status == 1 && typo.stderr.contains("hint: check the path: only the identity a file was encrypted to opens it"), "\(typo.stderr)")
        #expect(!typo.stderr.contains("keygen"))
        #expect(r.stderr == "securechat: error: f.age is an age file, which a room key (--key-file, --key-fd, --room, --invite) does not open\n"
            + "securechat: hint: pass the identity it was encrypted to with -i FILE, or its passphrase\n", "\(r.stderr)")
    }

    @Test func recipientsFileWithMalformedLine() throws {
        let dir = try CLI.sandbox()
        try "# friends\nage1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\n\nnot-a-recipient\n".write(
            to: dir.appendingPathComponent("r.txt"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["encrypt", "-R", "r.txt", "-o", "out"], stdin: [1], cwd: dir)
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("securechat: error: r.txt: recipients file, line 4: "), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
    }

    @Test func passphraseFileInAScriptWithoutPassphrase() throws {
        let dir = try CLI.sandbox()
        let r = try CLI.shell("""
            echo pw > pw
            echo x | "$SC" encrypt -p --passphrase-fd 3 --work-factor 10 3<pw > p.age
            setsid "$SC" decrypt p.age < /dev/null; echo "status=$?"
            """, cwd: dir, timeout: 20)
        #expect(r.out.hasSuffix("status=64\n"), "\(r.out)")
        #expect(r.stderr.contains("securechat: error: p.age is protected by a passphrase and there is no terminal to ask for it"))
        #expect(r.stderr.contains("securechat: hint: pass it with --passphrase-fd N or SECURECHAT_PASSPHRASE"))
    }

    @Test func wrongPassphraseAndNoMatchingIdentity() throws {
        let dir = try CLI.sandbox()
        let r = try CLI.shell("""
            echo pw > pw; echo nope > bad
            echo x | "$SC" encrypt -p --passphrase-fd 3 --work-factor 10 3<pw > p.age
            "$SC" decrypt --passphrase-fd 3 3<bad p.age; echo "status=$?"
            "$SC" keygen -o a.txt >/dev/null 2>&1; "$SC" keygen -o b.txt > b.pub 2>/dev/null
            echo x | "$SC" encrypt -R b.pub > b.age
            "$SC" decrypt -i a.txt -o out b.age; echo "status=$?"; test -e out && echo "partial output"
            """, cwd: dir, timeout: 30)
        #expect(r.out == "status=3\nstatus=3\n", "\(r.out)")
        #expect(r.stderr.contains("securechat: error: incorrect passphrase\n"))
        #expect(r.stderr.contains("securechat: error: no identity matches any recipient\nsecurechat: hint: pass the identity the file was encrypted to with -i FILE\n"))
    }

    @Test func binaryOutputIsNotWrittenToATerminal() throws {
        // `script` gives the command a terminal as stdout.
        let dir = try CLI.sandbox()
        let r = try CLI.shell("""
            script -qec '"$SC" encrypt -r age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p /dev/null' /dev/null
            """, cwd: dir, timeout: 20)
        #expect(r.out.contains("refusing to write binary age output to the terminal"), "\(r.out)")
        #expect(r.out.contains("did you mean --armor (-a)?"))
    }
}

/// Identity and key files that are not what they claim, each with its exact error.
@Suite struct KeyFileCLITests {
    @Test(arguments: [
        ("# just a comment\n", Int32(2), "securechat: error: id.txt: invalid identity: the file holds no AGE-SECRET-KEY-1 line\n"),
        ("# created: now\nAGE-SECRET-KEY-1QQQ\n", 2, "securechat: error: id.txt: identity file, line 2: "),
        ("age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\n", 2, "securechat: error: id.txt: identity file, line 1: "),
    ])
    func malformedIdentityFile(text: String, status: Int32, stderr: String) throws {
        let dir = try CLI.sandbox()
        let path = dir.appendingPathComponent("id.txt")
        try text.write(to: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path.path)
        let r = try CLI.run(["keygen", "-y", "id.txt"], cwd: dir)
        #expect(r.status == status)
        #expect(r.stderr.hasPrefix(stderr), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test func emptyKeyFile() throws {
        let dir = try CLI.sandbox()
        let path = dir.appendingPathComponent("room.key")
        try "\n# nothing\n".write(to: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path.path)
        let r = try CLI.run(["encrypt", "-k", "room.key"], stdin: [1], cwd: dir)
        #expect(r.status == 2 && r.stderr == "securechat: error: key file room.key holds no key\n")
    }

    @Test func fernetKeyFileIsPrivateAndNeverOverwritten() throws {
        let dir = try CLI.sandbox()
        let r = try CLI.shell("""
            "$SC" keygen --fernet -o room.key && stat -c %a room.key && wc -c < room.key
            "$SC" keygen --fernet -o room.key; echo "status=$?"
            """, cwd: dir)
        #expect(r.out == "600\n45\nstatus=1\n", "\(r.stderr)")
        #expect(r.stderr.contains("securechat: error: room.key already exists; refusing to overwrite it"))
    }
}

/// Interactive passphrases: asked on the terminal, twice when encrypting, never echoed.
@Suite struct PassphrasePromptTests {
    @Test func asksTwiceWithoutEcho() throws {
        let dir = try CLI.sandbox()
        let r = try CLI.shell("""
            echo data > in
            (sleep 1; printf 'hunter2\\n'; sleep 0.5; printf 'hunter2\\n') | script -qec '"$SC" encrypt -p --work-factor 10 -a -o out.age in' /dev/null
            echo "status=$?"
            (sleep 1; printf 'hunter2\\n'; sleep 0.5; printf 'other\\n') | script -qec '"$SC" encrypt -p --work-factor 10 -o out2.age in' /dev/null
            echo "status=$?"; test -e out2.age && echo "out2 exists"
            (sleep 1; printf 'hunter2\\n') | script -qec '"$SC" decrypt out.age' /dev/null
            """, cwd: dir, timeout: 60)
        let out = r.out.replacingOccurrences(of: "\r", with: "")
        #expect(out.contains("Enter passphrase for in: \nConfirm passphrase: \nstatus=0"), "\(out)")
        #expect(out.contains("the passphrases do not match"))
        #expect(!out.contains("out2 exists"))
        #expect(out.contains("Passphrase for out.age: \ndata"))
        #expect(!out.contains("hunter2"))
    }
}
