import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The input line of interactive `connect`: the terminal in raw mode, the line being typed kept
/// here and redrawn under whatever is printed, so incoming messages never garble it. Keys:
/// Enter sends, Backspace, Ctrl-U clears, Ctrl-W deletes a word, Ctrl-C quits, Ctrl-D on an
/// empty line quits; other control keys and escape sequences (arrows) are ignored.
final class LineEditor: Sendable {
    enum Input: Sendable {
        case line(String)
        case end
    }

    struct State {
        var buffer: [Character] = []
        var pending: [UInt8] = []
        var escape: EscapeState = .none
        var saved: termios?
    }

    enum EscapeState { case none, escape, csi }

    let prompt: String
    private let state = Mutex(State())

    init(prompt: String = "> ") {
        self.prompt = prompt
    }

    /// Puts the terminal in raw mode and reads keys on a thread of its own until the end.
    func start(_ deliver: @escaping @Sendable (Input) -> Void) {
        state.withLock { s in
            var t = termios()
            guard tcgetattr(0, &t) == 0 else { return }
            s.saved = t
            var raw = t
            raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG | IEXTEN)
            raw.c_iflag &= ~tcflag_t(IXON)
            withUnsafeMutableBytes(of: &raw.c_cc) { cc in
                cc[Int(VMIN)] = 1
                cc[Int(VTIME)] = 0
            }
            tcsetattr(0, TCSANOW, &raw)
        }
        redraw()
        DispatchQueue(label: "securechat.keyboard").async { [self] in
            var byte: UInt8 = 0
            while true {
                let n = read(0, &byte, 1)
                if n < 0, errno == EINTR { continue }
                guard n == 1 else { deliver(.end); return }
                if let input = key(byte) {
                    deliver(input)
                    if case .end = input { return }
                }
            }
        }
    }

    /// Restores the terminal as it was.
    func stop() {
        state.withLock { s in
            if var saved = s.saved { tcsetattr(0, TCSANOW, &saved) }
            s.saved = nil
        }
        write("\r\u{1B}[K")
    }

    /// Prints lines above the input line, then draws the input line again.
    func print(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        let text = lines.joined(separator: "\n")
        state.withLock { s in
            write("\r\u{1B}[K" + text.replacingNewlines() + "\r\n" + line(s))
        }
    }

    private func key(_ b: UInt8) -> Input? {
        state.withLock { s -> Input? in
            switch s.escape {
            case .escape:
                s.escape = b == UInt8(ascii: "[") || b == UInt8(ascii: "O") ? .csi : .none
                return nil
            case .csi:
                if (0x40...0x7e).contains(b) { s.escape = .none }
                return nil
            case .none:
                break
            }
            switch b {
            case 0x0d, 0x0a:
                let text = String(s.buffer)
                s.buffer = []
                write("\r\u{1B}[K" + prompt)
                return .line(text)
            case 0x7f, 0x08:
                if !s.buffer.isEmpty { s.buffer.removeLast() }
            case 0x03:
                return .end
            case 0x04:
                if s.buffer.isEmpty { return .end }
            case 0x15:
                s.buffer = []
            case 0x17:
                while s.buffer.last == " " { s.buffer.removeLast() }
                while let c = s.buffer.last, c != " " { s.buffer.removeLast() }
            case 0x1b:
                s.escape = .escape
                return nil
            case 0x09:
                s.buffer.append(" ")
            case 0x00...0x1f:
                return nil
            default:
                s.pending.append(b)
                // Wait for the rest of a multi-byte character.
                if let first = s.pending.first, s.pending.count < Self.utf8Length(first) { return nil }
                s.buffer += String(decoding: s.pending, as: UTF8.self)
                s.pending = []
            }
            write("\r\u{1B}[K" + line(s))
            return nil
        }
    }

    private static func utf8Length(_ lead: UInt8) -> Int {
        switch lead {
        case 0xf0...: 4
        case 0xe0...: 3
        case 0xc0...: 2
        default: 1
        }
    }

    private func redraw() {
        state.withLock { s in write("\r\u{1B}[K" + line(s)) }
    }

    /// The prompt and as much of the end of the buffer as fits on one row.
    private func line(_ s: State) -> String {
        var size = winsize()
        let columns = ioctl(1, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
        let room = max(10, columns - prompt.count - 1)
        return prompt + String(s.buffer.suffix(room))
    }

    private func write(_ text: String) {
        var bytes = Array(text.utf8)
        try? Terminal.writeAll(fd: 1, &bytes)
    }
}

private extension String {
    /// In raw mode the terminal may not turn `\n` into CR LF; do it here.
    func replacingNewlines() -> String {
        split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
    }
}
