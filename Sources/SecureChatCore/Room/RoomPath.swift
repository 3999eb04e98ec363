import SecureChatWire

/// The one place a room id becomes part of a file name (room files, client state). A room id
/// can come from the relay (a knock by join code learns it from `knocked`), so it is checked
/// here against the protocol's rule, `Validation.isRoomID`, whatever was checked before:
/// `../x`, `a/b`, an empty or overlong id never reaches a path.
public enum RoomPath {
    /// `directory/ROOM_ID` followed by `suffix` (such as `.json`). Throws `.invalidRoomID` for
    /// anything but 1–64 characters of `A–Z a–z 0–9 - _`, and `.invalidSuffix` for a suffix
    /// with `/` or NUL in it.
    public static func file(in directory: String, roomID: String, suffix: String) throws(RoomPathError) -> String {
        guard Validation.isRoomID(roomID) else { throw .invalidRoomID(roomID) }
        guard !suffix.utf8.contains(where: { $0 == UInt8(ascii: "/") || $0 == 0 }) else { throw .invalidSuffix(suffix) }
        return directory + "/" + roomID + suffix
    }
}

public enum RoomPathError: Error, Equatable, Sendable {
    /// Not a room id: carries what was given.
    case invalidRoomID(String)
    case invalidSuffix(String)

    /// For people; the id is shown escaped, since it may come from the relay.
    public var message: String {
        switch self {
        case .invalidRoomID(let id): "not a room id: \(String(reflecting: id)) (a room id is 1 to 64 characters of A-Z a-z 0-9 - _)"
        case .invalidSuffix(let s): "not a file name suffix: \(String(reflecting: s))"
        }
    }
}
