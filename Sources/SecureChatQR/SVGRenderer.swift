/// Draws a ``QRCode`` as a small, self-contained SVG document.
///
/// The document has one background `<rect>` and one `<path>` holding every dark module, with
/// horizontally adjacent dark modules merged into a single rectangle, so a typical invite
/// stays a few kilobytes. Coordinates are whole modules: the `viewBox` is the symbol plus its
/// margin in modules, and `width`/`height` are that count times `style.moduleSize`, so
/// rasterisers scale each module to exactly `moduleSize` pixels. Colours are written as
/// `#rrggbb`, with `fill-opacity` only when alpha is below 255. The output ends in a newline
/// and is identical for identical inputs.
public enum SVGRenderer {
    public static func render(_ code: QRCode, style: QRStyle) -> String {
        let modules = style.modulesPerSide(for: code)
        let pixels = modules * style.moduleSize

        var svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\""
        svg += " width=\"\(pixels)\" height=\"\(pixels)\" viewBox=\"0 0 \(modules) \(modules)\""
        svg += " shape-rendering=\"crispEdges\">\n"
        svg += "<rect width=\"\(modules)\" height=\"\(modules)\"\(fill(style.background))/>\n"
        svg += "<path\(fill(style.foreground)) d=\"\(darkRuns(code, margin: style.margin))\"/>\n"
        svg += "</svg>\n"
        return svg
    }

    /// Path data with one closed rectangle per horizontal run of dark modules.
    private static func darkRuns(_ code: QRCode, margin: Int) -> String {
        var d = ""
        for y in 0..<code.size {
            var x = 0
            while x < code.size {
                guard code.isDark(x: x, y: y) else { x += 1; continue }
                let start = x
                while x < code.size, code.isDark(x: x, y: y) { x += 1 }
                let length = x - start
                d += "M\(start + margin) \(y + margin)h\(length)v1h-\(length)z"
            }
        }
        return d
    }

    private static func fill(_ color: RGBAColor) -> String {
        var attributes = " fill=\"#\(color.hexRGB)\""
        if color.a < 255 {
            attributes += " fill-opacity=\"\(opacity(color.a))\""
        }
        return attributes
    }

    /// Alpha as a decimal fraction with up to three places and no trailing zeros,
    /// computed with integers so the text never depends on floating-point formatting.
    private static func opacity(_ alpha: UInt8) -> String {
        let thousandths = (Int(alpha) * 1000 + 127) / 255
        if thousandths == 0 { return "0" }
        var fraction = String(thousandths)
        fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "0." + fraction
    }
}
