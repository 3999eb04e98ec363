import NIOConcurrencyHelpers
import Foundation
import GRDB
import SecureChatCrypto
import SecureChatGroup
import SecureChatWire
import Synchronization

/// The relay's SQLite database (GRDB, WAL): rooms, members, history. Only public keys,
/// ciphertexts and metadata ever reach it; `secure_delete` overwrites what expiry deletes.
/// One relay process per file: the commit loop is its only writer of the history.
final class SQLiteStore: RelayStore {
    let pool: DatabasePool
    /// A connection of its own for WAL checkpoints, so that copying the WAL into the database
    /// (and its fsync) never happens inside a commit that members are waiting for.
    private let checkpointer: DatabaseQueue
    /// Each room's group state as its stored chain gives it, for the commit loop (which alone
    /// extends chains) to check new commits against. Filled on first use, dropped with the room.
    let groups = NIOLockedValueBox<[String: GroupState]>([:])

    init(path: String) throws {
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA secure_delete = ON")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
        }
        config.busyMode = .timeout(5)
        pool = try DatabasePool(path: path, configuration: config)
        try Self.migrator.migrate(pool)
        var background = Configuration()
        background.busyMode = .timeout(5)
        checkpointer = try DatabaseQueue(path: path, configuration: background)
    }

    /// Copies committed WAL frames into the database file without blocking writers.
    func checkpoint() async throws {
        try await checkpointer.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
    }

    /// Schema history; each migration is applied once, in order, and never edited afterwards.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                CREATE TABLE rooms (
                    id TEXT PRIMARY KEY NOT NULL,
                    policy TEXT NOT NULL CHECK (policy IN ('open', 'approval')),
                    name TEXT,
                    owner BLOB NOT NULL,
                    access_key BLOB,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    max_members INTEGER NOT NULL,
                    creator_address TEXT NOT NULL
                );
                CREATE INDEX rooms_expiry ON rooms (expires_at);
                CREATE INDEX rooms_creator ON rooms (creator_address);
                CREATE TABLE members (
                    room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
                    signing_key BLOB NOT NULL,
                    agreement_key BLOB NOT NULL,
                    name TEXT NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('owner', 'member')),
                    joined_at INTEGER NOT NULL,
                    PRIMARY KEY (room_id, signing_key)
                ) WITHOUT ROWID;
                CREATE TABLE history (
                    room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
                    seq INTEGER NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('message', 'rotate')),
                    sender BLOB NOT NULL,
                    client_id TEXT,
                    ciphertext TEXT,
                    access_key BLOB,
                    time INTEGER NOT NULL,
                    PRIMARY KEY (room_id, seq)
                ) WITHOUT ROWID;
                CREATE UNIQUE INDEX history_client_id ON history (room_id, sender, client_id) WHERE client_id IS NOT NULL;
                CREATE TABLE sealed_keys (
                    room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
                    seq INTEGER NOT NULL,
                    member BLOB NOT NULL,
                    enc BLOB NOT NULL,
                    ct BLOB NOT NULL,
                    signature BLOB NOT NULL,
                    PRIMARY KEY (room_id, seq, member)
                ) WITHOUT ROWID;
                """)
        }
        // Members the owner removed, refused with `removed` until the room is deleted.
        m.registerMigration("v2-removed-members") { db in
            try db.execute(sql: """
                CREATE TABLE removed_members (
                    room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
                    signing_key BLOB NOT NULL,
                    PRIMARY KEY (room_id, signing_key)
                ) WITHOUT ROWID;
                """)
        }
        // Each room's history size, kept with the room so that the quota costs no scan per commit.
        m.registerMigration("v3-history-quota") { db in
            try db.execute(sql: """
                ALTER TABLE rooms ADD COLUMN history_messages INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE rooms ADD COLUMN history_bytes INTEGER NOT NULL DEFAULT 0;
                UPDATE rooms SET
                    history_messages = (SELECT COUNT(*) FROM history h WHERE h.room_id = rooms.id AND h.kind = 'message'),
                    history_bytes = (SELECT COALESCE(SUM(LENGTH(h.ciphertext)), 0) FROM history h
                                     WHERE h.room_id = rooms.id AND h.kind = 'message');
                """)
        }
        // Protocol 2: membership and keys become a chain of signed commits kept in the history.
        // Rooms of protocol 1 have no chain, so no protocol 2 client could verify them: they end.
        m.registerMigration("v4-group-state") { db in
            try db.execute(sql: """
                DELETE FROM rooms;
                DROP TABLE sealed_keys;
                DROP TABLE history;
                CREATE TABLE history (
                    room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
                    seq INTEGER NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('message', 'commit')),
                    sender BLOB NOT NULL,
                    client_id TEXT,
                    ciphertext TEXT,
                    body BLOB,
                    epoch INTEGER,
                    time INTEGER NOT NULL,
                    PRIMARY KEY (room_id, seq)
                ) WITHOUT ROWID;
                CREATE UNIQUE INDEX history_client_id ON history (room_id, sender, client_id) WHERE client_id IS NOT NULL;
                CREATE UNIQUE INDEX history_epoch ON history (room_id, epoch) WHERE epoch IS NOT NULL;
                """)
        }
        // Names signed by their members (`set_name`, docs/protocol.md "Names").
        m.registerMigration("v5-member-names") { db in
            try db.execute(sql: """
                ALTER TABLE members ADD COLUMN name_version INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE members ADD COLUMN name_signature BLOB;
                """)
        }
        return m
    }

    /// Checkpoints the WAL into the main file (so the file alone holds everything), then closes.
    /// A checkpoint that fails (the disk is full) loses nothing: the WAL keeps every commit and
    /// SQLite replays it on the next open. Its error is returned, for the log; an error closing
    /// the database is thrown.
    @discardableResult
    func close() async throws -> (any Error)? {
        try closeNow()
    }

    /// `close`, for callers that are not async.
    @discardableResult
    func closeNow() throws -> (any Error)? {
        try checkpointer.close()
        var checkpointError: (any Error)?
        do {
            try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        } catch {
            checkpointError = error
        }
        try pool.close()
        return checkpointError
    }

    // MARK: Relay identity

    func relayID() async throws -> String {
        try await pool.write { db in
            if let id = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'relay_id'") { return id }
            let id = Base64URL.encode(SecureRandom.bytes(12))
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('relay_id', ?)", arguments: [id])
            return id
        }
    }

    // MARK: Rooms

    func createRoom(_ room: RoomRecord, owner: MemberRecord, genesis: GroupCommit, state: GroupState, address: String,
                    roomsPerAddress: Int, now: Int64) async throws(ErrorFrame) -> RoomRecord {
        do {
            let created = try await pool.write { db in
                if try Int.fetchOne(db, sql: "SELECT 1 FROM rooms WHERE id = ?", arguments: [room.id]) != nil {
                    throw ErrorFrame(.roomExists, "a room with this id exists", roomID: room.id)
                }
                let live = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rooms WHERE creator_address = ? AND expires_at > ?",
                                            arguments: [address, now]) ?? 0
                guard live < roomsPerAddress else {
                    throw ErrorFrame(.tooManyRooms, "this address already has \(live) live rooms (limit \(roomsPerAddress))",
                                     limit: .roomsPerAddress, roomID: room.id)
                }
                try db.execute(sql: """
                    INSERT INTO rooms (id, policy, name, owner, access_key, created_at, expires_at, max_members, creator_address)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [room.id, room.policy.rawValue, room.name, Data(room.owner), room.accessKey.map { Data($0) },
                                     room.createdAt, room.expiresAt, room.maxMembers, address])
                try Self.insertMember(db, room: room.id, owner, now: now)
                // The create commit is the chain's first entry, at seq 0 (before every message).
                try Self.insertCommit(db, room: room.id, seq: 0, genesis, time: now)
                return room
            }
            groups.withLockedValue { $0[room.id] = state }
            return created
        } catch let e as ErrorFrame {
            throw e
        } catch {
            throw ErrorFrame(.internalError, "the relay could not store the room", roomID: room.id)
        }
    }

    func room(_ id: String) async throws -> RoomRecord? {
        try await pool.read { db in try Self.room(db, id) }
    }

    /// The room, with `lastSeq` the highest sequence number in its history (0 when empty).
    static func room(_ db: Database, _ id: String) throws -> RoomRecord? {
        let statement = try db.cachedStatement(sql: """
            SELECT *, (SELECT COALESCE(MAX(seq), 0) FROM history WHERE room_id = ?1) AS last_seq FROM rooms WHERE id = ?1
            """)
        guard let row = try Row.fetchOne(statement, arguments: [id]) else { return nil }
        return RoomRecord(id: row["id"], policy: RoomPolicy(rawValue: row["policy"]) ?? .approval, name: row["name"],
                          owner: bytes(row["owner"]), accessKey: (row["access_key"] as Data?).map { Array($0) },
                          createdAt: row["created_at"], expiresAt: row["expires_at"], maxMembers: row["max_members"],
                          lastSeq: row["last_seq"])
    }

    func approvalRooms(now: Int64) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM rooms WHERE policy = 'approval' AND expires_at > ?", arguments: [now])
        }
    }

    func expiredRooms(now: Int64) async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: "SELECT id FROM rooms WHERE expires_at <= ?", arguments: [now]) }
    }

    /// Foreign keys cascade.
    func deleteRoom(_ id: String) async throws {
        try await pool.write { db in try db.execute(sql: "DELETE FROM rooms WHERE id = ?", arguments: [id]) }
        _ = groups.withLockedValue { $0.removeValue(forKey: id) }
    }

    static func insertCommit(_ db: Database, room: String, seq: Int64, _ c: GroupCommit, time: Int64) throws {
        try db.execute(sql: """
            INSERT INTO history (room_id, seq, kind, sender, body, epoch, time) VALUES (?, ?, 'commit', ?, ?, ?, ?)
            """, arguments: [room, seq, Data(c.author), Data(c.bytes), Int64(bitPattern: c.epoch), time])
    }

    func commits(_ room: String, through: Int64) async throws -> [StoredCommit] {
        try await pool.read { db in try Self.commits(db, room, through: through) }
    }

    static func commits(_ db: Database, _ room: String, through: Int64 = .max) throws -> [StoredCommit] {
        try Row.fetchAll(db, sql: """
            SELECT seq, body, time FROM history WHERE room_id = ? AND kind = 'commit' AND seq <= ? ORDER BY epoch
            """, arguments: [room, through]).map { StoredCommit(seq: $0["seq"], body: bytes($0["body"]), time: $0["time"]) }
    }

    /// The room's group state from its stored chain (which was checked as it was stored).
    static func groupState(_ db: Database, _ room: String) throws -> GroupState? {
        try StoredCommit.state(of: commits(db, room))
    }

    // MARK: Members

    func member(_ room: String, _ key: [UInt8]) async throws -> MemberRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM members WHERE room_id = ? AND signing_key = ?", arguments: [room, Data(key)])
                .map(Self.memberRecord)
        }
    }

    func members(_ room: String) async throws -> [MemberRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM members WHERE room_id = ? ORDER BY joined_at, role DESC, name", arguments: [room])
                .map(Self.memberRecord)
        }
    }

    func addMember(_ room: String, _ member: MemberRecord, now: Int64) async throws(ErrorFrame) -> Bool {
        do {
            return try await pool.write { db in
                guard let r = try Self.room(db, room) else { throw ErrorFrame(.roomNotFound, "no such room", roomID: room) }
                if try Int.fetchOne(db, sql: "SELECT 1 FROM members WHERE room_id = ? AND signing_key = ?",
                                    arguments: [room, Data(member.signingKey)]) != nil { return false }
                let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM members WHERE room_id = ?", arguments: [room]) ?? 0
                guard count < r.maxMembers else {
                    throw ErrorFrame(.roomFull, "the room has its maximum of \(r.maxMembers) members", limit: .membersPerRoom, roomID: room)
                }
                try Self.insertMember(db, room: room, member, now: now)
                return true
            }
        } catch let e as ErrorFrame {
            throw e
        } catch {
            throw ErrorFrame(.internalError, "the relay could not store the member", roomID: room)
        }
    }

    func removeMember(_ room: String, _ key: [UInt8], remember: Bool) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM members WHERE room_id = ? AND signing_key = ?", arguments: [room, Data(key)])
            let existed = db.changesCount > 0
            if existed, remember {
                try db.execute(sql: "INSERT OR IGNORE INTO removed_members (room_id, signing_key) VALUES (?, ?)", arguments: [room, Data(key)])
            }
            return existed
        }
    }

    func wasRemoved(_ room: String, _ key: [UInt8]) async throws -> Bool {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT 1 FROM removed_members WHERE room_id = ? AND signing_key = ?", arguments: [room, Data(key)]) != nil
        }
    }

    static func insertMember(_ db: Database, room: String, _ m: MemberRecord, now: Int64) throws {
        try db.execute(sql: """
            INSERT INTO members (room_id, signing_key, agreement_key, name, role, joined_at) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [room, Data(m.signingKey), Data(m.agreementKey), m.name, m.role.rawValue, now])
    }

    static func memberRecord(_ row: Row) -> MemberRecord {
        let signature: Data? = row["name_signature"]
        return MemberRecord(signingKey: bytes(row["signing_key"]), agreementKey: bytes(row["agreement_key"]), name: row["name"],
                            role: MemberRole(rawValue: row["role"]) ?? .member, nameVersion: row["name_version"] ?? 0,
                            nameSignature: signature.map { Array($0) })
    }

    func setName(_ room: String, _ key: [UInt8], name: String, version: Int64, signature: [UInt8]) async throws -> NameChange {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE members SET name = ?, name_version = ?, name_signature = ?
                WHERE room_id = ? AND signing_key = ? AND name_version < ?
                """, arguments: [name, version, Data(signature), room, Data(key), version])
            if db.changesCount > 0 { return .stored }
            let exists = try Int.fetchOne(db, sql: "SELECT 1 FROM members WHERE room_id = ? AND signing_key = ?",
                                          arguments: [room, Data(key)]) != nil
            return exists ? .stale : .notMember
        }
    }

    // MARK: History

    /// One writer (this process's commit loop) extends the history, so the room's highest seq,
    /// read inside the `BEGIN IMMEDIATE` transaction, is the last one.
    func commit(_ batch: [CommitRequest], quota: HistoryQuota) throws -> [CommitResult] {
        let (results, states) = try pool.writeWithoutTransaction { db in
            try Self.immediateTransaction(db) { try commitRows(batch, db, quota: quota) }
        }
        if !states.isEmpty {
            groups.withLockedValue { groups in
                for (room, state) in states { if let state { groups[room] = state } }
            }
        }
        return results
    }

    /// `BEGIN IMMEDIATE` ... `COMMIT` with both statements prepared once per connection. GRDB's
    /// `write` prepares them anew for every transaction, which the commit loop, one transaction
    /// per batch, would pay on every message at a low rate.
    static func immediateTransaction<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
        do {
            let result = try body()
            try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
            return result
        } catch {
            if db.isInsideTransaction { try? db.rollback() }
            throw error
        }
    }

    /// A room's state during one batch.
    struct BatchRoom {
        var expiresAt: Int64
        var lastSeq: Int64
        var messages: Int64
        var bytes: Int64
        var changed = false
    }

    /// The group states a batch produced; published to `groups` once its transaction commits.
    func commitRows(_ batch: [CommitRequest], _ db: Database,
                    quota: HistoryQuota = .unlimited) throws -> ([CommitResult], [String: GroupState?]) {
        var states = [String: GroupState?]()
        let results = try commitRows(batch, db, quota: quota, states: &states)
        return (results, states)
    }

    func maxMembers(_ db: Database, _ room: String) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT max_members FROM rooms WHERE id = ?", arguments: [room]) ?? 0
    }

    func commitRows(_ batch: [CommitRequest], _ db: Database, quota: HistoryQuota,
                    states: inout [String: GroupState?]) throws -> [CommitResult] {
        var results = [CommitResult]()
        results.reserveCapacity(batch.count)
        // Per room and batch, one indexed lookup gives expiry, the last sequence number and the
        // history's size; the size is written back once, at the end of the batch.
        var rooms = [String: BatchRoom?]()
        let lookup = try db.cachedStatement(sql: """
            SELECT expires_at, (SELECT COALESCE(MAX(seq), 0) FROM history WHERE room_id = ?1), history_messages, history_bytes
            FROM rooms WHERE id = ?1
            """)
        for request in batch {
            let found: BatchRoom?
            if let cached = rooms[request.room] { found = cached } else {
                found = try Row.fetchOne(lookup, arguments: [request.room]).map {
                    BatchRoom(expiresAt: $0[0], lastSeq: $0[1], messages: $0[2], bytes: $0[3])
                }
                rooms[request.room] = found
            }
            guard var found else {
                results.append(.failed(ErrorFrame(.roomNotFound, "no such room", roomID: request.room)))
                continue
            }
            let room = (id: request.room, expiresAt: found.expiresAt)
            var seq = found.lastSeq
            switch request {
            case .send(_, let sender, let clientID, let ciphertext, let time):
                if time >= room.expiresAt {
                    results.append(.failed(ErrorFrame(.roomExpired, "the room has expired", roomID: room.id, clientID: clientID)))
                    continue
                }
                let size = Int64(ciphertext.utf8.count)
                if let over = quota.refusal(messages: found.messages, bytes: found.bytes, adding: size, room: room.id, clientID: clientID) {
                    // A resend of a message that is already stored still gets its original ack.
                    let find = try db.cachedStatement(sql: "SELECT seq FROM history WHERE room_id = ? AND sender = ? AND client_id = ?")
                    if let existing = try Int64.fetchOne(find, arguments: [room.id, Data(sender), clientID]) {
                        results.append(.duplicate(seq: existing))
                    } else {
                        results.append(.failed(over))
                    }
                    continue
                }
                // One statement in the common case: the unique index on (room, sender, client id)
                // turns a resend into a no-op, and only then is the original looked up.
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO history (room_id, seq, kind, sender, client_id, ciphertext, time) VALUES (?, ?, 'message', ?, ?, ?, ?)
                    ON CONFLICT (room_id, sender, client_id) WHERE client_id IS NOT NULL DO NOTHING
                    """)
                try insert.execute(arguments: [room.id, seq + 1, Data(sender), clientID, ciphertext, time])
                guard db.changesCount > 0 else {
                    let find = try db.cachedStatement(sql: "SELECT seq FROM history WHERE room_id = ? AND sender = ? AND client_id = ?")
                    let existing = try Int64.fetchOne(find, arguments: [room.id, Data(sender), clientID]) ?? 0
                    results.append(.duplicate(seq: existing))
                    continue
                }
                seq += 1
                found.messages += 1
                found.bytes += size
                found.changed = true
            case .group(_, let commit, let effect, let time):
                let state: GroupState
                if let cached = states[room.id] ?? nil { state = cached } else {
                    guard let loaded = try groups.withLockedValue({ $0[room.id] }) ?? Self.groupState(db, room.id) else {
                        results.append(.failed(ErrorFrame(.badCommit, "this room has no group state", roomID: room.id)))
                        continue
                    }
                    state = loaded
                }
                let next: GroupState
                do { next = try state.applying(commit) } catch {
                    results.append(.failed(ErrorFrame(.badCommit, "\(error) (\(error.code))", roomID: room.id)))
                    continue
                }
                let members = Set(try Data.fetchAll(db, sql: "SELECT signing_key FROM members WHERE room_id = ?",
                                                    arguments: [room.id]).map { Array($0) })
                switch effect {
                case .admit(let record, _):
                    guard try members.count < maxMembers(db, room.id) else {
                        results.append(.failed(ErrorFrame(.roomFull, "the room is full", limit: .membersPerRoom, roomID: room.id)))
                        continue
                    }
                    if !members.contains(record.signingKey) { try Self.insertMember(db, room: room.id, record, now: time) }
                case .none:
                    // A join's author entered with an access proof, so the relay knows it already.
                    guard commit.kind != .join || members.contains(commit.author) else {
                        results.append(.failed(ErrorFrame(.badCommit, "join the room with an access proof first", roomID: room.id)))
                        continue
                    }
                case .expel(let member):
                    try db.execute(sql: "DELETE FROM members WHERE room_id = ? AND signing_key = ?", arguments: [room.id, Data(member)])
                    // Removed by the owner: refused with `removed` until the room is deleted.
                    if commit.kind == .remove {
                        try db.execute(sql: "INSERT OR IGNORE INTO removed_members (room_id, signing_key) VALUES (?, ?)",
                                       arguments: [room.id, Data(member)])
                    }
                }
                if next.keyID != state.keyID, next.policy == .open {
                    try db.execute(sql: "UPDATE rooms SET access_key = ? WHERE id = ?", arguments: [Data(next.accessKey), room.id])
                }
                seq += 1
                try Self.insertCommit(db, room: room.id, seq: seq, commit, time: time)
                states[room.id] = next
            }
            found.lastSeq = seq
            rooms[room.id] = found
            results.append(.committed(seq: seq))
        }
        let update = try db.cachedStatement(sql: "UPDATE rooms SET history_messages = ?, history_bytes = ? WHERE id = ?")
        for (id, room) in rooms {
            guard let room, room.changed else { continue }
            try update.execute(arguments: [room.messages, room.bytes, id])
        }
        return results
    }

    func history(_ room: String, after: Int64, through: Int64, limit: Int) async throws -> [HistoryMessage] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT seq, sender, client_id, ciphertext, time FROM history
                WHERE room_id = ? AND kind = 'message' AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?
                """, arguments: [room, after, through, limit])
                .map { HistoryMessage(seq: $0["seq"], sender: bytes($0["sender"]), clientID: $0["client_id"], ciphertext: $0["ciphertext"],
                                      time: $0["time"]) }
        }
    }

    func exportEnd(_ room: String, after: Int64, rows: Int, bytes: Int) async throws -> Int64? {
        try await pool.read { db in
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT seq, LENGTH(ciphertext) FROM history WHERE room_id = ? AND seq > ? AND kind = 'message' ORDER BY seq LIMIT ?
                """, arguments: [room, after, rows])
            var window = ExportWindow(bytes: bytes)
            while let row = try cursor.next(), window.take(seq: row[0], size: row[1]) {}
            return window.last
        }
    }
}

private func bytes(_ data: Data?) -> [UInt8] { data.map { Array($0) } ?? [] }
