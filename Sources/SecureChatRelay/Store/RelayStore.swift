import SecureChatGroup
import SecureChatWire

/// What the relay keeps between restarts: rooms, members, removed members, the history of
/// messages and group-state commits, and the relay's id. Only public keys, ciphertexts and
/// metadata ever reach it. Two implementations keep the same promises, checked by one contract
/// suite run against both: `SQLiteStore` (one file, the default) and `PostgresStore` (a
/// PostgreSQL database, `serve --db postgres://…`; docs/operating.md).
///
/// Errors: the methods that answer a client directly throw `ErrorFrame` (a refusal or
/// `internal_error`); the others throw the database's own error, which callers log
/// (`Relay.failure`) and answer with `internal_error`.
protocol RelayStore: Sendable {
    /// This relay's stable id (the `relay` of `hello`), made on first start and kept.
    func relayID() async throws -> String

    // MARK: Rooms

    /// Registers a room with its creator as owner and first member, and its `create` commit
    /// (`genesis`, whose state is `state`) as the chain's first entry at seq 0. Refuses with
    /// `room_exists`, or `too_many_rooms` when `address` already has `roomsPerAddress` live rooms.
    func createRoom(_ room: RoomRecord, owner: MemberRecord, genesis: GroupCommit, state: GroupState, address: String,
                    roomsPerAddress: Int, now: Int64) async throws(ErrorFrame) -> RoomRecord
    /// The room, with `lastSeq` the highest sequence number in its history (0 when empty).
    func room(_ id: String) async throws -> RoomRecord?
    /// Live approval rooms (for join codes).
    func approvalRooms(now: Int64) async throws -> [String]
    /// Rooms whose `expiresAt` is at or before `now` (seconds).
    func expiredRooms(now: Int64) async throws -> [String]
    /// Forgets a room: its members, removals and history go with it.
    func deleteRoom(_ id: String) async throws

    // MARK: Members

    func member(_ room: String, _ key: [UInt8]) async throws -> MemberRecord?
    /// In the order they joined; at the same second the owner first, then by name (bytewise).
    func members(_ room: String) async throws -> [MemberRecord]
    /// Adds a member unless the room is full (`room_full`) or gone (`room_not_found`); true if it was new.
    func addMember(_ room: String, _ member: MemberRecord, now: Int64) async throws(ErrorFrame) -> Bool
    /// Ends a membership; true if there was one. With `remember` (a removal by the owner), the
    /// key is also recorded as removed, in the same transaction, so that its later joins and
    /// knocks are answered `removed`.
    func removeMember(_ room: String, _ key: [UInt8], remember: Bool) async throws -> Bool
    /// Whether the owner removed `key` from `room`.
    func wasRemoved(_ room: String, _ key: [UInt8]) async throws -> Bool
    /// Stores a member's signed name if its version is above the one kept (the check and the
    /// write in one statement, so concurrent statements cannot go back in time).
    func setName(_ room: String, _ key: [UInt8], name: String, version: Int64, signature: [UInt8]) async throws -> NameChange

    // MARK: History

    /// Commits a batch in one transaction, in order. Sequence numbers are per room, without
    /// gaps, also when several committers (several relays on one database) write to one room.
    /// A message that would take its room's history over `quota` is refused (`history_full`);
    /// a resend of a stored client id answers its original seq (`duplicate`). Blocks the calling
    /// thread until the transaction has ended: the commit loop has a thread of its own.
    func commit(_ batch: [CommitRequest], quota: HistoryQuota) throws -> [CommitResult]
    /// The room's chain, oldest first, up to `through` (inclusive).
    func commits(_ room: String, through: Int64) async throws -> [StoredCommit]
    /// Messages with `after < seq <= through`, oldest first, at most `limit` (the chain comes from `commits`).
    func history(_ room: String, after: Int64, through: Int64, limit: Int) async throws -> [HistoryMessage]
    /// The last `seq` of a log export after `after`: at most `rows` messages whose ciphertexts
    /// add up to at most `bytes` (but at least one message, so that every export makes
    /// progress); nil when there is none. Reads sizes only, not ciphertexts.
    func exportEnd(_ room: String, after: Int64, rows: Int, bytes: Int) async throws -> Int64?

    // MARK: Upkeep

    /// Housekeeping that must stay out of commits (SQLite: copying the WAL into the database);
    /// nothing where the database does its own.
    func checkpoint() async throws
    /// Closes the store once nothing uses it any more. Its result is an error that lost nothing
    /// and is only worth a log line (SQLite: a final checkpoint that did not fit on the disk);
    /// an error closing the database is thrown.
    func close() async throws -> (any Error)?
}

