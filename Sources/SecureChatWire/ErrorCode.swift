/// Stable error codes of `error` frames (docs/protocol.md, "Errors"). Programs branch on these;
/// the accompanying message is for people.
public enum ErrorCode: String, Codable, Sendable, CaseIterable {
    case malformedFrame = "malformed_frame"
    case unknownType = "unknown_type"
    case unsupportedVersion = "unsupported_version"
    case notAuthenticated = "not_authenticated"
    case alreadyAuthenticated = "already_authenticated"
    case authTimeout = "auth_timeout"
    case badSignature = "bad_signature"
    case badProof = "bad_proof"
    /// A group-state commit that does not extend the relay's chain or breaks its rules.
    case badCommit = "bad_commit"
    case roomExists = "room_exists"
    case roomNotFound = "room_not_found"
    case roomExpired = "room_expired"
    case roomFull = "room_full"
    case notMember = "not_member"
    case notOwner = "not_owner"
    case alreadyMember = "already_member"
    case alreadyJoined = "already_joined"
    case wrongPolicy = "wrong_policy"
    case knockNotFound = "knock_not_found"
    case knockTimeout = "knock_timeout"
    case badCode = "bad_code"
    case rateLimited = "rate_limited"
    case frameTooLarge = "frame_too_large"
    case tooManyRooms = "too_many_rooms"
    case tooManyConnections = "too_many_connections"
    case slowReader = "slow_reader"
    case ttlTooLong = "ttl_too_long"
    case internalError = "internal_error"
    /// The owner removed this identity from the room: its `join` and `knock` are refused for the
    /// rest of the room's life.
    case removed = "removed"
    /// The room's history is at its quota (`limit` says whether messages or bytes); nothing more
    /// can be sent to it until it expires.
    case historyFull = "history_full"
    /// A `set_name` whose version is not above the member's last statement in the room.
    case staleName = "stale_name"
}

/// Names of the relay's limits, as `error.limit` and `hello.limits` report them.
public enum LimitName: String, Codable, Sendable, CaseIterable {
    case frameBytes = "frame_bytes"
    case membersPerRoom = "members_per_room"
    case messagesPerSecond = "messages_per_second"
    case roomsPerAddress = "rooms_per_address"
    case connectionsPerAddress = "connections_per_address"
    case knocksPerMinute = "knocks_per_minute"
    case wrongCodes = "wrong_codes"
    case ttlSeconds = "ttl_seconds"
    case outbox = "outbox"
    case historyMessages = "history_messages"
    case historyBytes = "history_bytes"
}
