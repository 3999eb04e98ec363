import SecureChatQR
import Testing

/// The fields of a PNG's IHDR chunk, read straight from the bytes.
struct PNGHeader: Equatable {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    let width: Int
    let height: Int
    let bitDepth: UInt8
    let colorType: UInt8

    init?(_ png: [UInt8]) {
        guard png.count >= 33, Array(png[0..<8]) == Self.signature,
              Array(png[12..<16]) == Array("IHDR".utf8)
        else { return nil }
        func be32(_ at: Int) -> Int { png[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        width = be32(16)
        height = be32(20)
        bitDepth = png[24]
        colorType = png[25]
    }

    /// Whether a chunk of this type appears anywhere in the file (walking the chunk lengths).
    static func hasChunk(_ type: String, in png: [UInt8]) -> Bool {
        var at = 8
        while at + 8 <= png.count {
            let length = png[at..<at + 4].reduce(0) { $0 << 8 | Int($1) }
            if Array(png[at + 4..<at + 8]) == Array(type.utf8) { return true }
            at += 12 + length
        }
        return false
    }
}

@Suite struct PNGHeaderTests {
    @Test(arguments: [(1, 0), (3, 4), (8, 2), (10, 10)])
    func sizeFollowsStyle(moduleSize: Int, margin: Int) throws {
        let code = try QRCode(encoding: Fixtures.typicalLink, level: .medium)
        let png = try PNGRenderer.render(code, style: QRStyle(moduleSize: moduleSize, margin: margin))
        #expect(Array(png.prefix(8)) == PNGHeader.signature)
        let header = try #require(PNGHeader(png))
        #expect(header.width == (code.size + 2 * margin) * moduleSize)
        #expect(header.height == header.width)
    }

    /// Every pair of colours is a two-entry palette packed to one bit per pixel, like
    /// `qrencode`'s output: the smallest PNG that renders the colours exactly.
    @Test(arguments: zip(["000000", "000000", "00000080", "1a237e"], ["ffffff", "ffffff00", "ffffff", "fff9c4"]))
    func anyColorsAreOneBitPalette(foreground: String, background: String) throws {
        let style = try QRStyle(foreground: RGBAColor(hex: foreground), background: RGBAColor(hex: background))
        let code = try QRCode(encoding: Fixtures.shortLink, level: .low)
        let png = try PNGRenderer.render(code, style: style)
        let header = try #require(PNGHeader(png))
        #expect(header.bitDepth == 1)
        #expect(header.colorType == 3)
        // A transparency chunk only when a colour is not opaque.
        let opaque = style.foreground.a == 255 && style.background.a == 255
        #expect(PNGHeader.hasChunk("tRNS", in: png) == !opaque)
        #expect(PNGHeader.hasChunk("PLTE", in: png))
    }

    /// The largest image the renderer accepts still fits its first write or is retried at the
    /// size libpng asks for: the bytes are a whole PNG either way.
    @Test func largestImageIsWhole() throws {
        let code = try QRCode(encoding: Fixtures.nearLimitLink, level: .low)
        let moduleSize = 8192 / (code.size + 8)
        let png = try PNGRenderer.render(code, style: QRStyle(moduleSize: moduleSize, margin: 4))
        #expect(Array(png.suffix(8)) == [0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82])
        #expect(try #require(PNGHeader(png)).width == (code.size + 8) * moduleSize)
    }

    @Test func refusesAbsurdImageSize() throws {
        let code = try QRCode(encoding: Fixtures.nearLimitLink, level: .low)
        let style = try QRStyle(moduleSize: 100, margin: 100)
        #expect(throws: QRError.pngFailed(
            "the image would be \((code.size + 200) * 100)x\((code.size + 200) * 100) pixels; use a smaller module size or margin"
        )) {
            try PNGRenderer.render(code, style: style)
        }
    }
}
