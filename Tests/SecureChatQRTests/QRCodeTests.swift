import SecureChatQR
import Testing

@Suite struct QRCodeTests {
    /// Smallest version that fits, and the matrix has the finder pattern where QR puts it.
    @Test func shortLinkGivesSmallSymbolWithFinderPatterns() throws {
        let code = try QRCode(encoding: Fixtures.shortLink, level: .low)
        #expect(code.version == 3) // 40 bytes: version 2-L holds 32, version 3-L holds 53
        #expect(code.size == 17 + 4 * code.version)
        for (ox, oy) in [(0, 0), (code.size - 7, 0), (0, code.size - 7)] {
            // Outer ring dark, next ring light, 3x3 centre dark.
            #expect(code.isDark(x: ox, y: oy) && code.isDark(x: ox + 6, y: oy + 6))
            #expect(!code.isDark(x: ox + 1, y: oy + 1) && !code.isDark(x: ox + 5, y: oy + 1))
            #expect(code.isDark(x: ox + 3, y: oy + 3) && code.isDark(x: ox + 2, y: oy + 4))
        }
    }

    @Test func outsideTheSymbolIsLight() throws {
        let code = try QRCode(encoding: "x", level: .low)
        #expect(code.size == 21)
        #expect(!code.isDark(x: -1, y: 0) && !code.isDark(x: 0, y: -1))
        #expect(!code.isDark(x: 21, y: 0) && !code.isDark(x: 0, y: 21))
        #expect(code.isDark(x: 0, y: 0) && code.isDark(x: 20, y: 0))
    }

    @Test(arguments: [(QRErrorCorrection.medium, 7), (.low, 6), (.quartile, 9), (.high, 11)])
    func typicalInviteVersion(level: QRErrorCorrection, version: Int) throws {
        #expect(try QRCode(encoding: Fixtures.typicalLink, level: level).version == version)
    }

    /// Bytes that are not text, such as NUL, are encoded rather than cutting the input short.
    @Test func embeddedNulIsKept() throws {
        #expect(try QRCode(encoding: "a\u{0}b", level: .low) != QRCode(encoding: "a", level: .low))
    }
}
