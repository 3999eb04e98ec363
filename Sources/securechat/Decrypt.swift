import ArgumentParser
import SecureChatCore

struct Decrypt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decrypt",
        abstract: "Decrypt Fernet tokens or an age file; the kind of input is detected.",
        discussion: """
            Fernet input holds one token, or many, one per line (a pasted chat log); blank lines and \
            surrounding whitespace are ignored, every token is verified before anything is written, \
            and with several tokens each plaintext ends with a newline. \
            An age file (binary or armored) is decrypted with the identities given with -i (the \
            default identity otherwise) or with a passphrase, asked on the terminal or read from \
            --passphrase-fd or SECURECHAT_PASSPHRASE. Only authenticated data is ever written; with \
            -o the file appears only when all of it authenticated.
            """)

    @OptionGroup var key: KeyOptions

    @Option(name: .customShort("i"), help: ArgumentHelp("Decrypt age files with the identity file FILE; repeatable.", valueName: "file"),
            completion: .file())
    var identities: [String] = []

    @Option(name: .customLong("passphrase-fd"), help: ArgumentHelp("Read the passphrase from file descriptor N instead of the terminal.", valueName: "n"))
    var passphraseFD: Int32?

    @Option(name: .customLong("max-work-factor"), help: ArgumentHelp("Refuse passphrase files whose scrypt work factor is above N.", valueName: "n"))
    var maxWorkFactor: Int = Age.defaultMaxWorkFactor

    @Option(help: ArgumentHelp("Refuse Fernet tokens older than DURATION (e.g. 90, 90s, 15m, 2h, 7d).", valueName: "duration"))
    var ttl: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to FILE instead of standard output ('-' for stdout).", valueName: "file"),
            completion: .file())
    var output: String?

    @Argument(help: ArgumentHelp("The file to decrypt ('-' or none for standard input).", valueName: "input"),
              completion: .file())
    var input: String?

    @Flag(name: .shortAndLong, help: "Show no progress on standard error (shown only there, for long work, on a terminal).")
    var quiet = false

    func validate() throws {
        if let ttl, DurationText.seconds(ttl) == nil {
            throw ValidationError("invalid --ttl '\(ttl)': use seconds or a number with s, m, h or d (e.g. 2h)")
        }
        if !(1...30).contains(maxWorkFactor) { throw ValidationError("--max-work-factor must be between 1 and 30") }
        try StdinUse.check(input: input, uses: [("-i -", identities.contains("-")), ("--key-fd 0", key.keyFD == 0),
                                                 ("--passphrase-fd 0", passphraseFD == 0)])
    }

    func run() throws {
        let file = try InputFile(path: input)
        if file.isTerminal { Diagnostics.hint("reading tokens or an age file from the terminal; end with Ctrl-D") }
        let progress = file.isTerminal ? nil
            : Progress("decrypting \(TerminalText.sanitize(file.name))", total: Progress.size(of: file.fd), quiet: quiet)
        defer { progress?.finish() }
        let source = ProgressReader(file, progress: progress)
        var head = [UInt8](repeating: 0, count: 1024)
        let n = try head.withUnsafeMutableBytes { try source.readFully(into: $0) }
        head.removeSubrange(n...)
        let kind = InputKind.detect(head)
        if kind == .empty { throw Failure("the input is empty: nothing to decrypt", status: .malformed) }
        if case .foreign(let key) = kind { throw Failure(key.notAnAgeKey, status: .malformed) }
        if kind == .age {
            let passphrase = PassphraseSource(fd: passphraseFD)
            let what = input.map { $0 == "-" ? "standard input" : $0 } ?? "standard input"
            let explicit = identities
            try withOutput(try OutputFile(path: output)) { out in
                try Age.decrypt(identities: {
                    let ids = try IdentitySource.ageIdentities(explicit, passphrase: passphrase, opening: true)
                    // Someone who supplied a passphrase meant this file to be a passphrase file: "no
                    // identity matches" says more then than a request for an identity.
                    if ids.isEmpty, passphraseFD == nil, Paths.env("SECURECHAT_PASSPHRASE") == nil {
                        // A room key opens Fernet tokens, never an age file: say so rather than
                        // leave the key given looking ignored.
                        if key.hasExplicitSource {
                            throw Failure("\(what) is an age file, which a room key (--key-file, --key-fd, --room, --invite) does not open",
                                          hint: "pass the identity it was encrypted to with -i FILE, or its passphrase", status: .usage)
                        }
                        throw Failure("no identity to decrypt \(what) with", hint: "pass -i FILE, or make your default identity with 'securechat keygen'", status: .failure)
                    }
                    return ids
                }, passphrase: { try passphrase.read(for: what) }, maxWorkFactor: maxWorkFactor,
                   from: PrefixedReader(head, then: source), to: TerminalGuard(out))
            }
            return
        }
        guard let keys = try key.load() else {
            if kind == .unknown {
                throw Failure("the input is neither a Fernet token nor an age file", status: .malformed)
            }
            throw Failure("no key given", hint: "pass --room ID, --key-file FILE, --key-fd N or set SECURECHAT_KEY", status: .usage)
        }
        guard let rest = try source.readAll(limit: 1 << 30) else { throw Failure("input is larger than 1 GiB") }
        let plaintexts = try FernetLog.decrypt(head + rest, fernet: Fernet(keys: keys), ttl: ttl.flatMap(DurationText.seconds), now: Clock.now)
        try withOutput(try OutputFile(path: output)) { out in
            let guarded = TerminalGuard(out)
            for p in plaintexts {
                try guarded.write(p)
                if plaintexts.count > 1, p.last != 0x0a { try guarded.write([0x0a]) }
            }
        }
    }
}

