/// A chat room as its members keep it: identity, policy, lifetime and the room keys.
///
/// Keys are newest first (after a rotation the new key is inserted at the front): the first
/// encrypts, every one is tried on decrypt, as MultiFernet does. An open room always has a key;
/// an approval room may have none yet, for a joiner who has knocked but not been let in.
public struct Room: Sendable, Equatable {
    public enum Policy: String, Sendable, CaseIterable {
        /// The invite link carries the key: whoever holds the link can join.
        case open
        /// The invite link carries no key: joiners knock and a member lets them in.
        case approval
    }

    public static let defaultLifetime: UInt64 = 24 * 3600
    public static let maxLifetime: UInt64 = 3650 * 86400
    public static let defaultMemberLimit = 50
    public static let memberLimitRange = 2...100_000
    public static let maxNameBytes = 100

    public var id: RoomID
    public var name: String
    public var policy: Policy
    /// Unix seconds.
    public var created: UInt64
    /// Unix seconds; the relay deletes the room and its history then.
    public var expires: UInt64
    public var memberLimit: Int
    public var server: ServerAddress
    public var keys: [FernetKey]
    /// The owner's Ed25519 signing key once the room is registered on a relay: the key its
    /// invite pins as the only one allowed to found the room's group state.
    public var owner: [UInt8]?

    public init(id: RoomID, name: String, policy: Policy, created: UInt64, expires: UInt64,
                memberLimit: Int, server: ServerAddress, keys: [FernetKey], owner: [UInt8]? = nil) {
        self.id = id
        self.name = name
        self.policy = policy
        self.created = created
        self.expires = expires
        self.memberLimit = memberLimit
        self.server = server
        self.keys = keys
        self.owner = owner
    }

    /// A new room with a random id and a fresh key. Callers check the inputs first
    /// (`nameProblem`, `maxLifetime`, `memberLimitRange`).
    public static func create(name: String, policy: Policy, lifetime: UInt64 = defaultLifetime,
                              memberLimit: Int = defaultMemberLimit, server: ServerAddress = .local, now: UInt64) -> Room {
        let (expires, overflow) = now.addingReportingOverflow(lifetime)
        return Room(id: .random(), name: name, policy: policy, created: now, expires: overflow ? .max : expires,
             memberLimit: memberLimit, server: server, keys: [.generate()])
    }

    /// The room's invite: with the newest key for an open room, without any for an approval room.
    public var invite: InviteLink {
        InviteLink(server: server, roomID: id, key: policy == .open ? keys.first : nil, owner: owner)
    }

    public func isExpired(now: UInt64) -> Bool { now >= expires }

    /// Why `name` cannot name a room, or nil. Names are shown on terminals, so control
    /// characters (which could rewrite the screen) are refused along with empty and long names.
    public static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "the name is empty" }
        if name.utf8.count > maxNameBytes { return "the name is longer than \(maxNameBytes) bytes" }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7f...0x9f).contains($0.value) }) {
            return "the name contains a control character"
        }
        return nil
    }
}