extension RelayStore {
    /// Messages of the history (never commits), oldest first: `after < seq <= through`, at most `limit`.
    func messages(_ room: String, after: Int64, through: Int64 = .max, limit: Int) async throws -> [HistoryMessage] {
        try await history(room, after: after, through: through, limit: limit)
    }

    func removeMember(_ room: String, _ key: [UInt8]) async throws -> Bool {
        try await removeMember(room, key, remember: false)
    }

    func commit(_ batch: [CommitRequest]) throws -> [CommitResult] { try commit(batch, quota: .unlimited) }
}

/// What a `set_name` did: stored, or refused because the member is not in the room or
/// already has a statement with this version or a later one.
enum NameChange: Sendable, Equatable { case stored, notMember, stale }

/// A room as the relay stores it.
struct RoomRecord: Sendable, Equatable {
    var id: String
    var policy: RoomPolicy
    var name: String?
    var owner: [UInt8]
    var accessKey: [UInt8]?
    var createdAt: Int64
    var expiresAt: Int64
    var maxMembers: Int
    var lastSeq: Int64
}

struct MemberRecord: Sendable, Equatable {
    var signingKey: [UInt8]
    var agreementKey: [UInt8]
    var name: String
    var role: MemberRole
    /// The member's signed statement of `name` (`set_name`): its version (0: none yet) and signature.
    var nameVersion: Int64 = 0
    var nameSignature: [UInt8]? = nil
}

/// One message of a room's history.
struct HistoryMessage: Sendable, Equatable {
    var seq: Int64
    var sender: [UInt8]
    var clientID: String
    var ciphertext: String
    var time: Int64
}

/// One commit of a room's group-state chain, as stored.
struct StoredCommit: Sendable, Equatable {
    var seq: Int64
    var body: [UInt8]
    var time: Int64
}

/// What a group-state commit does at the relay besides extending the chain.
enum CommitEffect: Sendable, Equatable {
    /// `add`: the knocker (this record) becomes a member; its knock is answered.
    case admit(MemberRecord, knockID: String)
    /// `join`, `rotate`: nothing more.
    case none
    /// `leave`, `remove`: the member is out (and, for `remove`, barred from coming back).
    case expel([UInt8])
}

/// Something the committer writes in order, with a sequence number.
enum CommitRequest: Sendable {
    case send(room: String, sender: [UInt8], clientID: String, ciphertext: String, time: Int64)
    case group(room: String, commit: GroupCommit, effect: CommitEffect, time: Int64)

    var room: String {
        switch self {
        case .send(let room, _, _, _, _), .group(let room, _, _, _): room
        }
    }
}

enum CommitResult: Sendable, Equatable {
    case committed(seq: Int64)
    /// The same sender already sent this client id: its original sequence number.
    case duplicate(seq: Int64)
    case failed(ErrorFrame)
}

/// How much history one room may keep: messages and ciphertext bytes (rotations are not counted:
/// a full room must still be able to change its key).
struct HistoryQuota: Sendable, Equatable {
    var messages: Int64
    var bytes: Int64

    static let unlimited = HistoryQuota(messages: .max, bytes: .max)

    /// The error for a message of `adding` bytes in a room that holds `messages` and `bytes`, or
    /// nil if it fits.
    func refusal(messages held: Int64, bytes heldBytes: Int64, adding: Int64, room: String, clientID: String) -> ErrorFrame? {
        if held >= messages {
            return ErrorFrame(.historyFull, "the room's history holds its maximum of \(messages) messages", limit: .historyMessages,
                              roomID: room, clientID: clientID)
        }
        if heldBytes > bytes - adding {
            return ErrorFrame(.historyFull, "the room's history holds its maximum of \(bytes) bytes", limit: .historyBytes,
                              roomID: room, clientID: clientID)
        }
        return nil
    }
}

extension StoredCommit {
    /// The group state a stored chain gives (each commit was checked as it was stored).
    static func state(of chain: [StoredCommit]) throws -> GroupState? {
        var state: GroupState?
        for stored in chain {
            let c = try GroupCommit(parsing: stored.body)
            state = try state.map { try $0.applying(c) } ?? GroupState(genesis: c, pinnedOwner: nil)
        }
        return state
    }
}

/// The end of one log export page (`RelayStore.exportEnd`), fed the messages after the cursor in
/// seq order with their ciphertext sizes: at most `bytes` in all, but always the first message.
struct ExportWindow {
    let bytes: Int
    private(set) var last: Int64?
    private var total = 0

    init(bytes: Int) { self.bytes = bytes }

    /// Takes the message if it fits; false once the page is full (feed no more).
    mutating func take(seq: Int64, size: Int) -> Bool {
        if last != nil, total > bytes - size { return false }
        total += size
        last = seq
        return true
    }
}
