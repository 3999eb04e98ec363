import CQREncode

/// How much of a QR symbol is spent on Reed–Solomon redundancy.
///
/// Higher levels survive more damage (a smudged screen, a logo pasted on top) but hold fewer
/// bytes, so the same link produces a larger, denser symbol. The raw values are the letters
/// used by the QR specification and by `qrencode -l`.
public enum QRErrorCorrection: String, CaseIterable, Sendable {
    /// Recovers about 7% of the symbol.
    case low = "L"
    /// Recovers about 15% of the symbol.
    case medium = "M"
    /// Recovers about 25% of the symbol.
    case quartile = "Q"
    /// Recovers about 30% of the symbol.
    case high = "H"

    /// The most bytes a symbol at this level can hold in 8-bit (byte) mode, which is the
    /// capacity of version 40, the largest QR code. Anything longer cannot be encoded at all.
    public var maxBytes: Int {
        switch self {
        case .low: 2953
        case .medium: 2331
        case .quartile: 1663
        case .high: 1273
        }
    }

    /// The matching libqrencode constant.
    var cLevel: QRecLevel {
        switch self {
        case .low: QR_ECLEVEL_L
        case .medium: QR_ECLEVEL_M
        case .quartile: QR_ECLEVEL_Q
        case .high: QR_ECLEVEL_H
        }
    }
}
