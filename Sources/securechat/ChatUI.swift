import SecureChatClient
import SecureChatCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The executable's side of a `connect` session: shows what the session reports, keeps the
/// files up to date (room keys, known keys, client state), turns typed lines into intents, and
/// decides when a scripted run is done (`--send` acknowledged, `--history` read, `--count` met).
final class ChatUI: Sendable {
    enum Mode: Sendable, Equatable {
        /// A person at a terminal: line editor, colours, history tail, slash commands.
        case interactive
        /// Lines in (messages or slash commands) and lines out, no terminal; ends at end of input.
        case plain
        case send(Int)
        case listen(count: Int?)
        case history(count: Int?)
    }

    static let historyTail = 20
    static let historyKept = 1000

    struct State {
        var setup: ConnectSetup
        var session: ChatSession?
        var resume: ResumeState?
        var shown = 0
        var sendsLeft = 0
        var kept: [String] = []
        var historyLines: [String] = []
        var synced = false
        var inputEnded = false
        var failure: Failure?
        /// Nothing more is written for this session (it met a room it must not change).
        var frozen = false
        var disconnectedSince: UInt64?
        /// The connection was lost since the last sync: say so when it is back.
        var lost = false
        /// Messages of a plain session the relay refused for good (each was reported).
        var undelivered = 0
        /// Progress on standard error: the first history replay, and messages waiting for the relay.
        var replay: Progress?
        var sending: Progress?
    }

    let mode: Mode
    /// `--quiet`: no progress lines.
    let quiet: Bool
    let renderer: ChatRenderer
    let editor: LineEditor?
    let intents: AsyncStream<ChatClient.Intent>.Continuation
    let state: Mutex<State>

    init(mode: Mode, json: Bool, quiet: Bool = false, setup: ConnectSetup, intents: AsyncStream<ChatClient.Intent>.Continuation) {
        self.mode = mode
        self.quiet = quiet
        renderer = ChatRenderer(style: json ? .json : mode == .interactive ? .terminal : .plain)
        editor = mode == .interactive ? LineEditor() : nil
        self.intents = intents
        var s = State(setup: setup)
        if case .send(let n) = mode {
            s.sendsLeft = n
            s.sending = Progress(n == 1 ? "sending the message, waiting for the relay" : "sending \(n) messages, waiting for the relay",
                                 unit: .waiting, quiet: quiet)
        }
        s.disconnectedSince = Clock.now
        state = Mutex(s)
    }

    var failure: Failure? { state.withLock { $0.failure } }

    /// `--listen` prints what it missed since its last run as it arrives, like live messages.
    var isListening: Bool { if case .listen = mode { true } else { false } }

    /// `--send` or `--send-file`.
    var isSending: Bool { if case .send = mode { true } else { false } }

    /// Seconds without a connection, nil while connected.
    func secondsDisconnected(now: UInt64) -> UInt64? { state.withLock { s in s.disconnectedSince.map { now - min(now, $0) } } }

    // MARK: output

    /// Conversation lines: above the input line on a terminal, else on standard output.
    func show(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        if let editor { return editor.print(lines) }
        do {
            for l in lines { try Stdout.line(l) }
        } catch let f as Failure {
            fail(f)
        } catch {}
    }

    /// Redraws the progress of a wait (called a few times a second while one may be shown).
    func tick() {
        state.withLock { s in s.sending?.advance(by: 0) }
    }

    /// Erases any progress line, so that what follows on standard error starts on a clean line.
    private func clearProgress() {
        state.withLock { s in
            s.replay?.finish()
            s.sending?.finish()
        }
    }

    /// Progress and problems: in the conversation on a terminal, else on standard error.
    func status(_ text: String, problem: Bool = false) {
        if editor != nil { return show([problem ? renderer.problem(text) : renderer.status(text)]) }
        clearProgress()
        if problem { Diagnostics.warning(text) } else { Diagnostics.note(text) }
    }

    func fail(_ f: Failure) {
        state.withLock { if $0.failure == nil { $0.failure = f } }
        intents.yield(.quit)
    }

    // MARK: events

