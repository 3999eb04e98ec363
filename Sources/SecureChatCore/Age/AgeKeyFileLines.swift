/// The line structure shared by identity and recipients files: one entry per line, `#` comments
/// and blank lines ignored, LF or CRLF endings, surrounding spaces and tabs ignored.
enum AgeKeyFileLines {
    /// The entries with their 1-based line numbers.
    static func entries(_ text: String) -> [(line: Int, text: String)] {
        var out = [(line: Int, text: String)]()
        for (i, raw) in TextLines.split(text).enumerated() {
            let isBlank = { (c: Character) in c == " " || c == "\t" || c == "\r" }
            let entry = String(raw.drop(while: isBlank).reversed().drop(while: isBlank).reversed())
            if entry.isEmpty || entry.hasPrefix("#") { continue }
            out.append((i + 1, entry))
        }
        return out
    }
}
