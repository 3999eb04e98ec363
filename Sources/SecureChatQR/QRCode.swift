import CQREncode

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A QR symbol as a square matrix of dark and light modules, independent of how it is drawn.
///
/// The text is encoded as its UTF-8 bytes in 8-bit mode (case is kept, nothing is upper-cased
/// to squeeze into alphanumeric mode), in the smallest version that fits. The same text and
/// level always give the same matrix. Nothing from libqrencode is kept: the matrix is copied
/// out and the C symbol freed before the initialiser returns.
public struct QRCode: Sendable, Equatable {
    /// Modules per side, without any quiet zone: 21 for version 1, up to 177 for version 40.
    public let size: Int
    /// The QR version chosen, 1...40; `size == 17 + 4 * version`.
    public let version: Int
    /// Row-major, `size * size` entries, `true` for dark.
    private let modules: [Bool]

    /// Encodes `text` at error-correction `level`.
    ///
    /// The length is checked here against ``QRErrorCorrection/maxBytes`` so that an over-long
    /// link is reported with its exact size and limit rather than as a generic encoder failure.
    public init(encoding text: String, level: QRErrorCorrection) throws(QRError) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw .emptyInput }
        guard bytes.count <= level.maxBytes else {
            throw .tooLong(bytes: bytes.count, limit: level.maxBytes, level: level)
        }

        errno = 0
        let symbol = bytes.withUnsafeBufferPointer { buffer in
            QRcode_encodeData(Int32(buffer.count), buffer.baseAddress, 0, level.cLevel)
        }
        guard let symbol else { throw .encoderFailed(Self.reason(errno: errno)) }
        defer { QRcode_free(symbol) }

        let width = Int(symbol.pointee.width)
        guard width > 0, let data = symbol.pointee.data else {
            throw .encoderFailed("libqrencode returned an empty symbol")
        }
        // Bit 0 of each byte is the colour; the other bits describe the module's role.
        let cells = UnsafeBufferPointer(start: data, count: width * width)
        self.size = width
        self.version = Int(symbol.pointee.version)
        self.modules = cells.map { $0 & 1 == 1 }
    }

    /// Whether the module at column `x`, row `y` is dark. Coordinates outside the symbol are
    /// light, which is what the quiet zone around a QR code must be; renderers rely on this to
    /// draw margins without special cases.
    public func isDark(x: Int, y: Int) -> Bool {
        guard (0..<size).contains(x), (0..<size).contains(y) else { return false }
        return modules[y * size + x]
    }

    private static func reason(errno code: Int32) -> String {
        switch code {
        case ERANGE: "the input is too large for a QR code"
        case ENOMEM: "out of memory"
        case EINVAL: "libqrencode rejected the input as invalid"
        default: "libqrencode failed (errno \(code))"
        }
    }
}
