import SecureChatCore
#if canImport(Glibc)
import Glibc
#endif

private func errnoText() -> String { String(cString: strerror(errno)) }

/// read(2), retried on EINTR; a failure names `name`.
func readRetrying(fd: Int32, into buffer: UnsafeMutableRawBufferPointer, name: String) throws -> Int {
    while true {
        let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
        if n >= 0 { return n }
        if errno == EINTR { continue }
        throw Failure("cannot read \(name): \(errnoText())")
    }
}

/// Reads a file or standard input (`nil` or `-`) through a plain file descriptor.
final class InputFile: ByteReader {
    let fd: Int32
    let name: String
    private let owned: Bool

    init(path: String?) throws {
        if path == nil || path == "-" {
            fd = 0; name = "standard input"; owned = false
        } else {
            let p = path!
            fd = open(p, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw Failure("cannot read \(p): \(errnoText())") }
            var st = stat()
            if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
                close(fd)
                throw Failure("cannot read \(p): it is a directory")
            }
            name = p; owned = true
        }
    }

    /// Standard input that is a terminal: a script would hang here, so callers check first.
    var isTerminal: Bool { isatty(fd) == 1 }

    deinit { if owned { close(fd) } }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try readRetrying(fd: fd, into: buffer, name: name)
    }
}

/// A command's output: standard output, or a file that appears only when complete. A file is
/// written to a temporary name in the same directory and renamed over the target on `commit()`;
/// on any failure `abandon()` (or deinit) removes the temporary file, so no partial output remains.
final class OutputFile: ByteWriter {
    let fd: Int32
    let path: String?
    private var temporary: String?
    private let mode: mode_t
    private let overwrite: Bool

    /// - Parameters: `path` nil or `-` for stdout; `mode` of the final file; `overwrite` false
    ///   refuses an existing target (identity files are never overwritten).
    init(path: String?, mode: mode_t = 0o666, overwrite: Bool = true) throws {
        self.mode = mode
        self.overwrite = overwrite
        guard let path, path != "-" else {
            fd = 1; self.path = nil
            return
        }
        self.path = path
        if !overwrite, access(path, F_OK) == 0 {
            throw Failure("\(path) already exists; refusing to overwrite it", hint: "choose another file with -o, or remove the old one yourself")
        }
        // A device or pipe (/dev/null, a FIFO) is written in place: there is nothing to rename.
        var st = stat()
        if stat(path, &st) == 0, (st.st_mode & S_IFMT) != S_IFREG {
            guard (st.st_mode & S_IFMT) != S_IFDIR else { throw Failure("cannot write \(path): it is a directory") }
            let f = open(path, O_WRONLY | O_CLOEXEC)
            guard f >= 0 else { throw Failure("cannot write \(path): \(errnoText())") }
            fd = f
            return
        }
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(dir.isEmpty ? "/" : dir)/.\(base).tmp-XXXXXX".utf8CString)
        let f = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard f >= 0 else {
            var st = stat()
            if stat(dir.isEmpty ? "/" : dir, &st) != 0 {
                throw Failure("cannot write \(path): directory \(dir) does not exist")
            }
            throw Failure("cannot write \(path): \(errnoText())")
        }
        fd = f
        temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    var isTerminal: Bool { path == nil && isatty(1) == 1 }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try Terminal.writeAll(fd: fd, bytes)
    }

    /// Makes the output visible under its final name.
    func commit() throws {
        guard let temporary, let path else {
            if path != nil { close(fd) }
            return
        }
        let mask = umask(0); umask(mask)
        fchmod(fd, mode & ~mask)
        guard fsync(fd) == 0 else { abandon(); throw Failure("cannot write \(path): \(errnoText())") }
        close(fd)
        if overwrite {
            guard rename(temporary, path) == 0 else {
                let why = errnoText(); unlink(temporary); self.temporary = nil
                throw Failure("cannot write \(path): \(why)")
            }
        } else {
            // link() fails if the target appeared meanwhile: never overwrite.
            guard link(temporary, path) == 0 else {
                let why = errno == EEXIST ? "it already exists" : errnoText()
                unlink(temporary); self.temporary = nil
                throw Failure("cannot write \(path): \(why)")
            }
            unlink(temporary)
        }
        self.temporary = nil
    }

    func abandon() {
        if let temporary {
            close(fd)
            unlink(temporary)
            self.temporary = nil
        }
    }

    deinit { abandon() }
}

/// Runs `body` writing to `output`, committing the file only if `body` returns.
func withOutput(_ output: OutputFile, _ body: (OutputFile) throws -> Void) throws {
    do {
        try body(output)
        try output.commit()
    } catch {
        output.abandon()
        throw error
    }
}

enum FileChecks {
    /// Warns (does not fail) when a secret file is readable or writable by group or others.
    static func warnIfExposed(_ path: String, what: String) {
        var st = stat()
        guard stat(path, &st) == 0, st.st_mode & 0o077 != 0 else { return }
        Diagnostics.warning("\(what) \(path) is accessible by other users (mode \(String(st.st_mode & 0o777, radix: 8)))")
        Diagnostics.hint("chmod 600 \(path)")
    }

    static func readText(_ path: String, limit: Int = 1 << 20) throws -> String {
        let input = try InputFile(path: path)
        guard let bytes = try input.readAll(limit: limit) else { throw Failure("\(path) is larger than \(limit) bytes") }
        return String(decoding: bytes, as: UTF8.self)
    }
}
