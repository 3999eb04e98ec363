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

    @Test func blackOnWhiteIsEightBitGray() throws {
        let code = try QRCode(encoding: Fixtures.shortLink, level: .low)
        let header = try #require(PNGHeader(PNGRenderer.render(code, style: .standard)))
        #expect(header.bitDepth == 8)
        #expect(header.colorType == 0)
    }

    @Test(arguments: zip(["000000", "00000080", "1a237e"], ["ffffff00", "ffffff", "fff9c4"]))
    func anyOtherColorsAreRGBA(foreground: String, background: String) throws {
        let style = try QRStyle(foreground: RGBAColor(hex: foreground), background: RGBAColor(hex: background))
        try #require(style.foreground != .black || style.background != .white)
        let code = try QRCode(encoding: Fixtures.shortLink, level: .low)
        let header = try #require(PNGHeader(PNGRenderer.render(code, style: style)))
        #expect(header.bitDepth == 8)
        #expect(header.colorType == 6)
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
