import SecureChatQR
import Testing

@Suite struct BadInputTests {
    @Test func emptyInput() {
        #expect(throws: QRError.emptyInput) { try QRCode(encoding: "", level: .medium) }
    }

    @Test(arguments: QRErrorCorrection.allCases)
    func oneByteOverTheLimit(level: QRErrorCorrection) {
        let link = Fixtures.link(bytes: level.maxBytes + 1)
        #expect(throws: QRError.tooLong(bytes: level.maxBytes + 1, limit: level.maxBytes, level: level)) {
            try QRCode(encoding: link, level: level)
        }
    }

    @Test func capacitiesAtVersion40() {
        #expect(QRErrorCorrection.allCases.map(\.maxBytes) == [2953, 2331, 1663, 1273])
        #expect(QRErrorCorrection.allCases.map(\.rawValue) == ["L", "M", "Q", "H"])
    }

    @Test func exactlyTheLimitEncodes() throws {
        let code = try QRCode(encoding: Fixtures.link(bytes: 2953), level: .low)
        #expect(code.size == 177)
        #expect(code.version == 40)
    }

    /// The limit is in UTF-8 bytes, not characters.
    @Test func limitCountsBytes() {
        let text = String(repeating: "é", count: 637) // 1274 bytes
        #expect(throws: QRError.tooLong(bytes: 1274, limit: 1273, level: .high)) {
            try QRCode(encoding: text, level: .high)
        }
    }

    @Test(arguments: ["", "#", "12345", "GGGGGG", "#1234567", "12 456", "1234567", "123456789", "+12345", "##123456", "１２３４５６"])
    func invalidColor(text: String) {
        #expect(throws: QRError.invalidColor(text)) { try RGBAColor(hex: text) }
    }

    @Test(arguments: [
        ("000000", RGBAColor(r: 0, g: 0, b: 0, a: 255)),
        ("#FFfFff", RGBAColor(r: 255, g: 255, b: 255, a: 255)),
        ("1a237e", RGBAColor(r: 0x1A, g: 0x23, b: 0x7E, a: 255)),
        ("#1A237E80", RGBAColor(r: 0x1A, g: 0x23, b: 0x7E, a: 0x80)),
        ("fff9c400", RGBAColor(r: 0xFF, g: 0xF9, b: 0xC4, a: 0)),
    ])
    func validColor(text: String, color: RGBAColor) throws {
        #expect(try RGBAColor(hex: text) == color)
    }

    @Test(arguments: [0, 101, -3, Int.max])
    func moduleSizeOutOfRange(size: Int) {
        #expect(throws: QRError.invalidModuleSize(size)) { try QRStyle(moduleSize: size) }
    }

    @Test(arguments: [-1, 101])
    func marginOutOfRange(margin: Int) {
        #expect(throws: QRError.invalidMargin(margin)) { try QRStyle(margin: margin) }
    }

    @Test func rangeEndsAreAccepted() throws {
        for (size, margin) in [(1, 0), (100, 100)] {
            let style = try QRStyle(moduleSize: size, margin: margin)
            #expect(style.moduleSize == size && style.margin == margin)
        }
        #expect(try QRStyle() == QRStyle.standard)
    }

    @Test func messages() {
        #expect(QRError.tooLong(bytes: 3000, limit: 2331, level: .medium).description
            == "link is 3000 bytes; a QR code at level M holds at most 2331")
        #expect(QRError.invalidColor("GGGGGG").description
            == "invalid color \"GGGGGG\"; expected RRGGBB or RRGGBBAA in hexadecimal, like 1a2b3c or 1a2b3c80")
        #expect(QRError.emptyInput.description == "nothing to encode; the link is empty")
        #expect(QRError.invalidModuleSize(0).description
            == "module size 0 is out of range; use 1 to 100 pixels per module")
        #expect(QRError.invalidMargin(101).description
            == "margin 101 is out of range; use 0 to 100 modules")
    }
}
