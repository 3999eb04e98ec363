#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Standard output for results (never diagnostics): text lines and one-line JSON objects.
enum Stdout {
    static func line(_ text: String) throws {
        var bytes = Array((text + "\n").utf8)
        try Terminal.writeAll(fd: 1, &bytes)
    }

    /// One JSON object on one line, keys sorted, so scripts and `jq` read it the same every time.
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try line(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
