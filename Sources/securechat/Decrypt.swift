import ArgumentParser
import SecureChatCore

struct Decrypt: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decrypt Fernet tokens with a room key.",
        discussion: """
            The input holds one token, or many, one per line (a pasted chat log); blank lines and \
            surrounding whitespace are ignored. Every token is verified before anything is written, \
            so a failure leaves no output. With several tokens each plaintext ends with a newline.
            """)

    @OptionGroup var key: KeyOptions

    @Option(help: ArgumentHelp("Refuse tokens older than DURATION (e.g. 90, 90s, 15m, 2h, 7d).", valueName: "duration"))
    var ttl: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to FILE instead of standard output ('-' for stdout).", valueName: "file"),
            completion: .file())
    var output: String?

    @Argument(help: ArgumentHelp("The file to decrypt ('-' or none for standard input).", valueName: "input"),
              completion: .file())
    var input: String?

    func validate() throws {
        if let ttl, DurationText.seconds(ttl) == nil {
            throw ValidationError("invalid --ttl '\(ttl)': use seconds or a number with s, m, h or d (e.g. 2h)")
        }
    }

    func run() throws {
        guard let keys = try key.load() else {
            throw Failure("no key given", hint: "pass --key-file FILE, --key-fd N or set SECURECHAT_KEY", status: .usage)
        }
        let source = try InputFile(path: input)
        guard let data = try source.readAll(limit: 1 << 30) else { throw Failure("input is larger than 1 GiB") }
        let plaintexts = try FernetLog.decrypt(data, fernet: Fernet(keys: keys), ttl: ttl.flatMap(DurationText.seconds), now: Clock.now)
        let out = try OutputFile(path: output)
        if out.isTerminal, plaintexts.contains(where: { !TextCheck.isPrintable($0) }) {
            throw Failure("refusing to write binary data to the terminal", hint: "use -o FILE, or pipe the output")
        }
        try withOutput(out) { out in
            for p in plaintexts {
                try out.write(p)
                if plaintexts.count > 1, p.last != 0x0a { try out.write([0x0a]) }
            }
        }
    }
}

/// Many tokens, one per line: every one is verified and decrypted before any is released.
enum FernetLog {
    static func decrypt(_ data: [UInt8], fernet: Fernet, ttl: UInt64?, now: UInt64) throws -> [[UInt8]] {
        func space(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0d || c == 0x0a }
        var tokens = [(line: Int, text: ArraySlice<UInt8>)]()
        for (i, raw) in data.split(separator: 0x0a, omittingEmptySubsequences: false).enumerated() {
            guard let s = raw.firstIndex(where: { !space($0) }), let e = raw.lastIndex(where: { !space($0) }) else { continue }
            tokens.append((i + 1, raw[s...e]))
        }
        guard !tokens.isEmpty else {
            throw Failure("the input is empty: no token to decrypt", status: .malformed)
        }
        var out = [[UInt8]]()
        for (line, token) in tokens {
            do {
                out.append(try fernet.decrypt(bytes: Array(token), ttl: ttl, now: now))
            } catch {
                guard var failure = Failure(error) else { throw error }
                if tokens.count > 1 { failure.message = "line \(line): " + failure.message }
                throw failure
            }
        }
        return out
    }
}

/// Whether bytes are safe to show on a terminal as text.
enum TextCheck {
    static func isPrintable(_ bytes: [UInt8]) -> Bool {
        guard let s = String(validating: bytes, as: UTF8.self) else { return false }
        return !s.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" && $0 != "\r" || $0.value == 0x7f }
    }
}
