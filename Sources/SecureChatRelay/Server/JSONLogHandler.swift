import Foundation
import Logging

/// Log lines as JSON objects, one per line on standard error (`serve --log-format json`), for log
/// collectors: `{"time":"2026-01-02T03:04:05.678Z","level":"info","label":"securechat.relay",
/// "message":"authenticated","conn":"7","member":"1a2b3c4d"}`. Metadata keys follow in sorted
/// order; every value is a JSON string, escaped, so no value can break a line or forge a field.
/// Keys that would repeat `time`, `level`, `label` or `message` are prefixed with `meta_`.
struct JSONLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    let label: String
    private let write: @Sendable (String) -> Void

    init(label: String, write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardError) {
        self.label = label
        self.write = write
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// One line; the event's source location is not part of it.
    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        var fields = [("time", Self.timestamp()), ("level", event.level.rawValue), ("label", label), ("message", event.message.description)]
        let reserved: Set = ["time", "level", "label", "message"]
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            fields.append((reserved.contains(key) ? "meta_" + key : key, "\(value)"))
        }
        write("{" + fields.map { Self.quoted($0) + ":" + Self.quoted($1) }.joined(separator: ",") + "}\n")
    }

    /// A JSON string literal: quotes, backslashes and every control character escaped.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || (0x2028...0x2029).contains(scalar.value):
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// UTC, millisecond precision, RFC 3339.
    static func timestamp() -> String {
        Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data(line.utf8))
    }
}
