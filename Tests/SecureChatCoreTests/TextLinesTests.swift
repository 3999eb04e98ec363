import SecureChatCore
import Testing

/// The one line reader: LF, CRLF, a missing final newline, and what is not a line ending.
@Suite struct TextLinesTests {
    static let table: [(input: String, lines: [String])] = [
        ("", []),
        ("a", ["a"]),
        ("a\n", ["a"]),
        ("a\r\n", ["a"]),
        ("a\nb", ["a", "b"]),
        ("a\r\nb", ["a", "b"]),
        ("a\r\nb\r\n", ["a", "b"]),
        ("# comment\r\nKEY\n", ["# comment", "KEY"]),
        ("a\n\nb\n", ["a", "", "b"]),
        ("a\r\n\r\nb", ["a", "", "b"]),
        ("\n", [""]),
        ("\r\n", [""]),
        ("a\rb\n", ["a\rb"]),           // a lone CR is no line ending
        ("a\r\r\n", ["a\r"]),          // only the CR of the CRLF goes
        ("é\r\nü", ["é", "ü"]),
    ]

    @Test func splitsTextAndBytesAlike() {
        for (input, lines) in Self.table {
            #expect(TextLines.split(input) == lines, "\(Array(input.utf8))")
            #expect(TextLines.split(Array(input.utf8)).map { String(decoding: $0, as: UTF8.self) } == lines, "\(Array(input.utf8))")
        }
    }

    @Test func firstLine() {
        #expect(TextLines.first(Array("pass\r\nrest".utf8)) == Array("pass".utf8))
        #expect(TextLines.first(Array("pass\nrest".utf8)) == Array("pass".utf8))
        #expect(TextLines.first(Array("pass".utf8)) == Array("pass".utf8))
        #expect(TextLines.first(Array("pass\r".utf8)) == Array("pass".utf8))
        #expect(TextLines.first([]) == [])
    }

    @Test func ageFilesWithCRLF() throws {
        let id = AgeIdentity()
        let text = "# created: now\r\n# public key: \(id.recipient)\r\n\(id.encoded)\r\n"
        #expect(try AgeIdentityFile.parse(text).map(\.recipient.description) == [id.recipient.description])
        #expect(try AgeRecipientsFile.parse("# friends\r\n\(id.recipient)\r\n").count == 1)
    }
}
