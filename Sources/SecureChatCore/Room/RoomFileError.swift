/// Why a room file was refused. Messages are lowercase, never include a key, and name the
/// field at fault; the caller adds which file it was.
public enum RoomFileError: Error, Equatable, Sendable {
    /// The bytes are not a JSON object.
    case notJSON
    /// No `"format": "securechat-room/1"` marker (nil), or another value (carried).
    case wrongFormat(String?)
    /// A required field is absent.
    case missingField(String)
    /// A field is present but its value is unusable; carries the field and why.
    case invalidField(String, String)
    /// An open room without any key: its invite could not be made, nor messages read.
    case noKeyForOpenRoom

    public var message: String {
        switch self {
        case .notJSON: "not a room file: it is not a JSON object"
        case .wrongFormat(nil): "not a room file: it has no \"format\": \"\(RoomFile.format)\" marker"
        case .wrongFormat(let f?): "unsupported room file format \"\(f)\"; this securechat reads \"\(RoomFile.format)\""
        case .missingField(let name): "the room file has no \"\(name)\" field"
        case .invalidField(let name, let why): "invalid \"\(name)\" in the room file: \(why)"
        case .noKeyForOpenRoom: "the room file holds no key, but an open room needs one"
        }
    }
}
