import ArgumentParser
import Dispatch
import SecureChatClient
import SecureChatCore
import SecureChatWire
#if canImport(Glibc)
import Glibc
#endif

struct Connect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Chat in a room: interactively on a terminal, or scripted.",
        discussion: """
            Joins a room by invite link, by room file (--room) or by join code (--code with \
            --server), then chats. Every message is signed by its sender and encrypted with the \
            room key before it leaves; received messages are checked (signature, room, counter) \
            and any that fail are shown as warnings, never as text. Members' keys are remembered \
            when first seen, and a changed key is announced loudly.

            On a terminal: messages with time, name and short fingerprint, the line being typed \
            kept intact below them, and commands (/who, /approve, /deny, /remove, /code, \
            /verify, /name, /history, /leave, /quit, /help). Without a terminal, each line read is a message \
            (or a command) and each message received is a line; input ending ends the session \
            once its messages are acknowledged.

            For scripts: --send TEXT or --send-file FILE sends and exits once the relay has \
            acknowledged; --listen prints messages as they arrive (what came since the last \
            --listen first); --history prints the room's history and exits. --json prints one \
            JSON object per line: messages {type "message", seq, time, sender, fingerprint, \
            verified, self, history, text}, warnings {type "warning", seq, time, verdict, sender, \
            fingerprint, message}, events {type "event", event, time, name, fingerprint, by, \
            detail}, {type "code", code, expires_at} and, for --send, {type "sent", seq, time, \
            client_id, text}.

            An approval room's joiner knocks and waits until a member lets it in; the room key \
            then arrives sealed to its identity and is kept in the room file. A lost connection \
            is retried after 1 s, doubling up to 30 s, resuming after the last message seen and \
            resending what the relay had not acknowledged, so nothing is lost or shown twice. \
            Messages keep their order: a message the relay refuses for its rate limit is sent \
            again, with everything after it, when the relay says it may be, and sending slows to \
            the relay's rate.

            Exit status: 0 done; 1 an error (a message not delivered, a file); 2 a malformed link; \
            5 the relay cannot be reached; 6 not let in (denied, knock unanswered, removed); \
            7 the room is gone (expired, unknown) or the code matches no room; 64 usage.
            """)

    @Argument(help: ArgumentHelp("An invite link (http(s)://HOST/join/ROOM_ID#v=2…).", valueName: "link"))
    var link: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Join room ID (see 'securechat room list') or the room FILE.", valueName: "id|file"))
    var room: String?

    @Option(help: ArgumentHelp("Knock on an approval room with its current 6-digit join code (needs --server).", valueName: "code"))
    var code: String?

    @Option(help: ArgumentHelp("The relay's address for --code (http(s)://HOST:PORT).", valueName: "url"))
    var server: String?

    @Option(name: [.customShort("i"), .customLong("identity")], help: ArgumentHelp(
        "The identity file (default: $SECURECHAT_IDENTITY or ~/.config/securechat/identity.txt).", valueName: "file"),
        completion: .file())
    var identity: String?

    @Option(help: ArgumentHelp(
        "The name others see; a new one replaces the room's name for you, signed (default: the room's, else $SECURECHAT_NAME or your login name).",
        valueName: "name"))
    var name: String?

    @Option(help: ArgumentHelp("Send TEXT, wait for the relay's acknowledgement, exit (repeatable).", valueName: "text"))
    var send: [String] = []

    @Option(name: .customLong("send-file"), help: ArgumentHelp(
        "Send the text in FILE ('-' for standard input) as one message, then exit.", valueName: "file"), completion: .file())
    var sendFile: String?

    @Flag(help: "Print messages as they arrive, until interrupted or --count.")
    var listen = false

    @Flag(help: "Print the room's history and exit.")
    var history = false

    @Option(help: ArgumentHelp("With --listen, exit after N messages; with --history, print the last N.", valueName: "n"))
    var count: Int?

    @Option(help: ArgumentHelp("Said to the members with a knock.", valueName: "text"))
    var note: String?

    @Option(help: ArgumentHelp(
        "Give up after this long without a connection to the relay (default: 60s for --send and --history, never otherwise).",
        valueName: "duration"))
    var timeout: String?

    @OptionGroup var trustOptions: TrustOptions

    @Flag(help: "One JSON object per line instead of text.")
    var json = false

    @Flag(name: .shortAndLong, help: "Show no progress on standard error (a long history replay, a message waiting for the relay).")
    var quiet = false

    func validate() throws {
        let sources = [link != nil, room != nil, code != nil].filter { $0 }.count
        if sources != 1 { throw ValidationError("give one of an invite LINK, --room ID or --code CODE") }
        if code != nil, server == nil { throw ValidationError("--code needs --server URL, the relay the code belongs to") }
        if server != nil, code == nil { throw ValidationError("--server goes with --code; a link or room file names its relay") }
        if let code, !Validation.isJoinCode(code) { throw ValidationError("a join code is 6 digits") }
        if let server {
            do { _ = try ServerAddress(parsing: server) } catch { throw ValidationError("invalid --server '\(server)': \(error.reason)") }
        }
        let modes = [!send.isEmpty || sendFile != nil, listen, history].filter { $0 }.count
        if modes > 1 { throw ValidationError("choose one of --send/--send-file, --listen and --history") }
        if !send.isEmpty, sendFile != nil { throw ValidationError("give --send or --send-file, not both") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if count != nil, !listen, !history { throw ValidationError("--count goes with --listen or --history") }
        if let timeout, DurationText.seconds(timeout) == nil {
            throw ValidationError("invalid --timeout '\(timeout)': use seconds or a number with s, m, h or d (e.g. 30s)")
        }
        if let note, !Validation.isNote(note) { throw ValidationError("--note is up to \(Validation.maxNote) characters, no control characters") }
        for text in send where text.isEmpty { throw ValidationError("--send needs a non-empty message") }
    }

    var mode: ChatUI.Mode {
        if !send.isEmpty { return .send(send.count) }
        if sendFile != nil { return .send(1) }
        if listen { return .listen(count: count) }
        if history { return .history(count: count) }
        return Terminal.stdinIsTerminal && Terminal.stdoutIsTerminal ? .interactive : .plain
    }

    func run() async throws {
        let messages = try send.isEmpty ? sendFile.map { [try Self.readMessage($0)] } ?? [] : send
        var setup = try ConnectSetup.resolve(self)
        if let link, Terminal.stdinIsTerminal, (try? InviteLink(parsing: link.trimmingASCIIWhitespace()))?.key != nil {
            Diagnostics.warning("the room key in the link is visible to other users of this machine (ps, shell history)")
            Diagnostics.hint("the room is kept in a room file once joined: next time use --room \(setup.roomID ?? "ID")")
        }
        let mode = self.mode
        let knownKeys = try ClientFiles.loadKnownKeys()
        let resume = try setup.roomID.flatMap { try ClientFiles.loadState(room: $0, identity: setup.identity) }
        let (afterSeq, showHistory): (Int64, Bool) = switch mode {
        case .interactive, .plain, .history: (0, true)
        case .listen: resume.map { ($0.lastSeq, true) } ?? (0, false)
        case .send: (resume == nil ? 0 : .max, false)
        }
        if setup.keys.isEmpty, setup.roomID != nil, case .room(_, .open) = setup.target {
            throw Failure("no key for this open room", status: .malformed)
        }
        let start = afterSeq == 0 ? resume?.forFullReplay : resume
        let session = ChatSession(.init(identity: setup.identity, name: setup.name, target: setup.target,
                                        origin: RelaySocket.origin(for: setup.server), keys: setup.keys,
                                        resume: start ?? ResumeState(), afterSeq: afterSeq, showHistory: showHistory,
                                        knownKeys: knownKeys, note: note, ownerPin: setup.ownerPin,
                                        claimName: name != nil))
        setup.keys = []
        let (intents, feed) = AsyncStream<ChatClient.Intent>.makeStream()
        let ui = ChatUI(mode: mode, json: json, quiet: quiet, setup: setup, intents: feed)
        for m in messages { feed.yield(.send(m)) }

        let signals = Self.onInterrupt { feed.yield(.quit) }
        startInput(mode: mode, ui: ui)
        let giveUp = timeout.flatMap(DurationText.seconds) ?? (Self.isHistory(mode) || messages.count > 0 ? 60 : nil)
        let server = setup.server
        let watchdog = giveUp.map { limit in
            Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(250))
                    if let down = ui.secondsDisconnected(now: Clock.now), down >= limit {
                        ui.fail(Failure("no connection to the relay at \(server) for \(DurationText.format(limit))",
                                        hint: "is 'securechat serve' running there?", status: .unreachable))
                    }
                }
            }
        }
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                ui.tick()
            }
        }
        let outcome = await ChatClient(server: setup.server, trust: trustOptions.trust, now: { Clock.now }).run(session, intents: intents) { event, session in
            ui.handle(event, session)
        }
        watchdog?.cancel()
        ticker.cancel()
        ui.finish()
        withExtendedLifetime(signals) {}
        if let failure = ui.failure { throw failure }
        try Self.check(outcome, setup: setup)
        if let failure = ui.undelivered { throw failure }
    }

    static func isHistory(_ mode: ChatUI.Mode) -> Bool { if case .history = mode { true } else { false } }

    /// Lines from the keyboard (interactive) or standard input (plain) become intents.
    func startInput(mode: ChatUI.Mode, ui: ChatUI) {
        switch mode {
        case .interactive:
            ui.editor?.start { input in
                switch input {
                case .line(let text): ui.typed(text)
                case .end: ui.inputEnded()
                }
            }
        case .plain:
            DispatchQueue(label: "securechat.stdin").async {
                let reader = LineReader(fd: 0)
                while let line = reader.next() { ui.typed(line) }
                ui.inputEnded()
            }
        default:
            break
        }
    }

    /// How a session's end reads, and its exit status.
    static func check(_ outcome: ChatOutcome, setup: ConnectSetup) throws {
        let room = setup.roomID ?? "the room"
        switch outcome {
        case .closed, .left:
            return
        case .unreachable(let why):
            throw Failure("cannot reach the relay at \(setup.server): \(why)", hint: "is 'securechat serve' running there?", status: .unreachable)
        case .denied(let reason):
            throw Failure("a member turned your knock away" + (reason.map { ": \"\(TerminalText.sanitize($0))\"" } ?? ""), status: .notAdmitted)
        case .knockTimedOut:
            throw Failure("nobody let you in before the knock expired", hint: "ask a member to watch for it and knock again", status: .notAdmitted)
        case .notAdmitted(let why):
            throw Failure(why, status: .notAdmitted)
        case .removed:
            throw Failure("the owner removed you from the room", status: .notAdmitted)
        case .untrustedRelay(let why):
            throw Failure("the relay at \(setup.server) cannot be trusted for \(room): \(why)",
                          hint: "it may be replaying an old state of the room or showing you another one; do not use it for this room",
                          status: .authentication)
        case .roomExpired:
            throw Failure("room \(room) has expired", status: .roomGone)
        case .roomNotFound:
            throw Failure("the relay at \(setup.server) has no room \(room)",
                          hint: "it may have expired; 'securechat room create --server \(setup.server)' registers a new room", status: .roomGone)
        case .badCode:
            throw Failure("no room on \(setup.server) has that join code", hint: "codes change every few minutes: ask a member for the current one",
                          status: .roomGone)
        case .refused(let e):
            throw Failure("the relay refused: \(TerminalText.sanitize(e.message)) (\(e.code.rawValue))")
        }
    }

    /// The text of `--send-file`: UTF-8, trailing newlines dropped (as `$(cat FILE)` would).
    static func readMessage(_ path: String) throws -> String {
        guard let bytes = try InputFile(path: path).readAll(limit: 1 << 20) else { throw Failure("\(path) is larger than 1 MiB") }
        var text = bytes
        while text.last == 0x0a || text.last == 0x0d { text.removeLast() }
        guard let string = String(validating: text, as: UTF8.self) else {
            throw Failure("\(path == "-" ? "standard input" : path) is not UTF-8 text", hint: "only text is sent; 'securechat help encrypt' shows how to encrypt a file to people's keys", status: .malformed)
        }
        guard !string.isEmpty else { throw Failure("\(path == "-" ? "standard input" : path) is empty", status: .usage) }
        return string
    }

    /// SIGINT and SIGTERM end the session cleanly (state saved, exit 0) instead of killing it.
    static func onInterrupt(_ action: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig)
            source.setEventHandler(handler: action)
            source.resume()
            return source
        }
    }
}

/// Lines of a file descriptor, without the newline (a final line without one counts too).
final class LineReader {
    let fd: Int32
    private var buffer = [UInt8]()
    private var done = false

    init(fd: Int32) { self.fd = fd }

    func next() -> String? {
        while true {
            if let nl = buffer.firstIndex(of: 0x0a) {
                let line = TextLines.withoutEnding(buffer[...nl])
                defer { buffer.removeSubrange(...nl) }
                return String(decoding: line, as: UTF8.self)
            }
            if done {
                guard !buffer.isEmpty else { return nil }
                defer { buffer = [] }
                return String(decoding: TextLines.withoutEnding(buffer[...]), as: UTF8.self)
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, 4096) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { done = true } else { buffer += chunk[..<n] }
        }
    }
}
