/// Constants of relay protocol version 2 (docs/protocol.md).
public enum RelayProtocol {
    /// The version this module speaks; the relay's `hello` names it. Version 2 binds the
    /// relay-auth signature to the relay and origin, and adds a nonce to the log export.
    public static let version = 2
    /// The WebSocket endpoint.
    public static let webSocketPath = "/v2/ws"
    /// Bytes of a `hello` challenge.
    public static let challengeBytes = 32

    /// Domain-separation labels of everything the protocol signs or derives. Each payload is
    /// `label ‖ 0x00 ‖ …` (see `SignedPayload`), so no signature made for one purpose verifies
    /// for another.
    public enum Label {
        public static let relayAuth = "securechat/v2/relay-auth"
        public static let roomJoin = "securechat/v1/room-join"
        public static let createRoom = "securechat/v1/create-room"
        public static let agreementKey = "securechat/v2/agreement-key"
        public static let logExport = "securechat/v2/log-export"
        public static let memberName = "securechat/v2/member-name"
        /// HPKE `info` prefix for a room key sealed to one member.
        public static let roomKey = "securechat/v1/room-key"
        /// HKDF `info` prefix of the room access key (followed by the room id, no separator).
        public static let roomAccessKey = "securechat/v1/room-access-key"
    }
}

/// Who may join a room.
public enum RoomPolicy: String, Codable, Sendable, CaseIterable {
    /// Anyone who proves knowledge of the room key (through the room access key).
    case open
    /// Joiners knock and an existing member approves, handing over the room key with HPKE.
    case approval
}

/// A member's standing in a room.
public enum MemberRole: String, Codable, Sendable {
    case owner
    case member
}
