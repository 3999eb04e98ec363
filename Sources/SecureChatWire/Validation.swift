/// The shapes of the protocol's identifiers and texts (docs/protocol.md, "Identifiers"). The relay
/// checks every frame against these; clients can check before sending.
public enum Validation {
    public static let maxRoomID = 64
    public static let maxClientID = 64
    public static let maxName = 64
    public static let maxNote = 280
    /// The largest name statement version (2^53-1: exact as a JSON number in every language).
    public static let maxNameVersion: UInt64 = (1 << 53) - 1

    /// 1–64 characters of `A–Z a–z 0–9 - _`: the one definition of a room id, for the relay,
    /// the envelope (docs/formats.md) and every file name made from a room id. Such an id is
    /// one path component by construction (no `/`, no `.`, never empty).
    public static func isRoomID(_ s: String) -> Bool { isRoomID(utf8: s.utf8) }

    /// `isRoomID` on the id's bytes (as an envelope carries them).
    public static func isRoomID<C: Collection<UInt8>>(utf8 u: C) -> Bool {
        !u.isEmpty && u.count <= maxRoomID && u.allSatisfy(isBase64URLCharacter)
    }

    /// A relay id (`hello.relay`): 1–64 characters of `A–Z a–z 0–9 - _`, like a room id.
    public static func isRelayID(_ s: String) -> Bool { isRoomID(s) }

    /// 1–64 printable ASCII characters, no space.
    public static func isClientID(_ s: String) -> Bool {
        let u = s.utf8
        return !u.isEmpty && u.count <= maxClientID && u.allSatisfy { $0 > 0x20 && $0 < 0x7f }
    }

    /// 1–64 Unicode scalars without control characters.
    public static func isDisplayName(_ s: String) -> Bool { isText(s, max: maxName) && !s.isEmpty }

    /// Up to 280 Unicode scalars without control characters.
    public static func isNote(_ s: String) -> Bool { isText(s, max: maxNote) }

    /// A Fernet token's text form: base64url with `=` padding, at least 100 characters (a token
    /// has at least 73 bytes). The relay never looks further: it cannot decrypt.
    public static func isCiphertext(_ s: String) -> Bool {
        let u = s.utf8
        return u.count >= 100 && u.allSatisfy { isBase64URLCharacter($0) || $0 == UInt8(ascii: "=") }
    }

    /// Exactly six decimal digits.
    public static func isJoinCode(_ s: String) -> Bool {
        let u = s.utf8
        return u.count == 6 && u.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    static func isText(_ s: String, max: Int) -> Bool {
        var n = 0
        for scalar in s.unicodeScalars {
            n += 1
            if n > max || scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
                && scalar.value != 0x200d { return false }
        }
        return true
    }

    static func isBase64URLCharacter(_ c: UInt8) -> Bool {
        switch c {
        case 0x30...0x39, 0x41...0x5a, 0x61...0x7a, UInt8(ascii: "-"), UInt8(ascii: "_"): true
        default: false
        }
    }
}
