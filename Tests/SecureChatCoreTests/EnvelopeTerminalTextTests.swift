import Testing
@testable import SecureChatCore

/// Received text reaches the terminal only as printable text (TerminalText.sanitize).
@Suite struct EnvelopeTerminalTextTests {
    @Test(arguments: [
        ("plain", "hello, world", "hello, world"),
        ("unicode kept", "héllo 👋🏽 мир 你好", "héllo 👋🏽 мир 你好"),
        ("emoji with ZWJ kept", "👩‍💻", "👩‍💻"),
        ("SGR colour", "\u{1B}[31mred\u{1B}[0m", "red"),
        ("cursor up and erase line", "ok\u{1B}[1A\u{1B}[2Kfake", "okfake"),
        ("CSI with private parameters", "a\u{1B}[?1049hb", "ab"),
        ("OSC title ended by BEL", "\u{1B}]0;pwned\u{07}after", "after"),
        ("OSC 52 clipboard ended by ST", "\u{1B}]52;c;ZXZpbA==\u{1B}\\after", "after"),
        ("OSC 8 hyperlink", "\u{1B}]8;;http://evil\u{1B}\\click\u{1B}]8;;\u{1B}\\", "click"),
        ("DCS string", "\u{1B}Pq#0;2;0;0;0\u{1B}\\x", "x"),
        ("APC string", "\u{1B}_hidden\u{1B}\\x", "x"),
        ("two-character escapes", "\u{1B}7a\u{1B}8b\u{1B}cc", "abc"),
        ("escape with intermediate", "\u{1B}(0q\u{1B}(B", "q"),
        ("8-bit CSI", "\u{9B}31mred", "red"),
        ("8-bit OSC ended by 8-bit ST", "\u{9D}0;t\u{9C}x", "x"),
        ("other C1", "a\u{85}b\u{8D}c", "abc"),
        ("C0 controls", "a\u{00}b\u{07}c\u{08}d\u{0C}e\u{7F}f", "abcdef"),
        ("carriage return cannot overwrite", "safe\rEVIL", "safeEVIL"),
        ("tab", "a\tb", "a b"),
        ("newline becomes a space", "line1\nline2", "line1 line2"),
        ("line separators", "a\u{2028}b\u{2029}c", "a b c"),
        ("bidi override", "abc\u{202E}fdp.exe", "abcfdp.exe"),
        ("bidi isolates and marks", "\u{2066}a\u{2069}\u{200F}b\u{061C}", "ab"),
        ("lone escape at the end", "abc\u{1B}", "abc"),
        ("escape before non-ASCII", "\u{1B}é", "é"),
        ("CSI cut by a letter outside", "\u{1B}[12é", "é"),
        ("open OSC ends at a newline", "\u{1B}]0;title\nvisible", " visible"),
        ("ESC inside OSC starts a new sequence", "\u{1B}]0;t\u{1B}[31mred", "red"),
    ])
    func singleLine(name: String, input: String, expected: String) {
        #expect(TerminalText.sanitize(input) == expected, "\(name)")
    }

    @Test(arguments: [
        ("newlines kept", "one\ntwo", "one\ntwo"),
        ("CRLF to LF", "one\r\ntwo", "one\ntwo"),
        ("U+2028 to LF", "one\u{2028}two", "one\ntwo"),
        ("open OSC ends at the newline, which stays", "\u{1B}]0;x\ntwo", "\ntwo"),
        ("escapes on every line", "\u{1B}[1mone\u{1B}[0m\n\u{1B}[2Jtwo", "one\ntwo"),
    ])
    func multiline(name: String, input: String, expected: String) {
        #expect(TerminalText.sanitize(input, multiline: true) == expected, "\(name)")
    }

    @Test func noOutputContainsAControlCharacter() {
        // Every scalar below U+00A0 and the bidi controls, alone and after ESC.
        var all = ""
        for v in 0..<0xa0 { all.unicodeScalars.append(Unicode.Scalar(UInt8(v))) }
        for v in [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069] { all.unicodeScalars.append(Unicode.Scalar(v)!) }
        for text in [all, "\u{1B}" + all, String(all.reversed())] {
            for multiline in [false, true] {
                let out = TerminalText.sanitize(text, multiline: multiline)
                let bad = out.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n") || (0x7f..<0xa0).contains($0.value)
                    || (0x202a...0x202e).contains($0.value) || (0x2066...0x2069).contains($0.value) }
                #expect(bad.isEmpty, "\(bad.map(\.value))")
                if !multiline { #expect(!out.contains("\n")) }
            }
        }
    }
}
