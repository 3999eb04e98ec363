import SecureChatCrypto

/// A room key sealed to one member's X25519 key, as an approving member hands it to a joiner and
/// a rotating member to each remaining member (docs/protocol.md, "Approval rooms: knocking"):
/// HPKE base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, empty AAD, and
///
///     info = "securechat/v1/room-key" ‖ 0x00 ‖ room id
///
/// so a key sealed for one room does not open as another's. The plaintext is the raw 32-byte
/// Fernet key. The relay forwards `enc` and `ct` and cannot open them.
public enum RoomKeySeal {
    public static let label = "securechat/v1/room-key"

    public static func info(roomID: String) -> [UInt8] { Array(label.utf8) + [0] + Array(roomID.utf8) }

    /// `(enc, ct)` for `recipient`.
    public static func seal(_ key: FernetKey, to recipient: Curve25519.KeyAgreement.PublicKey,
                            roomID: String) throws(CryptoError) -> (enc: [UInt8], ct: [UInt8]) {
        let sealed = try HPKE.seal(key.rawRepresentation, to: recipient, info: info(roomID: roomID))
        return (sealed.encapsulatedKey, sealed.ciphertext)
    }

    /// The room key in `(enc, ct)`, or `nil` when it was not sealed to `identity` for this room
    /// (or was altered): HPKE does not say which.
    public static func open(enc: [UInt8], ct: [UInt8], identity: Identity, roomID: String) -> FernetKey? {
        guard let raw = try? HPKE.open(ct, encapsulatedKey: enc, privateKey: identity.agreementKey, info: info(roomID: roomID)) else {
            return nil
        }
        return try? FernetKey(rawRepresentation: raw)
    }
}
