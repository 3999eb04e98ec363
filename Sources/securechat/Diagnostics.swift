#if canImport(Glibc)
import Glibc
#endif
import SecureChatCore

/// The one place that writes diagnostics. Errors, warnings and hints go to stderr as
/// `securechat: error: …`; colour only on a terminal and never with `NO_COLOR` or `TERM=dumb`.
enum Diagnostics {
    static var useColor: Bool {
        isatty(2) == 1 && getenv("NO_COLOR") == nil && getenv("TERM").map { String(cString: $0) } != "dumb"
    }

    private static func label(_ word: String, color: String) -> String {
        useColor ? "\u{1B}[1;\(color)m\(word):\u{1B}[0m" : "\(word):"
    }

    /// Every diagnostic line passes through `TerminalText.sanitize` here, the one gate to
    /// standard error: messages embed text from relays, members and files (error messages,
    /// names, reasons, ids), and none of it may reach a terminal as escape sequences.
    static func error(_ message: String) { write("securechat: \(label("error", color: "31")) ", message) }
    static func warning(_ message: String) { write("securechat: \(label("warning", color: "33")) ", message) }
    static func hint(_ message: String) { write("securechat: \(label("hint", color: "36")) ", message) }
    /// Progress, without a label.
    static func note(_ message: String) { write("securechat: ", message) }

    private static func write(_ prefix: String, _ message: String) {
        Terminal.writeError(prefix + TerminalText.sanitize(message, multiline: true) + "\n")
    }

    static func exit(with failure: Failure) -> Never {
        if failure.status != .outputClosed {
            error(failure.message)
            if let h = failure.hint { hint(h) }
        }
        Glibc.exit(failure.status.rawValue)
    }
}
