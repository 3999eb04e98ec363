import Foundation
import SecureChatCore
import Testing
import TestSupport

/// Post-quantum (mlkem768x25519) identities and recipients through the real binary: keygen --pq,
/// keygen -y, encrypt, decrypt, inspect, the refusal to mix, and bad input with exact errors.
@Suite struct AgeHybridCLITests {
    /// A sandbox with three post-quantum identities (pq0.txt…pq2.txt, recipients in pqN.pub) and
    /// one X25519 identity (x.txt, x.pub).
    static func keys() throws -> URL {
        let dir = try CLI.sandbox()
        let r = try CLI.shell("""
            set -e
            for n in 0 1 2; do "$SC" keygen --pq -o pq$n.txt > pq$n.pub 2>/dev/null; done
            "$SC" keygen -o x.txt > x.pub 2>/dev/null
            """, cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        return dir
    }

    /// Encrypting to recipients encrypts to exactly them, as age does: someone with a default
    /// (X25519) chat identity can still write a post-quantum-only file, and an X25519 file holds
    /// one stanza, not one more for the default identity.
    @Test func theRecipientsAreExactlyTheOnesGiven() throws {
        let dir = try Self.keys()
        let made = try CLI.run(["keygen"], cwd: dir)
        #expect(made.status == 0, "\(made.stderr)")
        try Data("plan".utf8).write(to: dir.appendingPathComponent("plan.txt"))
        let pq = try CLI.run(["encrypt", "-R", "pq0.pub", "-o", "pq.age", "plan.txt"], cwd: dir)
        #expect(pq.status == 0, "\(pq.stderr)")
        let x = try CLI.run(["encrypt", "-R", "x.pub", "-o", "x.age", "plan.txt"], cwd: dir)
        #expect(x.status == 0, "\(x.stderr)")
        let info = try CLI.run(["inspect", "x.age"], cwd: dir)
        #expect(info.out.contains("encrypted to: 1 X25519"), "\(info.out)")
    }

    @Test func keygenWritesAHybridIdentity() throws {
        let dir = try CLI.sandbox()
        let made = try CLI.run(["keygen", "--pq", "-o", "pq.txt"], cwd: dir)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stderr == "Wrote pq.txt\n")
        let recipient = made.out.trimmingCharacters(in: .newlines)
        #expect(recipient.hasPrefix("age1pq1") && recipient.count == 1959)
        let text = try String(contentsOf: dir.appendingPathComponent("pq.txt"), encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 3 && lines[0].hasPrefix("# created: ") && lines[1] == "# public key: \(recipient)")
        #expect(lines[2].hasPrefix("AGE-SECRET-KEY-PQ-1") && lines[2].count == 77)
        let mode = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("pq.txt").path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // -y prints the same recipient; --json has no fingerprint or signing key for it.
        let pub = try CLI.run(["keygen", "-y", "pq.txt"], cwd: dir)
        #expect(pub.status == 0 && pub.out == recipient + "\n" && pub.stderr.isEmpty, "\(pub.stderr)")
        let json = try CLI.run(["keygen", "-y", "pq.txt", "--json"], cwd: dir)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout)) as? [String: Any])
        #expect(obj["recipient"] as? String == recipient)
        #expect(obj["fingerprint"] is NSNull && obj["signing_key"] is NSNull && obj["file"] is NSNull)
        // Never overwritten.
        let again = try CLI.run(["keygen", "--pq", "-o", "pq.txt"], cwd: dir)
        #expect(again.status == 1 && again.out.isEmpty)
    }

    @Test func keygenRefusesWhatCannotWork() throws {
        let dir = try CLI.sandbox()
        let fernet = try CLI.run(["keygen", "--pq", "--fernet"], cwd: dir)
        #expect(fernet.status == 64 && fernet.stderr.hasPrefix("securechat: error: choose one of --pq (a post-quantum identity) and --fernet (a room key)"))
        let y = try CLI.run(["keygen", "--pq", "-y", "x.txt"], cwd: dir)
        #expect(y.status == 64 && y.stderr.hasPrefix("securechat: error: -y reads an existing identity; it cannot be combined with --fernet, --pq or -o"))
    }

    @Test func passphraseProtectedHybridIdentity() throws {
        let dir = try CLI.sandbox()
        let r = try CLI.shell("""
            set -e
            echo pw > pw
            "$SC" keygen --pq -p --passphrase-fd 3 --work-factor 10 -o enc.txt 3<pw > enc.pub 2>/dev/null
            head -c 24 enc.txt; echo
            test "$("$SC" keygen -y enc.txt --passphrase-fd 3 3<pw)" = "$(cat enc.pub)" && echo same
            echo secret | "$SC" encrypt -r "$(cat enc.pub)" | "$SC" decrypt -i enc.txt --passphrase-fd 3 3<pw
            """, cwd: dir)
        #expect(r.status == 0 && r.out == "age-encryption.org/v1\n->\nsame\nsecret\n", "\(r.out) \(r.stderr)")
    }

    /// Three hybrid recipients in one file, every chunk edge, armored and not; each identity opens it.
    @Test(arguments: [false, true])
    func roundTripsAtChunkEdges(armor: Bool) throws {
        let dir = try Self.keys()
        let a = armor ? "-a" : ""
        let r = try CLI.shell("""
            set -e
            for size in 0 1 65535 65536 65537; do
                head -c $size /dev/urandom > data.$size
                "$SC" encrypt \(a) -r "$(cat pq0.pub)" -R pq1.pub -i pq2.txt -o data.$size.age data.$size
                for n in 0 1 2; do "$SC" decrypt -i pq$n.txt data.$size.age | cmp - data.$size; done
                "$SC" decrypt -i pq1.txt -o out.$size data.$size.age && cmp out.$size data.$size
                echo "$size $("$SC" inspect --json data.$size.age)"
            done
            """, cwd: dir, timeout: 240)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        for (line, size) in zip(lines, [0, 1, 65535, 65536, 65537]) {
            #expect(line.hasPrefix("\(size) {"))
            #expect(line.contains(#""stanzas":["mlkem768x25519","mlkem768x25519","mlkem768x25519"]"#), "\(line)")
            #expect(line.contains(#""post_quantum":true"#) && line.contains(#""plaintext_size":\#(size)"#) && line.contains(#""armored":\#(armor)"#))
        }
    }

    @Test func inspectNamesTheStanzaTypeAndTheKeys() throws {
        let dir = try Self.keys()
        let r = try CLI.shell("""
            set -e
            echo hi | "$SC" encrypt -R pq0.pub -R pq1.pub -o f.age
            "$SC" inspect f.age
            "$SC" inspect pq0.pub
            "$SC" inspect pq0.txt
            "$SC" inspect --json pq0.txt
            """, cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let pub = try String(contentsOf: dir.appendingPathComponent("pq0.pub"), encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(r.out.contains("  encrypted to: 2 mlkem768x25519 (post-quantum)\n"), "\(r.out)")
        #expect(r.out.contains("age post-quantum (mlkem768x25519) recipient \(pub)\n"))
        #expect(r.out.contains("age post-quantum (mlkem768x25519) identity file (secret not shown)\n  public key:  \(pub)\n"))
        #expect(!r.out.contains("AGE-SECRET-KEY"))
    }

    @Test func mixingWithX25519IsRefusedWithAHint() throws {
        let dir = try Self.keys()
        let r = try CLI.shell("""
            echo hi | "$SC" encrypt -R pq0.pub -r "$(cat x.pub)" -o mixed.age; echo "status=$?"
            test -e mixed.age && echo "partial output"
            echo hi | "$SC" encrypt -i pq0.txt -i x.txt -o mixed.age; echo "status=$?"
            """, cwd: dir)
        #expect(r.out == "status=64\nstatus=64\n", "\(r.out)")
        let message = "securechat: error: refusing to mix post-quantum (age1pq1…) and X25519 (age1…) recipients in one file (1 and 1): it would be only as safe as X25519\n"
            + "securechat: hint: encrypt to age1pq1... recipients only (each person makes one with 'securechat keygen --pq'), or to age1... recipients only\n"
        #expect(r.stderr == message + message, "\(r.stderr)")
    }

    /// Rewrites the first stanza's `enc` of a binary age file with Python, leaving the rest as is.
    static func damage(_ python: String) -> String {
        """
        python3 - <<'EOF'
        import base64
        data = open("good.age", "rb").read()
        head, rest = data.split(b"\\n---", 1)
        lines = head.split(b"\\n")
        args = lines[1].split(b" ")
        s = args[2].decode()
        enc = bytearray(base64.b64decode(s + "=" * (-len(s) % 4)))
        \(python)
        args[2] = base64.b64encode(bytes(enc)).rstrip(b"=")
        lines[1] = b" ".join(args)
        open("bad.age", "wb").write(b"\\n".join(lines) + b"\\n---" + rest)
        EOF
        """
    }

    static let badFiles: [(String, String, Int32, String)] = [
        ("ML-KEM ciphertext truncated", "enc = enc[:1087] + enc[1088:]", 2,
         "securechat: error: malformed age header: mlkem768x25519 stanza enc is not a canonical 1120-byte value\n"),
        ("X25519 share truncated", "enc = enc[:-1]", 2,
         "securechat: error: malformed age header: mlkem768x25519 stanza enc is not a canonical 1120-byte value\n"),
        ("ML-KEM ciphertext corrupted", "enc[7] ^= 1", 3,
         "securechat: error: no identity matches any recipient\nsecurechat: hint: pass the identity the file was encrypted to with -i FILE\n"),
        ("X25519 share corrupted", "enc[1100] ^= 1", 3,
         "securechat: error: no identity matches any recipient\nsecurechat: hint: pass the identity the file was encrypted to with -i FILE\n"),
        ("X25519 share of small order", "enc[1088:] = bytes(32)", 2,
         "securechat: error: malformed age header: mlkem768x25519 stanza X25519 share is a low-order point\n"),
        ("unchanged", "pass", 0, ""),
    ]

    @Test(arguments: badFiles)
    func damagedStanza(name: String, python: String, status: Int32, stderr: String) throws {
        let dir = try Self.keys()
        let r = try CLI.shell("""
            set -e
            echo secret | "$SC" encrypt -R pq0.pub -o good.age
            \(Self.damage(python))
            "$SC" decrypt -i pq0.txt -o out bad.age && cat out || { s=$?; test -e out && echo "partial output"; exit $s; }
            """, cwd: dir)
        #expect(r.status == status, "\(name): \(r.stderr)")
        #expect(r.stderr == stderr, "\(name): \(r.stderr)")
        #expect(r.out == (status == 0 ? "secret\n" : ""), "\(name)")
    }

    static let shortRecipient = Bech32.encode(hrp: "age1pq", data: [UInt8](repeating: 0, count: 32))
    static let shortIdentity = Bech32.encode(hrp: "AGE-SECRET-KEY-PQ-", data: [UInt8](repeating: 1, count: 31)).uppercased()

    static let badKeys: [(String, [String], Int32, String)] = [
        ("a post-quantum recipient of the wrong length", ["encrypt", "-r", shortRecipient], 2,
         "securechat: error: -r \(shortRecipient): invalid recipient: wrong key length for a post-quantum recipient (32 bytes, not 1216)\n"),
        ("a post-quantum identity file with garbage", ["decrypt", "-i", "garbage.txt", "f.age"], 2,
         "securechat: error: garbage.txt: identity file, line 4: expected an AGE-SECRET-KEY-1… line or a # comment\n"),
        ("a post-quantum identity of the wrong length", ["decrypt", "-i", "short.txt", "f.age"], 2,
         "securechat: error: short.txt: identity file, line 1: wrong key length for a post-quantum identity (31 bytes, not 32)\n"),
        ("a post-quantum identity as a chat identity", ["connect", "--room", "x", "-i", "pq0.txt"], 2,
         "securechat: error: pq0.txt: invalid identity: a post-quantum identity (AGE-SECRET-KEY-PQ-1…) decrypts files only; a chat identity is an X25519 AGE-SECRET-KEY-1… key\n"),
    ]

    @Test(arguments: badKeys)
    func badKey(name: String, args: [String], status: Int32, stderr: String) throws {
        let dir = try Self.keys()
        let setup = try CLI.shell("""
            set -e
            echo hi | "$SC" encrypt -R pq0.pub -o f.age
            { cat pq0.txt; echo 'not a key'; } > garbage.txt
            echo '\(Self.shortIdentity)' > short.txt
            chmod 600 garbage.txt short.txt
            """, cwd: dir)
        #expect(setup.status == 0, "\(setup.stderr)")
        let r = try CLI.run(args, stdin: Array("x".utf8), cwd: dir)
        #expect(r.status == status, "\(name): \(r.stderr)")
        #expect(r.stderr == stderr, "\(name): \(r.stderr)")
        #expect(r.stdout.isEmpty, "\(name)")
    }
}
