/// How a QR code is drawn as an image: pixel scale, quiet zone and colours.
///
/// The defaults match the `qrencode` tool (`-s 3 -m 4`, black on white). The QR specification
/// asks for a quiet zone of 4 modules; smaller margins often still scan but are not promised
/// to. A value of this type is always valid: the initialiser rejects out-of-range numbers.
public struct QRStyle: Sendable, Equatable {
    /// Allowed pixels per module (`qrencode -s`).
    public static let moduleSizeRange = 1...100
    /// Allowed quiet-zone width in modules (`qrencode -m`).
    public static let marginRange = 0...100

    /// Pixels per module side in PNG output; SVG output uses it for its width and height.
    public let moduleSize: Int
    /// Width of the light border around the symbol, in modules.
    public let margin: Int
    /// Colour of dark modules.
    public let foreground: RGBAColor
    /// Colour of light modules and of the margin.
    public let background: RGBAColor

    /// Black on white, 3 pixels per module, a 4-module quiet zone.
    public static let standard = QRStyle(
        validated: 3, margin: 4, foreground: .black, background: .white)

    public init(
        moduleSize: Int = 3,
        margin: Int = 4,
        foreground: RGBAColor = .black,
        background: RGBAColor = .white
    ) throws(QRError) {
        guard Self.moduleSizeRange.contains(moduleSize) else { throw .invalidModuleSize(moduleSize) }
        guard Self.marginRange.contains(margin) else { throw .invalidMargin(margin) }
        self.init(validated: moduleSize, margin: margin, foreground: foreground, background: background)
    }

    private init(validated moduleSize: Int, margin: Int, foreground: RGBAColor, background: RGBAColor) {
        self.moduleSize = moduleSize
        self.margin = margin
        self.foreground = foreground
        self.background = background
    }

    /// Modules per side including the quiet zone on both sides.
    func modulesPerSide(for code: QRCode) -> Int { code.size + 2 * margin }
}
