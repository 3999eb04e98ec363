/// The one way text from people is cut into lines: key files, recipients and identity files,
/// `SECURECHAT_KEY`, `--key-fd`, token logs, passphrase files, lines typed into `connect`.
///
/// A line ends at LF or CRLF (files saved on Windows, or pasted through a terminal); the CR of a
/// CRLF is not part of the line; a last line without a newline is a line; a newline at the very
/// end does not start an empty line. A lone CR inside a line is left alone (it is not an ending).
/// Works on bytes because Swift reads "\r\n" as one `Character`, so that splitting a `String` on
/// "\n" never splits a CRLF line.
public enum TextLines {
    /// The lines of `bytes`, without their endings.
    public static func split(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var lines = [ArraySlice<UInt8>]()
        var start = bytes.startIndex
        var i = start
        while i != bytes.endIndex {
            if bytes[i] == 0x0a {
                lines.append(withoutCR(bytes[start..<i]))
                start = i + 1
            }
            i += 1
        }
        if start != bytes.endIndex { lines.append(withoutCR(bytes[start...])) }
        return lines
    }

    /// The lines of `bytes`, without their endings.
    public static func split(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] { split(bytes[...]) }

    /// The lines of `text`, without their endings.
    public static func split(_ text: String) -> [String] {
        split(Array(text.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The first line of `bytes` (all of it when there is no newline), without its ending.
    public static func first(_ bytes: [UInt8]) -> [UInt8] {
        let end = bytes.firstIndex(of: 0x0a) ?? bytes.endIndex
        return Array(withoutCR(bytes[..<end]))
    }

    /// A line ending (LF or CRLF) removed from the end of `bytes`, if there is one.
    public static func withoutEnding(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var l = line
        if l.last == 0x0a { l = l.dropLast() }
        return withoutCR(l)
    }

    private static func withoutCR(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        line.last == 0x0d ? line.dropLast() : line
    }
}
