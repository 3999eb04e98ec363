import CPNG

/// Draws a ``QRCode`` as PNG bytes through libpng's simplified write API.
///
/// Promises: the image is square, `(code.size + 2 * style.margin) * style.moduleSize` pixels
/// per side; it is a 1-bit palette image of the two style colours (PNG colour type 3), with a
/// `tRNS` chunk only when a colour is not opaque, which is the smallest format that renders any
/// pair of colours exactly (`qrencode` writes the same kind); the same code and style always give
/// the same bytes (libpng writes no timestamp). The simplified API reports errors in the
/// `png_image` instead of longjmp-ing, which is why it is used: Swift cannot survive a longjmp
/// through its frames. With a colour map of at most two entries it packs the pixels to one bit.
public enum PNGRenderer {
    /// Largest image, in pixels, the renderer agrees to build in memory (8192 × 8192). Larger
    /// requests come only from extreme module sizes or margins and would need gigabytes.
    public static let maxPixels = 8192 * 8192

    /// Palette index of light modules and the margin; dark modules are index 1.
    private static let lightIndex: UInt8 = 0
    private static let darkIndex: UInt8 = 1

    public static func render(_ code: QRCode, style: QRStyle) throws(QRError) -> [UInt8] {
        let side = style.modulesPerSide(for: code) * style.moduleSize
        guard side * side <= maxPixels else {
            throw .pngFailed(
                "the image would be \(side)x\(side) pixels; use a smaller module size or margin")
        }

        let indices = raster(code, style: style, side: side)
        let palette = bytes(of: style.background) + bytes(of: style.foreground)

        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        image.width = png_uint_32(side)
        image.height = png_uint_32(side)
        // PNG_FORMAT_RGBA_COLORMAP is a compound macro Swift cannot import: COLOR | ALPHA | COLORMAP.
        image.format = png_uint_32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA | PNG_FORMAT_FLAG_COLORMAP)
        image.colormap_entries = 2
        defer { png_image_free(&image) }

        let result = indices.withUnsafeBytes { raw in
            palette.withUnsafeBytes { map in
                write(&image, pixels: raw.baseAddress, stride: png_int_32(side), colormap: map.baseAddress,
                      estimate: estimatedSize(side: side))
            }
        }
        return try result.get()
    }

    /// An upper bound for most images: the packed rows stored uncompressed, plus the chunks
    /// around them. Compressed QR rows are far smaller, so one write almost always suffices.
    private static func estimatedSize(side: Int) -> Int {
        (side / 8 + 2) * side + 1024
    }

    /// Writes into a buffer of `estimate` bytes; if libpng reports it too small, into one of
    /// exactly the size it asks for.
    private static func write(
        _ image: inout png_image, pixels: UnsafeRawPointer?, stride: png_int_32,
        colormap: UnsafeRawPointer?, estimate: Int
    ) -> Result<[UInt8], QRError> {
        var capacity = estimate
        for _ in 0..<2 {
            var written = png_alloc_size_t(capacity)
            var ok: Int32 = 0
            let output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
                ok = png_image_write_to_memory(&image, buffer.baseAddress, &written, 0, pixels, stride, colormap)
                count = ok != 0 ? Int(written) : 0
            }
            if ok != 0 { return .success(output) }
            // Too small: libpng says how much it needs and leaves no error in the image.
            guard Int(written) > capacity, (image.warning_or_error & 3) < png_uint_32(PNG_IMAGE_ERROR) else { break }
            capacity = Int(written)
        }
        return .failure(.pngFailed(message(of: image)))
    }

    /// One palette index per pixel, row-major: one module row is built once and repeated
    /// `moduleSize` times. libpng packs the indices to one bit per pixel.
    private static func raster(_ code: QRCode, style: QRStyle, side: Int) -> [UInt8] {
        let modules = style.modulesPerSide(for: code)
        var pixels = [UInt8]()
        pixels.reserveCapacity(side * side)
        var row = [UInt8](repeating: lightIndex, count: side)
        for my in 0..<modules {
            for mx in 0..<modules {
                let index = code.isDark(x: mx - style.margin, y: my - style.margin) ? darkIndex : lightIndex
                let start = mx * style.moduleSize
                for x in start..<start + style.moduleSize { row[x] = index }
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
