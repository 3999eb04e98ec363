/// Text from other people made safe for a terminal: the terminal counterpart of escaping HTML.
/// A message or name could otherwise carry escape sequences that recolour the screen, move the
/// cursor to overwrite earlier lines, set the window title, write to the clipboard (OSC 52) or
/// flip the reading direction so that a name looks like another. Everything a terminal would
/// interpret is removed; what remains is printable text.
public enum TerminalText {
    /// Removes C0 and C1 control characters, DEL, every ESC sequence (CSI, OSC, DCS, SOS, PM,
    /// APC and two-character escapes, in their 7-bit and 8-bit forms, with their parameters and
    /// string contents) and the Unicode bidirectional controls. With `multiline`, line breaks
    /// (LF, CRLF, U+2028, U+2029) become `\n`; otherwise each becomes one space. A tab becomes one
    /// space. An escape string left open at a line break ends there, so hostile text cannot hide
    /// the lines after it.
    public static func sanitize(_ text: String, multiline: Bool = false) -> String {
        var out = String.UnicodeScalarView()
        var state = State.text
        let newline: Unicode.Scalar = multiline ? "\n" : " "
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let c = pending ?? scalars.next() {
            pending = nil
            let v = c.value
            switch state {
            case .text:
                switch v {
                case 0x1b: state = .escape
                case 0x9b: state = .csi
                case 0x90, 0x98, 0x9d, 0x9e, 0x9f: state = .string
                case 0x0a, 0x2028, 0x2029: out.append(newline)
                case 0x09: out.append(" ")
                case 0x00...0x1f, 0x7f...0x9f: break
                case 0x200e, 0x200f, 0x061c, 0x202a...0x202e, 0x2066...0x2069: break
                default: out.append(c)
                }
            case .escape:
                switch v {
                case 0x5b: state = .csi                                            // ESC [
                case 0x5d, 0x50, 0x58, 0x5e, 0x5f: state = .string                 // ESC ] P X ^ _
                case 0x20...0x2f: state = .escapeIntermediate
                case 0x30...0x7e: state = .text                                    // ESC 7, ESC c, …
                default: state = .text; pending = c                                // not a sequence after all
                }
            case .escapeIntermediate:
                switch v {
                case 0x20...0x2f: break
                case 0x30...0x7e: state = .text
                default: state = .text; pending = c
                }
            case .csi:
                switch v {
                case 0x20...0x3f: break                                            // parameters, intermediates
                case 0x40...0x7e: state = .text                                    // the final byte
                default: state = .text; pending = c
                }
            case .string:
                switch v {
                case 0x07, 0x9c: state = .text                                     // BEL or 8-bit ST
                case 0x1b: state = .stringEscape
                case 0x0a, 0x2028, 0x2029: state = .text; pending = c
                default: break
                }
            case .stringEscape:
                // ESC \ is ST; any other ESC ends the string and starts a sequence of its own.
                if v == 0x5c { state = .text } else { state = .escape; pending = c }
            }
        }
        return String(out)
    }

    private enum State {
        case text, escape, escapeIntermediate, csi, string, stringEscape
    }
}
