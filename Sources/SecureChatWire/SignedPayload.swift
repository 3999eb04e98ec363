/// The exact bytes each protocol signature covers, and the HPKE info for sealed room keys.
/// Both the relay (to verify) and clients (to sign) build them here, so they cannot drift apart.
/// Room ids are restricted to base64url characters, so the 0x00 after a room id is unambiguous.
public enum SignedPayload {
    static func labeled(_ label: String) -> [UInt8] { Array(label.utf8) + [0] }

    /// `"securechat/v2/relay-auth" ‖ 0x00 ‖ challenge ‖ relay id ‖ 0x00 ‖ origin`: the answer to
    /// `hello`. `relayID` is `hello.relay` (base64url characters, so the 0x00 after it is
    /// unambiguous); `origin` is the relay the client meant to reach, as `RelayOrigin.canonical`
    /// writes it. A relay accepts it only for its own id and origin, so a relay the client
    /// connected to cannot pass it on to another.
    public static func auth(challenge: [UInt8], relayID: String, origin: String) -> [UInt8] {
        labeled(RelayProtocol.Label.relayAuth) + challenge + Array(relayID.utf8) + [0] + Array(origin.utf8)
    }

    /// `"securechat/v1/room-join" ‖ 0x00 ‖ challenge ‖ signing key`: signed by the room access key.
    public static func join(challenge: [UInt8], signingKey: [UInt8]) -> [UInt8] {
        labeled(RelayProtocol.Label.roomJoin) + challenge + signingKey
    }

    /// `"securechat/v1/create-room" ‖ 0x00 ‖ room id ‖ 0x00 ‖ policy ‖ 0x00 ‖ ttl (u64 BE)
    /// ‖ max members (u32 BE) ‖ access key (32 bytes or nothing)`.
    public static func createRoom(roomID: String, policy: RoomPolicy, ttlSeconds: UInt64, maxMembers: UInt32,
                                  accessKey: [UInt8]?) -> [UInt8] {
        labeled(RelayProtocol.Label.createRoom) + Array(roomID.utf8) + [0] + Array(policy.rawValue.utf8) + [0]
            + bigEndian(ttlSeconds, bytes: 8) + bigEndian(UInt64(maxMembers), bytes: 4) + (accessKey ?? [])
    }

    /// `"securechat/v2/member-name" ‖ 0x00 ‖ room id ‖ 0x00 ‖ version (u64 BE) ‖ name (UTF-8)`:
    /// a member's own statement of the name it goes by in a room. `version` (milliseconds since
    /// 1970 when it was signed, and above every earlier statement of the member in the room) lets
    /// clients keep the newest, so a relay cannot bring back an old name.
    public static func memberName(roomID: String, version: UInt64, name: String) -> [UInt8] {
        labeled(RelayProtocol.Label.memberName) + Array(roomID.utf8) + [0] + bigEndian(version, bytes: 8) + Array(name.utf8)
    }

    /// `"securechat/v2/agreement-key" ‖ 0x00 ‖ agreement key`: a member's own signature on its
    /// X25519 key, so that no one else can pass off another agreement key as its.
    public static func agreementKey(_ key: [UInt8]) -> [UInt8] {
        labeled(RelayProtocol.Label.agreementKey) + key
    }

    /// `"securechat/v2/log-export" ‖ 0x00 ‖ room id ‖ 0x00 ‖ decimal after ‖ 0x00 ‖ decimal time
    /// ‖ 0x00 ‖ nonce`, where `nonce` is the `X-Securechat-Nonce` header as sent (base64url of 16
    /// to 64 random bytes). The relay serves each nonce once, so the request cannot be replayed.
    public static func logExport(roomID: String, after: Int64, time: Int64, nonce: String) -> [UInt8] {
        labeled(RelayProtocol.Label.logExport) + Array(roomID.utf8) + [0] + Array(String(after).utf8) + [0]
            + Array(String(time).utf8) + [0] + Array(nonce.utf8)
    }

    /// HPKE `info` for the room key sealed to a joiner or, in a rotation, to a member:
    /// `"securechat/v1/room-key" ‖ 0x00 ‖ room id`.
    public static func roomKeyInfo(roomID: String) -> [UInt8] {
        labeled(RelayProtocol.Label.roomKey) + Array(roomID.utf8)
    }

    /// HKDF `info` for the room access key: `"securechat/v1/room-access-key" ‖ room id`.
    public static func roomAccessKeyInfo(roomID: String) -> [UInt8] {
        Array(RelayProtocol.Label.roomAccessKey.utf8) + Array(roomID.utf8)
    }

    /// The low `bytes` bytes of `value`, most significant first (the integers of every signed layout).
    public static func bigEndian(_ value: UInt64, bytes: Int) -> [UInt8] {
        (0..<bytes).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }
}
