#if canImport(Glibc)
import Glibc
#endif

/// File-descriptor level I/O for the command line: no buffering surprises, EPIPE handled.
enum Terminal {
    static var stdinIsTerminal: Bool { isatty(0) == 1 }
    static var stdoutIsTerminal: Bool { isatty(1) == 1 }

    static func writeError(_ text: String) {
        var bytes = Array(text.utf8)
        _ = try? writeAll(fd: 2, &bytes)
    }

    /// Writes everything or throws: `.outputClosed` when the reader went away.
    static func writeAll(fd: Int32, _ bytes: inout [UInt8]) throws {
        try bytes.withUnsafeBytes { try writeAll(fd: fd, $0) }
    }

    static func writeAll(fd: Int32, _ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { throw Failure("output closed", status: .outputClosed) }
                throw Failure("cannot write output: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }

    /// Reads a line from the terminal without echo (for passphrases); nil without a terminal.
    static func readSecret(prompt: String) -> [UInt8]? {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var old = termios()
        guard tcgetattr(fd, &old) == 0 else { return nil }
        var quiet = old
        quiet.c_lflag &= ~tcflag_t(ECHO)
        var p = Array(prompt.utf8)
        try? writeAll(fd: fd, &p)
        SignalCleanup.restoreOnSignal(fd: fd, settings: old)
        tcsetattr(fd, TCSANOW, &quiet)
        defer {
            tcsetattr(fd, TCSANOW, &old)
            SignalCleanup.restoreOnSignal(fd: -1, settings: old)
            var nl: [UInt8] = [0x0a]
            try? writeAll(fd: fd, &nl)
        }
        var line = [UInt8]()
        var c: UInt8 = 0
        while read(fd, &c, 1) == 1, c != 0x0a { line.append(c) }
        if line.last == 0x0d { line.removeLast() }
        return line
    }
}
