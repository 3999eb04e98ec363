/// An 8-bit sRGB colour with straight (not premultiplied) alpha.
///
/// Written as `RRGGBB` or `RRGGBBAA` hexadecimal, optionally after a `#`, the same form
/// `qrencode --foreground/--background` accepts; alpha defaults to opaque.
public struct RGBAColor: Sendable, Equatable, Hashable {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8
    public var a: UInt8

    public init(r: UInt8, g: UInt8, b: UInt8, a: UInt8 = 255) {
        self.r = r
        self.g = g
        self.b = b
        self.a = a
    }

    /// Opaque black, the default foreground.
    public static let black = RGBAColor(r: 0, g: 0, b: 0)
    /// Opaque white, the default background.
    public static let white = RGBAColor(r: 255, g: 255, b: 255)

    /// Parses `RRGGBB`, `RRGGBBAA`, `#RRGGBB` or `#RRGGBBAA` (either case).
    /// Anything else, including spaces, signs or a wrong digit count, throws
    /// ``QRError/invalidColor(_:)`` carrying the string exactly as given.
    public init(hex: String) throws(QRError) {
        var digits = Substring(hex)
        if digits.first == "#" { digits = digits.dropFirst() }
        let nibbles = digits.utf8.compactMap(Self.nibble)
        guard nibbles.count == digits.utf8.count, nibbles.count == 6 || nibbles.count == 8 else {
            throw .invalidColor(hex)
        }
        let values = stride(from: 0, to: nibbles.count, by: 2).map { nibbles[$0] << 4 | nibbles[$0 + 1] }
        self.init(r: values[0], g: values[1], b: values[2], a: values.count == 4 ? values[3] : 255)
    }

    /// The colour as lowercase `rrggbb`, without alpha and without `#`.
    public var hexRGB: String {
        let digits = Array("0123456789abcdef")
        return String([r, g, b].flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] })
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
