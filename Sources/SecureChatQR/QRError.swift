/// Everything that can go wrong while turning a link into a picture.
///
/// Callers branch on the case; ``description`` is a lowercase sentence meant to be shown to a
/// user as is, saying what was wrong and what range or form would have worked.
public enum QRError: Error, Equatable, Sendable {
    /// There is nothing to encode.
    case emptyInput
    /// The UTF-8 encoding of the input is longer than a version-40 symbol holds at `level`.
    case tooLong(bytes: Int, limit: Int, level: QRErrorCorrection)
    /// A colour string that is not `RRGGBB` or `RRGGBBAA` hexadecimal; carries the input.
    case invalidColor(String)
    /// A module size outside ``QRStyle/moduleSizeRange``.
    case invalidModuleSize(Int)
    /// A margin outside ``QRStyle/marginRange``.
    case invalidMargin(Int)
    /// libqrencode refused the input for a reason the checks above did not foresee.
    case encoderFailed(String)
    /// libpng could not write the image, or the image would be unreasonably large.
    case pngFailed(String)
}

extension QRError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .emptyInput:
            "nothing to encode; the link is empty"
        case let .tooLong(bytes, limit, level):
            "link is \(bytes) bytes; a QR code at level \(level.rawValue) holds at most \(limit)"
        case let .invalidColor(text):
            "invalid color \"\(text)\"; expected RRGGBB or RRGGBBAA in hexadecimal, like 1a2b3c or 1a2b3c80"
        case let .invalidModuleSize(size):
            "module size \(size) is out of range; use \(QRStyle.moduleSizeRange.lowerBound) to \(QRStyle.moduleSizeRange.upperBound) pixels per module"
        case let .invalidMargin(margin):
            "margin \(margin) is out of range; use \(QRStyle.marginRange.lowerBound) to \(QRStyle.marginRange.upperBound) modules"
        case let .encoderFailed(reason):
            "could not encode the QR code: \(reason)"
        case let .pngFailed(reason):
            "could not write the PNG image: \(reason)"
        }
    }
}
