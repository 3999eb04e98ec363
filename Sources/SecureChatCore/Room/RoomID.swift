import SecureChatCrypto

/// A room's identifier: 16 bytes (128 bits) from the CSPRNG, written as 22 characters of
/// unpadded base64url. Only the canonical text is accepted, so one id has one spelling and
/// can safely name a file.
public struct RoomID: Sendable, Hashable, CustomStringConvertible {
    public static let byteCount = 16
    public static let textLength = 22

    public let text: String
    public var description: String { text }

    /// Parses the text form; nil unless it is exactly 22 canonical base64url characters.
    public init?(_ text: String) {
        guard text.utf8.count == Self.textLength,
              let raw = Base64.decode(Array(text.utf8), alphabet: .url, padded: false),
              raw.count == Self.byteCount else { return nil }
        self.text = text
    }

    /// A fresh random id, never starting with `-`: a command line would read such an id
    /// (`room show -Ab…`) as options. Drawing again costs under 0.03 bits of the 128.
    public static func random() -> RoomID {
        while true {
            let text = Base64.encode(SecureRandom.bytes(byteCount), alphabet: .url, padded: false)
            if !text.hasPrefix("-") { return RoomID(text)! }
        }
    }
}
