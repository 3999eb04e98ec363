import CPNG
import SecureChatQR
import Testing

/// A PNG read back through libpng's simplified API as 8-bit RGBA, row-major.
struct DecodedPNG {
    let width: Int
    let height: Int
    let rgba: [UInt8]

    init?(_ png: [UInt8]) {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }
        let begun = png.withUnsafeBytes { raw in
            png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count)
        }
        guard begun != 0 else { return nil }
        image.format = png_uint_32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)
        var pixels = [UInt8](repeating: 0, count: Int(image.width * image.height) * 4)
        let finished = pixels.withUnsafeMutableBytes { out in
            png_image_finish_read(&image, nil, out.baseAddress, 0, nil)
        }
        guard finished != 0 else { return nil }
        width = Int(image.width)
        height = Int(image.height)
        rgba = pixels
    }

    func pixel(x: Int, y: Int) -> RGBAColor {
        let i = (y * width + x) * 4
        return RGBAColor(r: rgba[i], g: rgba[i + 1], b: rgba[i + 2], a: rgba[i + 3])
    }
}

/// Every pixel has the colour of the module it belongs to, margin included.
@Suite struct PNGPixelTests {
    @Test(arguments: 1...8)
    func everyPixelMatchesItsModule(moduleSize: Int) throws {
        let style = try QRStyle(
            moduleSize: moduleSize, margin: 4,
            foreground: RGBAColor(hex: "1a237e"), background: RGBAColor(hex: "fff9c480"))
        try check(try QRCode(encoding: Fixtures.typicalLink, level: .medium), style: style)
    }

    @Test(arguments: [0, 1, 4])
    func blackOnWhitePixels(margin: Int) throws {
        try check(try QRCode(encoding: Fixtures.shortLink, level: .high), style: QRStyle(moduleSize: 1, margin: margin))
    }

    private func check(_ code: QRCode, style: QRStyle) throws {
        let image = try #require(DecodedPNG(try PNGRenderer.render(code, style: style)))
        let side = (code.size + 2 * style.margin) * style.moduleSize
        #expect(image.width == side && image.height == side)
        var mismatches = 0
        for y in 0..<side {
            for x in 0..<side {
                let dark = code.isDark(x: x / style.moduleSize - style.margin, y: y / style.moduleSize - style.margin)
                if image.pixel(x: x, y: y) != (dark ? style.foreground : style.background) { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
    }
}
