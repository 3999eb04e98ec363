/// age's ASCII armor: strict PEM (RFC 7468) with label "AGE ENCRYPTED FILE", padded base64 in
/// lines of exactly 64 columns and a shorter (non-empty) last line, no headers, LF or CRLF line
/// endings, and only whitespace before the BEGIN line and after the END line.
enum AgeArmor {
    static let begin = Array("-----BEGIN AGE ENCRYPTED FILE-----".utf8)
    static let end = Array("-----END AGE ENCRYPTED FILE-----".utf8)
    static let columns = 64
    static let bytesPerLine = 48
    /// How much whitespace may surround the armor, as age allows.
    static let maxWhitespace = 1024

    static func isWhitespace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0b || c == 0x0c || c == 0x0d
    }
}

/// Decodes armored input as a stream, one line at a time. Every violation is an
/// `AgeError.malformedArmor`, reported when the reader reaches it.
final class AgeArmorReader: ByteReader {
    private enum State { case beforeBegin, body, finished }
    private let input: AgeBufferedReader
    private var state = State.beforeBegin
    private var line = [UInt8]()
    /// Decoded bytes of a line that did not fit in the caller's buffer.
    private var pending = [UInt8](repeating: 0, count: AgeArmor.bytesPerLine + 2)
    private var pendingStart = 0, pendingEnd = 0

    init(_ input: AgeBufferedReader) {
        self.input = input
        line.reserveCapacity(AgeArmor.columns + 2)
    }

    func read(into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        var written = 0
        if pendingStart < pendingEnd {
            written = min(destination.count, pendingEnd - pendingStart)
            pending.withUnsafeBytes { destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[pendingStart..<pendingStart + written])) }
            pendingStart += written
            return written
        }
        if state == .beforeBegin { try readBeginLine() }
        while state == .body, written < destination.count {
            let room = destination.count - written
            if room >= AgeArmor.bytesPerLine + 2 {
                written += try decodeLine(into: destination.baseAddress!.assumingMemoryBound(to: UInt8.self) + written)
            } else {
                let n = try pending.withUnsafeMutableBufferPointer { try decodeLine(into: $0.baseAddress!) }
                let m = min(n, room)
                pending.withUnsafeBytes {
                    UnsafeMutableRawBufferPointer(rebasing: destination[written..<written + m])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<m]))
                }
                pendingStart = m
                pendingEnd = n
                written += m
                break
            }
        }
        return written
    }

    /// Reads one line into `line`, without its "\n" and one "\r" before it; false at the end of
    /// the input.
    private func nextLine(maxLength: Int) throws -> Bool {
        switch try input.readLine(into: &line, maxLength: maxLength + 1) {
        case .end: return false
        case .tooLong: throw AgeError.malformedArmor("line too long")
        case .complete, .unterminated:
            if line.last == 0x0d { line.removeLast() }
            return true
        }
    }

    private func readBeginLine() throws {
        var skipped = 0
        while true {
            guard try nextLine(maxLength: AgeArmor.maxWhitespace) else { throw AgeError.malformedArmor("no BEGIN line") }
            if line.allSatisfy(AgeArmor.isWhitespace) {
                skipped += line.count + 1
                guard skipped <= AgeArmor.maxWhitespace else { throw AgeError.malformedArmor("too much leading whitespace") }
                continue
            }
            guard line == AgeArmor.begin else {
                throw AgeError.malformedArmor("the first line is not \"-----BEGIN AGE ENCRYPTED FILE-----\"")
            }
            state = .body
            return
        }
    }

    /// Decodes the next body line into `out` (room for 50 bytes); returns 0 at the END line.
    private func decodeLine(into out: UnsafeMutablePointer<UInt8>) throws -> Int {
        guard try nextLine(maxLength: AgeArmor.columns + 1) else { throw AgeError.malformedArmor("no END line") }
        if line == AgeArmor.end {
            try finish()
            return 0
        }
        guard !line.isEmpty else { throw AgeError.malformedArmor("empty line") }
        guard line.count <= AgeArmor.columns else {
            throw AgeError.malformedArmor("line longer than \(AgeArmor.columns) columns")
        }
        guard let n = line.withUnsafeBytes({ AgeBase64.decode($0, padded: true, into: out) }) else {
            throw AgeError.malformedArmor("invalid or non-canonical base64")
        }
        if n < AgeArmor.bytesPerLine {
            guard try nextLine(maxLength: AgeArmor.columns + 1) else { throw AgeError.malformedArmor("no END line") }
            guard line == AgeArmor.end else { throw AgeError.malformedArmor("a short line is not followed by the END line") }
            try finish()
        }
        return n
    }

    /// After the END line only a little whitespace may follow.
    private func finish() throws {
        state = .finished
        let rest = try input.peek(AgeArmor.maxWhitespace)
        guard rest.allSatisfy(AgeArmor.isWhitespace) else { throw AgeError.malformedArmor("data after the END line") }
        guard rest.count < AgeArmor.maxWhitespace else { throw AgeError.malformedArmor("too much trailing whitespace") }
    }
}

/// Encodes a stream as armor with flat memory. Call `finish()` once, after the last write.
final class AgeArmorWriter: ByteWriter {
    private let output: ByteWriter
    private var out = [UInt8](repeating: 0, count: 64 * 1024)
    private var outCount = 0
    /// Input bytes of the line being filled.
    private var partial = [UInt8](repeating: 0, count: AgeArmor.bytesPerLine)
    private var partialCount = 0
    private var started = false

    init(_ output: ByteWriter) {
        self.output = output
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try start()
        var i = 0
        while i < bytes.count {
            if partialCount == 0, bytes.count - i >= AgeArmor.bytesPerLine {
                try emitLine(UnsafeRawBufferPointer(rebasing: bytes[i..<i + AgeArmor.bytesPerLine]))
                i += AgeArmor.bytesPerLine
                continue
            }
            let n = min(AgeArmor.bytesPerLine - partialCount, bytes.count - i)
            partial.withUnsafeMutableBytes {
                UnsafeMutableRawBufferPointer(rebasing: $0[partialCount..<partialCount + n])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[i..<i + n]))
            }
            partialCount += n
            i += n
            if partialCount == AgeArmor.bytesPerLine {
                try partial.withUnsafeBytes { try emitLine($0) }
                partialCount = 0
            }
        }
    }

    /// Writes the last, shorter line and the END line.
    func finish() throws {
        try start()
        if partialCount > 0 {
            try partial.withUnsafeBytes { try emitLine(UnsafeRawBufferPointer(rebasing: $0[0..<partialCount])) }
            partialCount = 0
        }
        try append(AgeArmor.end + [0x0a])
        try flush()
    }

    private func start() throws {
        guard !started else { return }
        started = true
        try append(AgeArmor.begin + [0x0a])
    }

    private func emitLine(_ bytes: UnsafeRawBufferPointer) throws {
        if outCount + AgeArmor.columns + 1 > out.count { try flush() }
        out.withUnsafeMutableBufferPointer { o in
            let n = AgeBase64.encode(bytes, padded: true, into: o.baseAddress! + outCount)
            o[outCount + n] = 0x0a
            outCount += n + 1
        }
    }

    private func append(_ bytes: [UInt8]) throws {
        if outCount + bytes.count > out.count { try flush() }
        out.replaceSubrange(outCount..<outCount + bytes.count, with: bytes)
        outCount += bytes.count
    }

    private func flush() throws {
        guard outCount > 0 else { return }
        try out.withUnsafeBytes { try output.write(UnsafeRawBufferPointer(rebasing: $0[0..<outCount])) }
        outCount = 0
    }
}