    func handle(_ event: ChatEvent, _ session: ChatSession) {
        var out = [String]()       // conversation lines
        var notes = [String]()     // progress, "!" first for problems
        var quit = false
        state.withLock { s in
            s.session = session
            switch event {
            case .authenticated:
                s.disconnectedSince = nil
            case .knocking(let room, let code):
                s.disconnectedSince = nil
                notes.append(code.map { "knocking with join code \($0)…" } ?? "knocking on room \(room ?? "")…")
            case .waitingForApproval:
                notes.append("waiting for a member of the room to let you in (they see your name and fingerprint "
                             + "\(s.setup.identity.publicIdentity.fingerprint))")
            case .joined(let room):
                quit = keep(&s) { try $0.setup.saveRoom(joined: room, keys: room.keys) } || quit
                if !s.synced, s.replay == nil, mode == .plain || Connect.isHistory(mode) {
                    s.replay = Progress("replaying the room's history", unit: .messages, quiet: quiet)
                }
                if mode == .interactive, !s.synced {
                    let name = room.name.map { TerminalText.sanitize($0) } ?? room.roomID
                    notes.append("joined \(name) as \(room.role.rawValue); /help lists the commands")
                }
            case .synced:
                s.replay?.finish()
                s.replay = nil
                s.disconnectedSince = nil
                if s.lost {
                    s.lost = false
                    notes.append("reconnected; nothing was missed")
                }
                if !s.synced {
                    s.synced = true
                    switch mode {
                    case .interactive, .plain:
                        let earlier = s.historyLines.count - Self.historyTail
                        if earlier > 0 { out.append(renderer.status("\(earlier) earlier messages: /history N shows them")) }
                        out += s.historyLines.suffix(Self.historyTail)
                    case .history(let count):
                        out += count.map { Array(s.historyLines.suffix($0)) } ?? s.historyLines
                        quit = true
                    case .listen:
                        notes.append("listening in room \(session.roomID ?? ""); interrupt to stop")
                    case .send:
                        break
                    }
                    s.historyLines = []
                }
                if mode == .plain, s.inputEnded, session.pendingSends == 0 { quit = true }
            case .message(let m):
                if m.fromHistory { s.replay?.advance(by: 1) }
                quit = item(&s, renderer.message(m), history: m.fromHistory, into: &out)
            case .rejected(let r):
                if r.fromHistory { s.replay?.advance(by: 1) }
                quit = item(&s, renderer.rejected(r), history: r.fromHistory, into: &out)
            case .sent(let m, let id):
                let line = renderer.sent(m, clientID: id)
                keep(&s, line)
                switch mode {
                case .send:
                    if renderer.style == .json { out.append(line) }
                    s.sendsLeft -= 1
                    quit = s.sendsLeft <= 0
                    if quit {
                        s.sending?.finish()
                        s.sending = nil
                    }
                case .interactive:
                    out.append(line)
                case .plain:
                    if renderer.style == .json { out.append(line) }
                    quit = s.inputEnded && session.pendingSends == 0
                default:
                    break
                }
            case .sendFailed(_, let reason):
                if case .send = mode {
                    if s.failure == nil { s.failure = Failure("the message was not sent: \(reason)") }
                    quit = true
                } else {
                    if mode == .plain { s.undelivered += 1 }
                    notes.append("!the message was not sent: \(reason)")
                }
            case .queued:
                // Only worth saying once connected before: until the first sync everything waits.
                if s.synced { notes.append("not connected: the message goes out once the connection is back") }
            case .notice(let n):
                switch mode {
                case .send, .history:
                    // A changed key is never kept quiet, even where events are not part of the output.
                    if n.kind == .keyChanged { notes.append("!" + ChatRenderer(style: .plain).notice(n).dropFirst("!!! WARNING: ".count)) }
                default:
                    out.append(renderer.notice(n))
                }
            case .problem(let text):
                notes.append("!" + text)
            case .codeChanged(let code, let expires):
                switch mode {
                case .interactive, .plain, .listen: out.append(renderer.code(code, expiresAt: expires))
                case .send, .history: break
                }
            case .roomKeysChanged(let keys):
                if !s.frozen { quit = keep(&s) { try $0.setup.saveKeys(keys) } || quit }
            case .ownerPinned(let owner):
                if !s.frozen { persist(&s) { try $0.setup.pinOwner(owner) } }
            case .knownKeysChanged(let keys):
                persist(&s) { _ in try ClientFiles.saveKnownKeys(keys) }
            case .resumeStateChanged(let r):
                guard !s.frozen else { break }
                s.resume = r
                guard let room = session.roomID else { break }
                // A listener saves as it goes (it ends by interruption); the others save once, at the end.
                if isListening {
                    persist(&s) { try ClientFiles.saveState(r, room: room, identity: $0.setup.identity, position: true) }
                }
            case .connectionLost(let reason, let delay):
                if s.disconnectedSince == nil { s.disconnectedSince = Clock.now }
                s.lost = true
                notes.append("connection lost (\(reason)); trying again in \(delay.components.seconds) s")
            case .verificationChanged(let m):
                notes.append("\(renderer.who(m)) is \(m.verified ? "now verified" : "no longer verified")")
            case .rosterChanged, .knocksChanged:
                break
            }
        }
        // Output on the same terminal as the progress line starts on a clean line.
        if !out.isEmpty, editor == nil, Terminal.stdoutIsTerminal { clearProgress() }
        show(out)
        for n in notes {
            if n.hasPrefix("!") { status(String(n.dropFirst()), problem: true) } else { status(n) }
        }
        if quit { intents.yield(.quit) }
    }

