#if canImport(Glibc)
import Glibc
#endif

/// The one place that writes diagnostics. Errors, warnings and hints go to stderr as
/// `securechat: error: …`; colour only on a terminal and never with `NO_COLOR` or `TERM=dumb`.
enum Diagnostics {
    static var useColor: Bool {
        isatty(2) == 1 && getenv("NO_COLOR") == nil && getenv("TERM").map { String(cString: $0) } != "dumb"
    }

    private static func label(_ word: String, color: String) -> String {
        useColor ? "\u{1B}[1;\(color)m\(word):\u{1B}[0m" : "\(word):"
    }

    static func error(_ message: String) { Terminal.writeError("securechat: \(label("error", color: "31")) \(message)\n") }
    static func warning(_ message: String) { Terminal.writeError("securechat: \(label("warning", color: "33")) \(message)\n") }
    static func hint(_ message: String) { Terminal.writeError("securechat: \(label("hint", color: "36")) \(message)\n") }

    static func exit(with failure: Failure) -> Never {
        if failure.status != .outputClosed {
            error(failure.message)
            if let h = failure.hint { hint(h) }
        }
        Glibc.exit(failure.status.rawValue)
    }
}
