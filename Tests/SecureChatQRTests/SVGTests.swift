import SecureChatQR
import Testing

@Suite struct SVGTests {
    @Test(arguments: [Fixtures.shortLink, Fixtures.typicalLink, Fixtures.longLink])
    func rasterisedSVGDecodesToInput(link: String) throws {
        let code = try QRCode(encoding: link, level: .medium)
        let svg = SVGRenderer.render(code, style: .standard)
        #expect(try ExternalTools.zbarDecode(svg: svg) == link)
    }

    @Test func rasterisedColoredSVGDecodesToInput() throws {
        let style = try QRStyle(
            moduleSize: 5, margin: 4,
            foreground: RGBAColor(hex: "1a237e"), background: RGBAColor(hex: "fff9c4"))
        let code = try QRCode(encoding: Fixtures.typicalLink, level: .quartile)
        #expect(try ExternalTools.zbarDecode(svg: SVGRenderer.render(code, style: style)) == Fixtures.typicalLink)
    }

    @Test func documentShape() throws {
        let code = try QRCode(encoding: Fixtures.typicalLink, level: .medium)
        let style = try QRStyle(moduleSize: 6, margin: 4)
        let svg = SVGRenderer.render(code, style: style)
        let side = code.size + 8
        #expect(svg.hasSuffix("</svg>\n"))
        #expect(svg.contains("viewBox=\"0 0 \(side) \(side)\""))
        #expect(svg.contains("width=\"\(side * 6)\" height=\"\(side * 6)\""))
        #expect(svg.components(separatedBy: "<rect").count == 2)
        #expect(svg.components(separatedBy: "<path").count == 2)
        #expect(svg.contains("<rect width=\"\(side)\" height=\"\(side)\" fill=\"#ffffff\"/>"))
        #expect(svg.contains("<path fill=\"#000000\" d=\"M"))
        #expect(!svg.contains("fill-opacity"))
    }

    /// The path covers exactly the dark modules: count the area of every run.
    @Test func pathAreaEqualsDarkModuleCount() throws {
        let code = try QRCode(encoding: Fixtures.longLink, level: .high)
        let svg = SVGRenderer.render(code, style: .standard)
        let d = try #require(svg.split(separator: "d=\"").last?.split(separator: "\"").first)
        let runs = d.split(separator: "z")
        let area = runs.reduce(0) { total, run in
            total + (Int(run.split(separator: "h")[1].split(separator: "v")[0]) ?? 0)
        }
        let dark = (0..<code.size).reduce(0) { sum, y in
            sum + (0..<code.size).filter { code.isDark(x: $0, y: y) }.count
        }
        #expect(area == dark)
        // Runs are merged: no two runs on the same row touch.
        #expect(runs.count < dark)
    }

    @Test func translucentColorsUseFillOpacity() throws {
        let style = try QRStyle(foreground: RGBAColor(hex: "#11223380"), background: RGBAColor(hex: "AABBCC00"))
        let svg = SVGRenderer.render(try QRCode(encoding: "x", level: .low), style: style)
        #expect(svg.contains("<rect width=\"29\" height=\"29\" fill=\"#aabbcc\" fill-opacity=\"0\"/>"))
        #expect(svg.contains("<path fill=\"#112233\" fill-opacity=\"0.502\" d=\""))
    }
}
