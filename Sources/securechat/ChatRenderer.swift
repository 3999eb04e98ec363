import FoundationEssentials
import SecureChatClient
import SecureChatCore
#if canImport(Glibc)
import Glibc
#endif

/// How `connect` shows a conversation: lines for people (with colour on a terminal) or one JSON
/// object per line for programs. Every name and text from the room goes through
/// `TerminalText.sanitize` first; message continuation lines are indented so that a message can
/// never pass for another line of the conversation.
struct ChatRenderer: Sendable {
    enum Style: Sendable { case plain, terminal, json }

    let style: Style
    let color: Bool

    init(style: Style) {
        self.style = style
        color = style == .terminal && Diagnostics.useColor
    }

    // MARK: people

    func message(_ m: ChatMessage) -> String {
        if style == .json {
            return json(MessageJSON(type: "message", seq: m.seq, time: m.time, sender: m.sender.name, fingerprint: m.sender.fingerprint,
                                    verified: m.sender.verified, self_: m.sender.isSelf, history: m.fromHistory, text: m.text,
                                    looksLike: m.sender.looksLike))
        }
        let text = TerminalText.sanitize(m.text, multiline: true).split(separator: "\n", omittingEmptySubsequences: false)
            .joined(separator: "\n    ")
        return "[\(clock(m.time))] \(paint(who(m.sender), m.sender.isSelf ? "1" : "1;34")): \(text)"
    }

    func rejected(_ r: RejectedMessage) -> String {
        let why = r.verdict.warning ?? r.verdict.label
        if style == .json {
            return json(WarningJSON(type: "warning", seq: r.seq, time: r.time, verdict: r.verdict.label, sender: r.relayedSender.name,
                                    fingerprint: r.relayedSender.fingerprint, message: why))
        }
        return paint("!!! [\(clock(UInt64(clamping: r.time)))] \(why), sent by \(who(r.relayedSender)) (seq \(r.seq)); not shown", "1;31")
    }

    func sent(_ m: ChatMessage, clientID: String) -> String {
        if style == .json {
            return json(SentJSON(type: "sent", seq: m.seq, time: m.time, clientID: clientID, text: m.text))
        }
        return message(m)
    }

    func notice(_ n: Notice) -> String {
        if style == .json {
            return json(EventJSON(type: "event", event: n.kind.rawValue, time: n.time, name: n.member?.name,
                                  fingerprint: n.member?.fingerprint, by: n.by?.name, detail: n.detail))
        }
        let member = n.member.map(who) ?? "someone"
        let by = n.by.map { " by \(who($0))" } ?? ""
        let text: String
        switch n.kind {
        case .join: text = "\(member) joined"
        case .leave: text = "\(member) left"
        case .rename: text = "\(TerminalText.sanitize(n.detail ?? "someone")) is now called \(member)"
        case .knock:
            text = "\(member) knocks" + (n.detail.map { ": \"\(TerminalText.sanitize($0))\"" } ?? "")
                + " (/approve \(name(n.member)) or /deny \(name(n.member)))"
        case .approve: text = "\(member) was let in\(by)"
        case .deny: text = "\(member) was turned away\(by)"
        case .withdraw: text = "\(member) stopped knocking"
        case .knockExpired: text = "\(member)'s knock expired"
        case .remove: text = "\(member) was removed\(by)"
        case .rotate: text = "the room key was replaced\(by); older messages still open with the old keys"
        case .expire: text = "the room has expired; the relay deleted its history"
        case .approved: text = "you were let in\(by); reading the history"
        case .rotatedWithoutUs: text = "the room key was replaced\(by) without you: you cannot read what follows"
        case .shutdown: text = "the relay is shutting down"
        case .lookalike:
            let other = TerminalText.sanitize(n.detail ?? "another member")
            return paint("!!! WARNING: \(member) has a name that looks like \(other)'s, with another key. "
                         + "It is not \(other): compare safety numbers with /verify before you trust it", "1;31")
        case .keyChanged:
            let was = n.detail ?? "unknown"
            return paint("!!! WARNING: the key of \(name(n.member)) changed: it was \(was), it is now \(n.member?.fingerprint ?? "unknown"). "
                         + "Someone may be impersonating them: compare safety numbers with /verify \(name(n.member))", "1;31")
        }
        return paint("*** \(text)", "36")
    }

