import SecureChatQR
import Testing

/// Every PNG we write must decode, with an independent reader, to exactly the input text.
@Suite struct PNGRoundTripTests {
    @Test(arguments: Fixtures.roundTripLinks, QRErrorCorrection.allCases)
    func decodesToInput(link: String, level: QRErrorCorrection) throws {
        let code = try QRCode(encoding: link, level: level)
        let png = try PNGRenderer.render(code, style: .standard)
        #expect(try ExternalTools.zbarDecode(png: png) == link)
    }

    /// The advertised capacity is real: a link of exactly `maxBytes` encodes and decodes.
    @Test(arguments: QRErrorCorrection.allCases)
    func decodesAtCapacity(level: QRErrorCorrection) throws {
        let link = Fixtures.link(bytes: level.maxBytes)
        let code = try QRCode(encoding: link, level: level)
        #expect(code.version == 40)
        #expect(try ExternalTools.zbarDecode(png: PNGRenderer.render(code, style: .standard)) == link)
    }

    /// zbarimg 0.23 does not find codes drawn with 1-pixel modules, even ones written by
    /// `qrencode -s 1`, so size 1 is checked pixel by pixel in `PNGPixelTests` instead.
    @Test(arguments: 2...8)
    func decodesInColorAtEveryModuleSize(moduleSize: Int) throws {
        let style = try QRStyle(
            moduleSize: moduleSize,
            foreground: RGBAColor(hex: "#1a237e"),
            background: RGBAColor(hex: "fff9c4"))
        let code = try QRCode(encoding: Fixtures.typicalLink, level: .medium)
        let png = try PNGRenderer.render(code, style: style)
        #expect(try ExternalTools.zbarDecode(png: png) == Fixtures.typicalLink)
    }

    @Test func decodesWithoutMargin() throws {
        let code = try QRCode(encoding: Fixtures.typicalLink, level: .medium)
        let png = try PNGRenderer.render(code, style: QRStyle(moduleSize: 4, margin: 0))
        // Without a quiet zone readers are not obliged to succeed, but the image must still be
        // well formed and exactly the symbol's size.
        #expect(PNGHeader(png)?.width == code.size * 4)
    }
}
