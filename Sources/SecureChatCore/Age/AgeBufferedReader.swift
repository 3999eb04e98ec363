/// A read buffer in front of a `ByteReader` for the line-oriented parts of age (the header and the
/// armor). Buffered bytes are always served first, so the payload after a header is read through
/// the same reader without loss; once the buffer is empty, reads go straight to the source.
final class AgeBufferedReader: ByteReader {
    enum Line: Equatable {
        /// A line ending in "\n" (not included).
        case complete
        /// The input ended after some bytes without a "\n".
        case unterminated
        /// More than the allowed length before a "\n".
        case tooLong
        /// The input ended at a line boundary.
        case end
    }

    private let source: ByteReader
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var sourceEnded = false

    init(_ source: ByteReader, capacity: Int = 64 * 1024) {
        self.source = source
        buffer = [UInt8](repeating: 0, count: capacity)
    }

    /// Moves what is buffered to the front and reads once more; false when the source has ended.
    private func fillMore() throws -> Bool {
        if sourceEnded { return false }
        if start > 0 {
            let count = end - start
            buffer.withUnsafeMutableBufferPointer { b in
                b.baseAddress!.update(from: b.baseAddress! + start, count: count)
            }
            start = 0
            end = count
        }
        guard end < buffer.count else { return true }
        let n = try buffer.withUnsafeMutableBytes { try source.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[end...])) }
        if n == 0 { sourceEnded = true }
        end += n
        return n > 0
    }

    /// Up to `count` bytes from the front, without consuming them; fewer only at the end.
    func peek(_ count: Int) throws -> [UInt8] {
        precondition(count <= buffer.count)
        while end - start < count, try fillMore() {}
        return Array(buffer[start..<min(end, start + count)])
    }

    /// Reads the next line into `line` (replacing its contents), without its "\n".
    func readLine(into line: inout [UInt8], maxLength: Int) throws -> Line {
        line.removeAll(keepingCapacity: true)
        while true {
            let newline = buffer.withUnsafeBufferPointer { b -> Int? in
                var i = start
                while i < end {
                    if b[i] == 0x0a { return i }
                    i += 1
                }
                return nil
            }
            let stop = newline ?? end
            guard line.count + (stop - start) <= maxLength else { return .tooLong }
            line.append(contentsOf: buffer[start..<stop])
            if let newline {
                start = newline + 1
                return .complete
            }
            start = end
            if try !fillMore() { return line.isEmpty ? .end : .unterminated }
        }
    }

    func read(into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        guard destination.count > 0 else { return 0 }
        if start == end {
            if sourceEnded { return 0 }
            let n = try source.read(into: destination)
            if n == 0 { sourceEnded = true }
            return n
        }
        let n = min(destination.count, end - start)
        buffer.withUnsafeBytes { destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[start..<start + n])) }
        start += n
        return n
    }
}
