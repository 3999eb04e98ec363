/// The line structure shared by identity and recipients files: one entry per line, `#` comments
/// and blank lines ignored, LF or CRLF endings, surrounding spaces and tabs ignored.
enum AgeKeyFileLines {
    /// The entries with their 1-based line numbers.
    static func entries(_ text: String) -> [(line: Int, text: String)] {
        var out = [(line: Int, text: String)]()
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = raw.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }
            let entry = String(trimmed.reversed())
            if entry.isEmpty || entry.hasPrefix("#") { continue }
            out.append((i + 1, entry))
        }
        return out
    }
}
