import SecureChatQR

/// Invite links of the lengths the command line will meet, plus helpers to build exact sizes.
enum Fixtures {
    static let base = "http://127.0.0.1:5000/join/"

    /// 40 bytes.
    static let shortLink = base + "Ab3dEf9hIjKlM"
    /// The usual invite: a 43-character room id and a 44-character key, 121 bytes.
    static let typicalLink = base + "HxxbL613hDQCTxU3mGNGknkX9HVabn0_2R8iZTt8MTI"
        + "#v=1&k=LHDhK3oGRvkiefQnx7OOczTY5Tic_xZ6HcMOc_gmtoM="
    /// 600 bytes.
    static let longLink = link(bytes: 600)
    /// Exactly the most level H can hold, 1273 bytes.
    static let nearLimitLink = link(bytes: QRErrorCorrection.high.maxBytes)

    static let roundTripLinks = [shortLink, typicalLink, longLink, nearLimitLink]

    /// A link-shaped ASCII string of exactly `bytes` bytes, with varied characters so the
    /// symbol is not one long repeated pattern.
    static func link(bytes: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var text = base + "#v=1&k="
        var state: UInt32 = 12345
        while text.utf8.count < bytes {
            state = state &* 1_103_515_245 &+ 12345
            text.append(alphabet[Int(state >> 16) % alphabet.count])
        }
        return String(text.prefix(bytes))
    }
}