/// What an input is, from its first kilobyte: an age file (binary or anything that tries to be
/// armor, so the age decoder names the problem), Fernet tokens, another tool's key file, or
/// none of these.
enum InputKind: Equatable {
    case empty, age, fernet, unknown
    case foreign(ForeignKey)

    static func detect(_ head: [UInt8]) -> InputKind {
        let text = head.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0a || $0 == 0x0d }
        if text.isEmpty { return .empty }
        if let foreign = ForeignKey.recognise(text: String(decoding: head, as: UTF8.self)) { return .foreign(foreign) }
        if Age.looksLikeAge(head) || text.starts(with: "-----".utf8) { return .age }
        let lower = String(decoding: head, as: UTF8.self).lowercased()
        if lower.contains("-----begin age encrypted file-----") || lower.hasPrefix("age-encryption.org") { return .age }
        return Fernet.looksLikeToken(String(decoding: text.prefix(8), as: UTF8.self)) ? .fernet : .unknown
    }
}

/// Many tokens, one per line: every one is verified and decrypted before any is released.
enum FernetLog {
    static func decrypt(_ data: [UInt8], fernet: Fernet, ttl: UInt64?, now: UInt64) throws -> [[UInt8]] {
        func space(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0d || c == 0x0a }
        var tokens = [(line: Int, text: ArraySlice<UInt8>)]()
        for (i, raw) in TextLines.split(data).enumerated() {
            guard let s = raw.firstIndex(where: { !space($0) }), let e = raw.lastIndex(where: { !space($0) }) else { continue }
            tokens.append((i + 1, raw[s...e]))
        }
        guard !tokens.isEmpty else {
            throw Failure("the input is empty: no token to decrypt", status: .malformed)
        }
        var out = [[UInt8]]()
        for (line, token) in tokens {
            out.append(try Failure.context(tokens.count > 1 ? "line \(line)" : "") {
                try fernet.decrypt(bytes: Array(token), ttl: ttl, now: now)
            })
        }
        return out
    }
}

/// Replays bytes already read (to detect the format), then continues with the rest.
final class PrefixedReader: ByteReader {
    private let prefix: [UInt8]
    private var offset = 0
    private let rest: ByteReader

    init(_ prefix: [UInt8], then rest: ByteReader) {
        self.prefix = prefix
        self.rest = rest
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard offset < prefix.count else { return try rest.read(into: buffer) }
        let n = min(buffer.count, prefix.count - offset)
        prefix.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<offset + n])) }
        offset += n
        return n
    }
}

/// Refuses to put anything but text on a terminal: every write is checked (a multi-byte
/// character cut between two writes is carried over), so neither binary data nor escape
/// sequences hidden in a later message reach the screen.
final class TerminalGuard: ByteWriter {
    private let out: OutputFile
    private let active: Bool
    private var carry: [UInt8] = []

    init(_ out: OutputFile) {
        self.out = out
        active = out.isTerminal
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard active else { return try out.write(bytes) }
        let text = carry + Array(bytes)
        var complete = text.count
        // Hold back an incomplete UTF-8 sequence at the end (at most 3 bytes) for the next write.
        for back in stride(from: 1, through: min(3, text.count), by: 1) where text[text.count - back] & 0xc0 == 0xc0 {
            let lead = text[text.count - back]
            let length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2
            if length > back { complete = text.count - back }
            break
        }
        guard TextCheck.isPrintable(Array(text[..<complete])) else {
            throw Failure("refusing to write binary data or control characters to the terminal", hint: "use -o FILE, or pipe the output")
        }
        carry = Array(text[complete...])
        try out.write(Array(text[..<complete]))
    }
}

/// Whether bytes are safe to show on a terminal as text: valid UTF-8 without control characters
/// other than newline, tab and carriage return.
enum TextCheck {
    static func isPrintable(_ bytes: [UInt8]) -> Bool {
        guard let s = String(validating: bytes, as: UTF8.self) else { return false }
        return !s.unicodeScalars.contains {
            ($0.value < 0x20 && $0 != "\n" && $0 != "\t" && $0 != "\r") || (0x7f...0x9f).contains($0.value)
        }
    }
}
