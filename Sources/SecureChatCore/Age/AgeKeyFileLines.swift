/// The line structure shared by identity and recipients files: one entry per line, `#` comments
/// and blank lines ignored, LF or CRLF endings, surrounding spaces and tabs ignored.
enum AgeKeyFileLines {
    /// The entries with their 1-based line numbers.
    static func entries(_ text: String) -> [(line: Int, text: String)] {
        var out = [(line: Int, text: String)]()
        // Swift reads "\r\n" as one Character, so both endings are separators here.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for (i, raw) in lines.enumerated() {
            let isBlank = { (c: Character) in c == " " || c == "\t" || c == "\r" }
            let entry = String(raw.drop(while: isBlank).reversed().drop(while: isBlank).reversed())
            if entry.isEmpty || entry.hasPrefix("#") { continue }
            out.append((i + 1, entry))
        }
        return out
    }
}
