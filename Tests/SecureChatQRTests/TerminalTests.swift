import Foundation
import SecureChatQR
import Testing

/// Terminal renderings are compared byte for byte against files under `Golden/`.
/// Run with `SECURECHAT_UPDATE_GOLDEN=1` to rewrite them after an intended change.
@Suite struct TerminalTests {
    static let code = try! QRCode(encoding: Fixtures.typicalLink, level: .medium)

    static let cases: [(TerminalRenderer.Mode, Bool)] =
        TerminalRenderer.Mode.allCases.flatMap { [($0, false), ($0, true)] }

    @Test(arguments: cases)
    func matchesGolden(mode: TerminalRenderer.Mode, inverted: Bool) throws {
        let text = TerminalRenderer.render(Self.code, mode: mode, inverted: inverted, margin: 2)
        let name = mode.rawValue + (inverted ? "-inverted" : "") + ".txt"
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Golden").appendingPathComponent(name)

        if ProcessInfo.processInfo.environment["SECURECHAT_UPDATE_GOLDEN"] == "1" {
            try Data(text.utf8).write(to: file)
            return
        }
        let golden = try #require(
            FileManager.default.contents(atPath: file.path),
            "missing \(name); run the tests with SECURECHAT_UPDATE_GOLDEN=1")
        let expected = String(decoding: golden, as: UTF8.self)
        let matches = Array(text.utf8) == Array(golden)
        #expect(matches, "\(name) differs from the rendering at line \(firstDifferentLine(text, expected)); rerun with SECURECHAT_UPDATE_GOLDEN=1 if the change is intended")
    }

    private func firstDifferentLine(_ a: String, _ b: String) -> Int {
        let (la, lb) = (a.split(separator: "\n", omittingEmptySubsequences: false),
                        b.split(separator: "\n", omittingEmptySubsequences: false))
        return (zip(la, lb).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(la.count, lb.count)) + 1
    }

    /// Reading each rendering back gives the symbol, so the goldens are not merely stable.
    @Test(arguments: cases)
    func rendersTheSymbol(mode: TerminalRenderer.Mode, inverted: Bool) {
        let margin = 3
        let text = TerminalRenderer.render(Self.code, mode: mode, inverted: inverted, margin: margin)
        let read = TextMatrix.read(text, mode: mode, inverted: inverted)
        let side = Self.code.size + 2 * margin
        #expect(read.count == side)
        #expect(read.allSatisfy { $0.count == side })
        let expected = (0..<side).map { y in
            (0..<side).map { x in Self.code.isDark(x: x - margin, y: y - margin) }
        }
        #expect(read == expected)
    }

    @Test(arguments: TerminalRenderer.Mode.allCases)
    func everyLineEndsInNewline(mode: TerminalRenderer.Mode) {
        let text = TerminalRenderer.render(Self.code, mode: mode, inverted: false, margin: 0)
        #expect(text.hasSuffix("\n"))
        #expect(!text.hasSuffix("\n\n"))
    }

    @Test func typicalInviteFitsEightyColumns() throws {
        let code = try QRCode(encoding: Fixtures.typicalLink, level: .medium)
        let text = TerminalRenderer.render(code, mode: .utf8, inverted: false, margin: 2)
        let widths = text.split(separator: "\n").map(\.count)
        #expect(widths.max()! <= 80)
        #expect(Set(widths) == [code.size + 4])
        #expect(widths.count == (code.size + 4 + 1) / 2)
    }

    @Test func asciiUsesOnlyHashAndSpace() {
        let text = TerminalRenderer.render(Self.code, mode: .ascii, inverted: false, margin: 2)
        #expect(text.unicodeScalars.allSatisfy { $0 == "#" || $0 == " " || $0 == "\n" })
    }

    @Test func ansiResetsEveryLine() {
        let text = TerminalRenderer.render(Self.code, mode: .ansi, inverted: false, margin: 2)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == Self.code.size + 4)
        #expect(lines.allSatisfy { $0.hasSuffix("\u{1B}[0m") && $0.hasPrefix("\u{1B}[47m") })
    }

    @Test func negativeMarginCountsAsZero() {
        #expect(
            TerminalRenderer.render(Self.code, mode: .ascii, inverted: false, margin: -5)
                == TerminalRenderer.render(Self.code, mode: .ascii, inverted: false, margin: 0))
    }
}

/// Turns terminal text back into rows of "is dark", following the renderer's documented rules.
enum TextMatrix {
    static func read(_ text: String, mode: TerminalRenderer.Mode, inverted: Bool) -> [[Bool]] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        switch mode {
        case .ascii:
            return lines.map { line in
                stride(from: 0, to: line.count, by: 2).map { i in
                    (Array(line)[i] == "#") == inverted
                }
            }
        case .ansi:
            return lines.map { line in
                var row: [Bool] = []
                var black = false
                var rest = Substring(line)
                while !rest.isEmpty {
                    if rest.hasPrefix("\u{1B}[40m") { black = true; rest = rest.dropFirst(5) }
                    else if rest.hasPrefix("\u{1B}[47m") { black = false; rest = rest.dropFirst(5) }
                    else if rest.hasPrefix("\u{1B}[0m") { rest = rest.dropFirst(4) }
                    else if rest.hasPrefix("  ") { row.append(black != inverted); rest = rest.dropFirst(2) }
                    else { return [] }
                }
                return row
            }
        case .utf8:
            var rows: [[Bool]] = []
            for line in lines {
                var top: [Bool] = [], bottom: [Bool] = []
                for ch in line {
                    let (t, b): (Bool, Bool) = switch ch {
                    case "█": (true, true)
                    case "▀": (true, false)
                    case "▄": (false, true)
                    default: (false, false)
                    }
                    // Ink marks light modules unless inverted.
                    top.append(t == inverted)
                    bottom.append(b == inverted)
                }
                rows.append(top)
                rows.append(bottom)
            }
            // The symbol plus margins always has an odd side, so the last half row is padding.
            return Array(rows.dropLast())
        }
    }
}
