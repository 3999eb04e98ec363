/// Draws a ``QRCode`` as text for a terminal.
///
/// Terminals differ in colours, so "dark" needs care. In the text modes the characters are
/// ink drawn in the terminal's foreground colour over its background colour. Most terminals
/// show light text on a dark background, so with `inverted: false` the *light* modules (and
/// the margin) are drawn as ink and the dark modules left as blank cells; the result scans on
/// a light-on-dark terminal. Pass `inverted: true` for dark-on-light terminals, where ink is
/// dark: dark modules become ink and light modules blanks.
///
/// Every line, including the last, ends in `"\n"`. The margin is in modules; negative values
/// count as zero. Output is identical for identical inputs.
public enum TerminalRenderer {
    public enum Mode: String, CaseIterable, Sendable {
        /// Unicode half blocks (`▀ ▄ █` and space): two module rows per line and one column per
        /// module, so terminal cells (about twice as tall as wide) give square modules and a
        /// version-7 symbol with a 2-module margin is 49 columns wide.
        case utf8
        /// ANSI background colours, black (`ESC[40m`) and white (`ESC[47m`), two spaces per
        /// module and one module row per line, reset with `ESC[0m` at each line end. Does not
        /// depend on the terminal's own colours; `inverted: false` paints dark modules black.
        case ansi
        /// Plain ASCII, one module row per line and two characters per module: `#` for ink and
        /// a space for blank, following the same ink rule as `utf8`.
        case ascii
    }

    public static func render(
        _ code: QRCode, mode: Mode = .utf8, inverted: Bool = false, margin: Int = 2
    ) -> String {
        let margin = max(0, margin)
        let range = -margin..<(code.size + margin)
        switch mode {
        case .utf8:
            // Ink follows the light modules unless inverted.
            return halfBlocks(range) { x, y in code.isDark(x: x, y: y) == inverted }
        case .ascii:
            return rows(range) { x, y in code.isDark(x: x, y: y) == inverted ? "##" : "  " }
        case .ansi:
            return ansi(range) { x, y in code.isDark(x: x, y: y) != inverted }
        }
    }

    /// Packs rows `y` and `y + 1` into one line; the half row past the bottom edge is blank.
    private static func halfBlocks(_ range: Range<Int>, ink: (Int, Int) -> Bool) -> String {
        var text = ""
        for top in stride(from: range.lowerBound, to: range.upperBound, by: 2) {
            let hasBottom = top + 1 < range.upperBound
            for x in range {
                switch (ink(x, top), hasBottom && ink(x, top + 1)) {
                case (true, true): text += "█"
                case (true, false): text += "▀"
                case (false, true): text += "▄"
                case (false, false): text += " "
                }
            }
            text += "\n"
        }
        return text
    }

    private static func rows(_ range: Range<Int>, cell: (Int, Int) -> String) -> String {
        var text = ""
        for y in range {
            for x in range { text += cell(x, y) }
            text += "\n"
        }
        return text
    }

    /// Emits a colour escape only where the colour changes within a line.
    private static func ansi(_ range: Range<Int>, black: (Int, Int) -> Bool) -> String {
        let esc = "\u{1B}["
        var text = ""
        for y in range {
            var current: Bool?
            for x in range {
                let isBlack = black(x, y)
                if isBlack != current {
                    text += isBlack ? esc + "40m" : esc + "47m"
                    current = isBlack
                }
                text += "  "
            }
            text += esc + "0m\n"
        }
        return text
    }
}
