import SecureChatQR
import Testing

@Suite struct DeterminismTests {
    @Test(arguments: QRErrorCorrection.allCases)
    func sameInputSameMatrix(level: QRErrorCorrection) throws {
        #expect(try QRCode(encoding: Fixtures.typicalLink, level: level)
            == QRCode(encoding: Fixtures.typicalLink, level: level))
    }

    @Test func differentInputOrLevelDifferentMatrix() throws {
        let a = try QRCode(encoding: Fixtures.typicalLink, level: .medium)
        #expect(a != (try QRCode(encoding: Fixtures.typicalLink + "x", level: .medium)))
        #expect(a != (try QRCode(encoding: Fixtures.typicalLink, level: .quartile)))
        // Case is kept: 8-bit mode, not upper-cased alphanumeric mode.
        #expect(try QRCode(encoding: "abc", level: .low) != QRCode(encoding: "ABC", level: .low))
    }

    @Test func samePNGBytes() throws {
        let style = try QRStyle(moduleSize: 4, margin: 2, foreground: RGBAColor(hex: "1a237e"))
        let first = try PNGRenderer.render(QRCode(encoding: Fixtures.longLink, level: .quartile), style: style)
        let second = try PNGRenderer.render(QRCode(encoding: Fixtures.longLink, level: .quartile), style: style)
        #expect(first == second)
        let gray = try PNGRenderer.render(QRCode(encoding: Fixtures.longLink, level: .quartile), style: .standard)
        #expect(gray == (try PNGRenderer.render(QRCode(encoding: Fixtures.longLink, level: .quartile), style: .standard)))
    }

    @Test func sameSVGString() throws {
        let code = try QRCode(encoding: Fixtures.typicalLink, level: .high)
        let style = try QRStyle(background: RGBAColor(hex: "fff9c4"))
        #expect(SVGRenderer.render(code, style: style)
            == SVGRenderer.render(try QRCode(encoding: Fixtures.typicalLink, level: .high), style: style))
    }

    @Test func differentColorsDifferentOutput() throws {
        let code = try QRCode(encoding: Fixtures.typicalLink, level: .medium)
        let blue = try QRStyle(foreground: RGBAColor(hex: "1a237e"))
        let red = try QRStyle(foreground: RGBAColor(hex: "b71c1c"))
        #expect(try PNGRenderer.render(code, style: blue) != PNGRenderer.render(code, style: red))
        #expect(try PNGRenderer.render(code, style: blue) != PNGRenderer.render(code, style: .standard))
        #expect(SVGRenderer.render(code, style: blue) != SVGRenderer.render(code, style: red))
    }
}
