/// The room access key pair: an Ed25519 key derived from a room key, whose public half an open
/// room registers with the relay. A joiner signs the relay's challenge with the private half,
/// proving it knows the room key while revealing nothing about it (HKDF is one-way, and the
/// signature is over a fresh challenge). docs/protocol.md, "Rooms".
public enum RoomAccess {
    /// HKDF-SHA256 info prefix; the room id's ASCII bytes follow it directly.
    public static let info = "securechat/v1/room-access-key"

    /// seed = HKDF-SHA256(IKM = the raw 32-byte room (Fernet) key, salt = empty,
    /// info = "securechat/v1/room-access-key" ‖ room id, L = 32); the key pair of that seed.
    public static func signingKey(roomKey: [UInt8], roomID: String) throws(CryptoError) -> Curve25519.Signing.PrivateKey {
        guard roomKey.count == 32 else { throw .invalidParameter("a room key is 32 bytes") }
        var seed = try HKDF.deriveKey(ikm: roomKey, info: Array(info.utf8) + Array(roomID.utf8), length: 32)
        defer { Bytes.wipe(&seed) }
        return try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
    }
}