    /// A message or warning: kept for /history, shown now or (first history) after the sync.
    private func item(_ s: inout State, _ line: String, history: Bool, into out: inout [String]) -> Bool {
        keep(&s, line)
        if history, !s.synced, !isListening {
            s.historyLines.append(line)
            return false
        }
        out.append(line)
        s.shown += 1
        if case .listen(let count?) = mode { return s.shown >= count }
        return false
    }

    private func keep(_ s: inout State, _ line: String) {
        s.kept.append(line)
        if s.kept.count > Self.historyKept { s.kept.removeFirst(s.kept.count - Self.historyKept) }
    }

    /// Writes the room file; a refusal to touch a room kept here (`Failure` with status 3) ends
    /// the session, and nothing more of it is saved. True when the session must end.
    private func keep(_ s: inout State, _ body: (inout State) throws -> Void) -> Bool {
        do {
            try body(&s)
            return false
        } catch let f as Failure where f.status == .authentication {
            if s.failure == nil { s.failure = f }
            s.resume = nil
            s.frozen = true
            return true
        } catch {
            Diagnostics.warning(((error as? Failure) ?? Failure(error))?.message ?? "\(error)")
            return false
        }
    }

    private func persist(_ s: inout State, _ body: (inout State) throws -> Void) {
        do {
            try body(&s)
        } catch {
            Diagnostics.warning(((error as? Failure) ?? Failure(error))?.message ?? "\(error)")
        }
    }

    /// A script whose messages did not all reach the relay must not exit 0: the failure to
    /// report once the session otherwise ended well.
    var undelivered: Failure? {
        state.withLock { s in
            let unsent = s.undelivered + (s.session?.pendingSends ?? 0)
            guard unsent > 0, mode == .plain || isSending else { return nil }
            return Failure(unsent == 1 ? "1 message was not delivered" : "\(unsent) messages were not delivered",
                           hint: s.undelivered > 0 ? "the reasons are above" : "the session ended before the relay acknowledged them")
        }
    }

    /// Saves the reading position and counters at the end of the session.
    func finish() {
        editor?.stop()
        clearProgress()
        state.withLock { s in
            guard !s.frozen, let r = s.resume, let room = s.session?.roomID else { return }
            let position: Bool
            switch mode {
            case .interactive, .plain, .listen: position = true
            case .send, .history: position = false
            }
            persist(&s) { try ClientFiles.saveState(r, room: room, identity: $0.setup.identity, position: position) }
        }
    }

    // MARK: input

    /// A typed line: a slash command, or a message.
    func typed(_ line: String) {
        let command = ChatCommand(line)
        switch command {
        case .message(let text):
            guard !text.isEmpty else { return }
            intents.yield(.send(text))
        case .quit:
            intents.yield(.quit)
        case .approve(let who): intents.yield(.approve(who))
        case .deny(let who, let reason): intents.yield(.deny(who, reason: reason))
        case .remove(let who): intents.yield(.remove(who))
        case .leave: intents.yield(.leave)
        case .name(let name): intents.yield(.rename(name))
        case .verify(let who, let mark?): intents.yield(.verify(who, mark))
        default:
            show(state.withLock { s in command.localOutput(s.session, kept: s.kept, renderer: renderer) })
        }
    }

    /// The input ended: an interactive session quits, a plain one once its messages are sent.
    func inputEnded() {
        let quit = state.withLock { s in
            s.inputEnded = true
            return mode == .interactive || (s.synced && (s.session?.pendingSends ?? 0) == 0)
        }
        if quit { intents.yield(.quit) }
    }
}
