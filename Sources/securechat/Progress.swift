import SecureChatCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Progress of long work on standard error (encrypting or decrypting a large file, a long
/// history replay, a message waiting for the relay): one line redrawn in place, only when
/// standard error is a terminal, never before the work has taken a second (short work shows
/// nothing), at most five redraws a second, and erased when the work ends, so it never mixes
/// with output. The second counts from the first piece of work, not from a prompt before it.
/// `--quiet` turns it off; so do `TERM=dumb` and a standard error that is a file or pipe.
final class Progress: Sendable {
    private let label: String
    private let total: Int64?
    private let unit: Unit
    private struct Drawing { var started: Double?; var done: Int64 = 0; var lastDrawn: Double = 0; var drawn = false }
    private let state = Mutex(Drawing())

    enum Unit: Sendable {
        case bytes, messages
        /// Nothing is counted: the line says how long the wait has lasted.
        case waiting
    }

    /// Seconds of work before anything is shown.
    static let delay = 1.0

    /// nil when progress must not be shown (`quiet`, or standard error is not a terminal).
    init?(_ label: String, total: Int64? = nil, unit: Unit = .bytes, quiet: Bool) {
        guard !quiet, Self.enabled else { return nil }
        self.label = label
        self.total = total.flatMap { $0 > 0 ? $0 : nil }
        self.unit = unit
    }

    static var enabled: Bool {
        isatty(2) == 1 && Paths.env("TERM") != "dumb"
    }

    /// The size of the regular file open on `fd`, if it is one.
    static func size(of fd: Int32) -> Int64? {
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int64(st.st_size)
    }

    func advance(by n: Int) {
        state.withLock { s in
            s.done += Int64(n)
            let now = Self.now()
            guard let started = s.started else { return s.started = now }
            guard now - started >= Self.delay, now - s.lastDrawn >= 0.2 else { return }
            s.lastDrawn = now
            s.drawn = true
            Terminal.writeError("\r\u{1B}[K" + line(s.done, since: started))
        }
    }

    /// Erases the line, if one was drawn.
    func finish() {
        state.withLock { s in
            if s.drawn { Terminal.writeError("\r\u{1B}[K") }
            s.drawn = false
        }
    }

    deinit { finish() }

    private func line(_ done: Int64, since started: Double) -> String {
        let amount: String
        switch unit {
        case .bytes:
            amount = total.map { "\(Self.bytes(done)) of \(Self.bytes($0)) (\(min(100, done * 100 / $0))%)" } ?? Self.bytes(done)
        case .messages:
            amount = total.map { "\(done) of \($0) messages" } ?? "\(done) messages"
        case .waiting:
            amount = "\(Int(Self.now() - started)) s"
        }
        return "\(label): \(amount)"
    }

    static func bytes(_ n: Int64) -> String {
        if n < 1024 { return "\(n) B" }
        let units = ["KiB", "MiB", "GiB", "TiB"]
        var value = Double(n) / 1024
        var i = 0
        while value >= 1024, i < units.count - 1 { value /= 1024; i += 1 }
        return "\((value * 10).rounded() / 10) \(units[i])"
    }

    private static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// A reader that reports what passes through it.
final class ProgressReader: ByteReader {
    private let inner: ByteReader
    private let progress: Progress?

    init(_ inner: ByteReader, progress: Progress?) {
        self.inner = inner
        self.progress = progress
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try inner.read(into: buffer)
        progress?.advance(by: n)
        return n
    }
}