    func code(_ code: String, expiresAt: Int64) -> String {
        if style == .json { return json(CodeJSON(type: "code", code: code, expiresAt: expiresAt)) }
        return paint("*** join code: \(code) (until \(clock(UInt64(clamping: expiresAt))))", "36")
    }

    /// Status and problem lines embed relay text (error messages, names): sanitized here.
    func status(_ text: String) -> String { paint("*** \(TerminalText.sanitize(text))", "36") }
    func problem(_ text: String) -> String { paint("!!! \(TerminalText.sanitize(text))", "1;31") }

    // MARK: pieces

    /// `alice (7kqf-3zma ✓)`: sanitized name, the first half of the fingerprint, a check mark
    /// when verified; `you` for ourselves.
    func who(_ m: Member) -> String {
        if m.isSelf { return "\(name(m)) (you)" }
        let fp = m.fingerprint.map { String($0.prefix(9)) } ?? "????-????"
        let alike = m.looksLike.map { ", looks like \(TerminalText.sanitize($0)): another key!" } ?? ""
        return "\(name(m)) (\(fp)\(m.verified ? " ✓" : "")\(alike))"
    }

    func name(_ m: Member?) -> String { m.map { TerminalText.sanitize($0.name) } ?? "someone" }

    /// Local time, `HH:MM`; `--:--` for a time past `Timestamp.latest` or one the C library
    /// cannot convert. The time in an envelope is whatever its sender wrote (any UInt64), so it
    /// is never converted unchecked: finding 3 of issue 17 was a trap on 2^64-1 here.
    func clock(_ t: UInt64) -> String {
        guard t <= Timestamp.latest, var tt = time_t(exactly: t) else { return "--:--" }
        var tmv = tm()
        guard localtime_r(&tt, &tmv) != nil else { return "--:--" }
        return (tmv.tm_hour < 10 ? "0" : "") + "\(tmv.tm_hour):" + (tmv.tm_min < 10 ? "0" : "") + "\(tmv.tm_min)"
    }

    func paint(_ text: String, _ sgr: String) -> String {
        color ? "\u{1B}[\(sgr)m\(text)\u{1B}[0m" : text
    }

    /// One JSON object with sorted keys. Text stays exact for programs, but the characters a
    /// terminal could act on even inside a string (C1 controls, line and paragraph separators,
    /// bidi controls; C0 ones JSON escapes already) are written as `\uXXXX` escapes.
    func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for s in text.unicodeScalars {
            switch s.value {
            case 0x7f...0x9f, 0x2028, 0x2029, 0x200e, 0x200f, 0x061c, 0x202a...0x202e, 0x2066...0x2069:
                let hex = String(s.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(s)
            }
        }
        return out
    }
}

/// `--json` lines (documented in securechat-connect(1)).
struct MessageJSON: Encodable {
    let type: String
    let seq: Int64
    let time: UInt64
    let sender: String
    let fingerprint: String?
    let verified: Bool
    let self_: Bool
    let history: Bool
    let text: String
    /// The name of another member (another key) that the sender's name looks like.
    let looksLike: String?
    enum CodingKeys: String, CodingKey { case type, seq, time, sender, fingerprint, verified, self_ = "self", history, text, looksLike = "looks_like" }
}

struct WarningJSON: Encodable {
    let type: String
    let seq: Int64
    let time: Int64
    let verdict: String
    let sender: String
    let fingerprint: String?
    let message: String
}

struct SentJSON: Encodable {
    let type: String
    let seq: Int64
    let time: UInt64
    let clientID: String
    let text: String
    enum CodingKeys: String, CodingKey { case type, seq, time, clientID = "client_id", text }
}

struct EventJSON: Encodable {
    let type: String
    let event: String
    let time: Int64
    let name: String?
    let fingerprint: String?
    let by: String?
    let detail: String?
}

struct CodeJSON: Encodable {
    let type: String
    let code: String
    let expiresAt: Int64
    enum CodingKeys: String, CodingKey { case type, code, expiresAt = "expires_at" }
}
