import ArgumentParser
import SecureChatClient
import SecureChatCore

struct Inspect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Say what an input is without decrypting it.",
        discussion: """
            Recognises Fernet tokens (with the time each claims; unauthenticated, since no key is \
            used), age files (armor, recipient stanza types such as X25519 or the post-quantum \
            mlkem768x25519, sizes), age identity files (their public key and fingerprint, never the \
            secret), age recipients (age1… and age1pq1…) and invite links. With --json, one JSON \
            object per item, one per line.

            With --web URL, fetches the browser client the relay at URL serves (the page and every \
            asset) and compares each file byte for byte with the copy built into this program: \
            exit status 0 when all are the same, 1 naming every file that differs or is missing, \
            5 when the relay cannot be reached.
            """)

    @Flag(help: "Print one JSON object per item instead of text.")
    var json = false

    @Option(help: ArgumentHelp("Check the browser client a relay serves against this program's copy.", valueName: "url"))
    var web: String?

    @Option(name: .customLong("tls-fingerprint"), help: ArgumentHelp(
        "With --web https://…: accept exactly the certificate with this SHA-256 fingerprint (as serve --tls-self-signed prints it).",
        valueName: "sha256"))
    var tlsFingerprint: String?

    @Argument(help: ArgumentHelp("The file to inspect ('-' or none for standard input).", valueName: "input"),
              completion: .file())
    var input: String?

    func validate() throws {
        if web != nil, input != nil { throw ValidationError("--web checks a relay; it takes no input file") }
        if let tlsFingerprint {
            guard web?.lowercased().hasPrefix("https://") == true else { throw ValidationError("--tls-fingerprint goes with --web https://…") }
            guard RelayTrust.fingerprint(tlsFingerprint) != nil else {
                throw ValidationError("--tls-fingerprint takes a SHA-256 fingerprint: 32 bytes in hex, with or without colons")
            }
        }
    }

    func run() async throws {
        if let web { return try await checkWeb(web) }
        let source = try InputFile(path: input)
        if source.isTerminal { Diagnostics.hint("reading from the terminal; end with Ctrl-D") }
        var head = [UInt8](repeating: 0, count: 1024)
        let n = try head.withUnsafeMutableBytes { try source.readFully(into: $0) }
        head.removeSubrange(n...)
        switch InputKind.detect(head) {
        case .empty:
            throw Failure("the input is empty: nothing to inspect", status: .malformed)
        case .foreign(let key):
            throw Failure(key.notAnAgeKey, status: .malformed)
        case .age:
            try show(Inspection.age(try Age.inspect(PrefixedReader(head, then: source))))
        case .fernet, .unknown:
            guard let rest = try source.readAll(limit: 1 << 30) else { throw Failure("input is larger than 1 GiB") }
            let items = try Inspection.text(head + rest)
            for item in items { try show(item) }
        }
    }

    /// `--web URL`: every file's verdict, then one line saying whether the relay serves this
    /// program's browser client; a difference or a missing file is a failure naming the files.
    private func checkWeb(_ url: String) async throws {
        var check = try WebCheck(url: url)
        check.pin = tlsFingerprint.flatMap(RelayTrust.fingerprint)
        let results = try await check.run()
        for r in results {
            if json {
                try Stdout.json(["type": "web_asset", "relay": .string(check.origin), "path": .string(r.path),
                                 "verdict": .string(r.verdict.rawValue), "detail": .string(r.detail)] as [String: JSONScalar])
            } else {
                let word = r.verdict == .notCompared ? "not compared" : r.verdict.rawValue
                try Stdout.line(word + String(repeating: " ", count: max(1, 13 - word.count)) + "\(r.path)  (\(r.detail))")
            }
        }
        let bad = results.filter { $0.verdict == .differs || $0.verdict == .missing }
        guard bad.isEmpty else {
            throw Failure("the relay at \(check.origin) does not serve this program's browser client: "
                          + bad.map { "\($0.path) \($0.verdict == .differs ? "differs" : "is missing")" }.joined(separator: ", "),
                          hint: "do not use the browser client on this relay; securechat connect does not run code the relay sends")
        }
        if !json {
            try Stdout.line("the relay at \(check.origin) serves the browser client built into this securechat (\(results.filter { $0.verdict == .same }.count) files the same)")
        }
    }

    private func show(_ item: Inspection) throws {
        if json { try Stdout.json(item.fields) } else { try Stdout.line(item.text) }
    }
}

/// One recognised item and its description, as text and as JSON fields.
struct Inspection {
    var fields: [String: JSONScalar]
    var text: String

