import CPNG

/// Draws a ``QRCode`` as PNG bytes through libpng's simplified write API.
///
/// Promises: the image is square, `(code.size + 2 * style.margin) * style.moduleSize` pixels
/// per side; black-on-white styles are written as 8-bit grayscale, anything else as 8-bit RGBA
/// with straight alpha; the same code and style always give the same bytes (libpng writes no
/// timestamp). The simplified API reports errors in the `png_image` instead of longjmp-ing,
/// which is why it is used: Swift cannot survive a longjmp through its frames.
public enum PNGRenderer {
    /// Largest image, in pixels, the renderer agrees to build in memory (8192 × 8192). Larger
    /// requests come only from extreme module sizes or margins and would need gigabytes.
    public static let maxPixels = 8192 * 8192

    public static func render(_ code: QRCode, style: QRStyle) throws(QRError) -> [UInt8] {
        let side = style.modulesPerSide(for: code) * style.moduleSize
        guard side * side <= maxPixels else {
            throw .pngFailed(
                "the image would be \(side)x\(side) pixels; use a smaller module size or margin")
        }

        let gray = style.isBlackOnWhite
        let channels = gray ? 1 : 4
        let pixels = raster(code, style: style, side: side, channels: channels)

        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        image.width = png_uint_32(side)
        image.height = png_uint_32(side)
        // PNG_FORMAT_RGBA is a compound macro Swift cannot import; it is COLOR | ALPHA.
        image.format = gray ? png_uint_32(PNG_FORMAT_GRAY) : png_uint_32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)
        defer { png_image_free(&image) }

        let stride = png_int_32(side * channels)
        let result = pixels.withUnsafeBytes { raw in
            write(&image, pixels: raw.baseAddress, stride: stride)
        }
        return try result.get()
    }

    /// Measures the encoded size, then writes into a buffer of exactly that size.
    private static func write(
        _ image: inout png_image, pixels: UnsafeRawPointer?, stride: png_int_32
    ) -> Result<[UInt8], QRError> {
        var needed: png_alloc_size_t = 0
        guard png_image_write_to_memory(&image, nil, &needed, 0, pixels, stride, nil) != 0, needed > 0 else {
            return .failure(.pngFailed(message(of: image)))
        }
        var output = [UInt8](repeating: 0, count: Int(needed))
        var written = needed
        let ok = output.withUnsafeMutableBytes { out in
            png_image_write_to_memory(&image, out.baseAddress, &written, 0, pixels, stride, nil)
        }
        guard ok != 0 else { return .failure(.pngFailed(message(of: image))) }
        output.removeSubrange(Int(written)...)
        return .success(output)
    }

    /// Builds the pixel rows: one module row is built once and repeated `moduleSize` times.
    private static func raster(_ code: QRCode, style: QRStyle, side: Int, channels: Int) -> [UInt8] {
        let dark = channels == 1 ? [UInt8(0)] : bytes(of: style.foreground)
        let light = channels == 1 ? [UInt8(255)] : bytes(of: style.background)
        let modules = style.modulesPerSide(for: code)

        var pixels = [UInt8]()
        pixels.reserveCapacity(side * side * channels)
        var row = [UInt8]()
        row.reserveCapacity(side * channels)
        for my in 0..<modules {
            row.removeAll(keepingCapacity: true)
            for mx in 0..<modules {
                let isDark = code.isDark(x: mx - style.margin, y: my - style.margin)
                for _ in 0..<style.moduleSize { row.append(contentsOf: isDark ? dark : light) }
            }
            for _ in 0..<style.moduleSize { pixels.append(contentsOf: row) }
        }
        return pixels
    }

    private static func bytes(of color: RGBAColor) -> [UInt8] { [color.r, color.g, color.b, color.a] }

    /// The NUL-terminated message libpng left in the image after a failure.
    private static func message(of image: png_image) -> String {
        let text = withUnsafeBytes(of: image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return text.isEmpty ? "libpng failed without a message" : text
    }
}
