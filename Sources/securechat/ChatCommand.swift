import SecureChatClient
import SecureChatCore

/// A line typed in `connect` (interactive or plain): a message, or a slash command. A line that
/// starts with `//` is a message starting with `/`.
enum ChatCommand: Equatable {
    case message(String)
    case who
    case approve(String)
    case deny(String, reason: String?)
    case remove(String)
    case code
    /// Show the safety number (nil), or mark verified (true) or not (false).
    case verify(String, Bool?)
    case history(Int)
    /// Our new name in this room (signed).
    case name(String)
    case leave
    case quit
    case help
    case unknown(String)
    case usage(String)

    static let helpText = """
        /who                 members, their fingerprints, and whether you verified them
        /approve NAME        let in someone who knocks (NAME or a fingerprint prefix)
        /deny NAME [REASON]  turn away someone who knocks
        /remove NAME         remove a member (owner); the room key is replaced for the others
        /code                the room's current join code (approval rooms)
        /verify NAME         the safety number to compare with NAME out of band
        /verify NAME yes     mark NAME verified once the numbers match (no: take it back)
        /history [N]         the last N messages (default 20)
        /name NEW NAME       the name the others see for you in this room
        /leave               leave the room for good (the others get a new room key)
        /quit                leave the conversation (you stay a member)
        //TEXT               send a message that starts with /
        """

    init(_ line: String) {
        guard line.hasPrefix("/"), !line.hasPrefix("//") else {
            self = .message(line.hasPrefix("//") ? String(line.dropFirst()) : line)
            return
        }
        let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let args = Array(words.dropFirst())
        switch words.first ?? "/" {
        case "/who": self = .who
        case "/code": self = .code
        case "/quit", "/exit": self = .quit
        case "/leave": self = args.isEmpty ? .leave : .usage("/leave")
        case "/help", "/?": self = .help
        case "/approve": self = args.count == 1 ? .approve(args[0]) : .usage("/approve NAME")
        case "/remove": self = args.count == 1 ? .remove(args[0]) : .usage("/remove NAME")
        case "/name": self = args.isEmpty ? .usage("/name NEW NAME") : .name(args.joined(separator: " "))
        case "/deny":
            self = args.isEmpty ? .usage("/deny NAME [REASON]") : .deny(args[0], reason: args.count > 1 ? args.dropFirst().joined(separator: " ") : nil)
        case "/verify":
            switch args.count {
            case 1: self = .verify(args[0], nil)
            case 2 where ["yes", "no"].contains(args[1]): self = .verify(args[0], args[1] == "yes")
            default: self = .usage("/verify NAME [yes|no]")
            }
        case "/history":
            if args.isEmpty { self = .history(ChatUI.historyTail) } else if args.count == 1, let n = Int(args[0]), n > 0 {
                self = .history(n)
            } else {
                self = .usage("/history [N]")
            }
        default: self = .unknown(words.first ?? line)
        }
    }

    /// The lines a command shows by itself, from the session as it stands.
    func localOutput(_ session: ChatSession?, kept: [String], renderer: ChatRenderer) -> [String] {
        switch self {
        case .help:
            return ChatCommand.helpText.split(separator: "\n").map { renderer.status(String($0)) }
        case .unknown(let word):
            return [renderer.problem("unknown command \(TerminalText.sanitize(word)); /help lists them")]
        case .usage(let usage):
            return [renderer.problem("usage: \(usage)")]
        case .history(let n):
            return kept.isEmpty ? [renderer.status("no messages yet")] : Array(kept.suffix(n))
        default:
            break
        }
        guard let session, session.isLive else { return [renderer.problem("not in the room yet")] }
        switch self {
        case .who:
            return session.roster.map { m in
                let fp = m.fingerprint ?? "fingerprint not known yet"
                let trust = m.isSelf ? "you" : m.verified ? "verified" : "not verified"
                return renderer.status("\(renderer.name(m))  \(m.role.rawValue)  \(fp)  \(trust)\(m.online ? "" : "  (offline)")")
            } + session.knocks.map { k in
                renderer.status("\(renderer.name(k.member))  knocking  \(k.member.fingerprint ?? "")")
            }
        case .code:
            guard let code = session.code else { return [renderer.status("this room has no join code (only approval rooms do)")] }
            return [renderer.code(code.code, expiresAt: code.expiresAt)]
        case .verify(let who, nil):
            guard let m = session.roster.first(where: { !$0.isSelf && ($0.name == who || ($0.fingerprint?.hasPrefix(who) ?? false)) }) else {
                return [renderer.problem("no member matches \"\(TerminalText.sanitize(who))\"")]
            }
            guard let number = session.safetyNumber(with: m) else { return [renderer.problem("\(renderer.name(m))'s keys are not known yet")] }
            return [renderer.status("safety number with \(renderer.name(m)): \(number)"),
                    renderer.status("compare it with theirs out of band (in person, on a call); if it matches: /verify \(renderer.name(m)) yes")]
        default:
            return []
        }
    }
}