    static func age(_ info: AgeFileInfo) -> Inspection {
        var f: [String: JSONScalar] = [
            "type": "age", "armored": .bool(info.armored), "stanzas": .list(info.stanzaTypes),
            "header_size": .int(info.headerSize), "payload_size": .int(info.payloadSize),
            "post_quantum": .bool(info.isPostQuantum),
        ]
        if let p = info.plaintextSize { f["plaintext_size"] = .int(p) }
        let kinds = info.isPassphraseEncrypted ? "a passphrase (scrypt)" :
            Dictionary(grouping: info.stanzaTypes, by: { $0 }).sorted { $0.key < $1.key }
                .map { "\($0.value.count) \($0.key)\($0.key == AgeFileInfo.postQuantumStanzaType ? " (post-quantum)" : "")" }
                .joined(separator: ", ")
        let text = """
            age file\(info.armored ? " (armored)" : "")
              encrypted to: \(kinds)
              header:       \(info.headerSize) bytes
              payload:      \(info.payloadSize) bytes\(info.plaintextSize.map { " (plaintext \($0) bytes)" } ?? "")
            """
        return Inspection(fields: f, text: text)
    }

    /// Text inputs: Fernet tokens (one per line), identity files, recipients.
    static func text(_ bytes: [UInt8]) throws -> [Inspection] {
        let text = String(decoding: bytes, as: UTF8.self)
        if text.contains("AGE-SECRET-KEY-PQ-1"), let first = (try? AgeIdentityFile.parse(text))?.first, first.isPostQuantum {
            return [Inspection(fields: ["type": "identity", "recipient": .string(first.recipient.description), "post_quantum": .bool(true)],
                               text: "age post-quantum (mlkem768x25519) identity file (secret not shown)\n  public key:  \(first.recipient)")]
        }
        if text.contains("AGE-SECRET-KEY-1") || text.contains("AGE-SECRET-KEY-PQ-1") {
            let identity = try IdentityFile.parse(text)
            let pub = identity.publicIdentity
            return [Inspection(fields: ["type": "identity", "recipient": .string(IdentityFile.recipient(of: identity)),
                                        "fingerprint": .string(pub.fingerprint), "signing_key": .string(pub.signingKeyText)],
                               text: "age identity file (secret not shown)\n  public key:  \(IdentityFile.recipient(of: identity))\n  fingerprint: \(pub.fingerprint)")]
        }
        var items = [Inspection]()
        for (i, raw) in TextLines.split(text).enumerated() {
            let line = raw.trimmingASCIIWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            // Every problem names its line, the command's own as well as the core's.
            items.append(try Failure.context("line \(i + 1)") {
                do { return try item(line) } catch let f as Failure { throw f.prefixed("line \(i + 1)") }
            })
        }
        guard !items.isEmpty else { throw Failure("the input is empty: nothing to inspect", status: .malformed) }
        return items
    }

    static func item(_ line: String) throws -> Inspection {
        if InviteLink.looksLikeInvite(line) {
            let link = try InviteLink(parsing: line)
            let policy = link.policy == .open ? "open (the link carries the room key)" : "approval (the link carries no key)"
            var fields: [String: JSONScalar] = ["type": "invite", "version": .int(link.formatVersion), "server": .string(link.server.description),
                                               "id": .string(link.roomID.description), "policy": .string(link.policy.rawValue),
                                               "has_key": .bool(link.key != nil)]
            var text = "securechat invite link, version \(link.formatVersion)\n  server: \(link.server)\n  room:   \(link.roomID)\n  policy: \(policy)"
            if let owner = link.owner {
                let pin = Base64.encode(owner, alphabet: .url, padded: false)
                fields["owner"] = .string(pin)
                text += "\n  owner:  \(pin) (only this key may have founded the room)"
            } else {
                text += "\n  owner:  not pinned (the room's founder is trusted on first use)"
            }
            return Inspection(fields: fields, text: text)
        }
        if line.hasPrefix("age1") {
            let r = try AgeRecipient(string: line)
            return Inspection(fields: ["type": "recipient", "recipient": .string(r.description), "post_quantum": .bool(r.isPostQuantum)],
                              text: r.isPostQuantum ? "age post-quantum (mlkem768x25519) recipient \(r)" : "age X25519 recipient \(r)")
        }
        if let foreign = ForeignKey.recognise(line: line) {
            throw Failure(foreign.notAnAgeKey, status: .malformed)
        }
        guard Fernet.looksLikeToken(line) else {
            throw Failure("not a Fernet token, age file, identity, recipient or invite link", status: .malformed)
        }
        let ts = try Fernet.unverifiedTimestamp(line)
        let size = (Base64.decode(line, alphabet: .url)?.count ?? 73) - 57
        return Inspection(
            fields: ["type": "fernet", "timestamp": .int(Int(clamping: ts)), "time": .string(Clock.rfc3339(ts)),
                     "ciphertext_size": .int(size), "plaintext_min": .int(size - 16), "plaintext_max": .int(size - 1)],
            text: "Fernet token (not authenticated: no key was used)\n  time:       \(Clock.rfc3339(ts)) (\(ts))\n  ciphertext: \(size) bytes (plaintext \(size - 16) to \(size - 1) bytes)")
    }
}

/// The few JSON value shapes inspect prints.
enum JSONScalar: Encodable, ExpressibleByStringLiteral {
    case string(String), int(Int), bool(Bool), list([String])

    init(stringLiteral value: String) { self = .string(value) }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .int(let i): try c.encode(i)
        case .bool(let b): try c.encode(b)
        case .list(let l): try c.encode(l)
        }
    }
}
