import NIOConcurrencyHelpers
import Foundation
import Logging
import NIOSSL
import PostgresNIO
import SecureChatCrypto
import SecureChatGroup
import SecureChatWire
import Synchronization

/// The relay's state in PostgreSQL (PostgresNIO's pooled client), for relays that share one
/// database: the same tables and promises as `SQLiteStore`. Schema changes run on start, under
/// a transaction-scoped advisory lock, so relays starting together apply each one once. A
/// commit locks the rows of its rooms (in id order, so committers never deadlock) and takes
/// each room's next seq from its `last_seq` column, so sequence numbers stay gap-free whichever
/// relay commits. Deleted rows stay in the table's pages until PostgreSQL vacuums them (SQLite's
/// `secure_delete` has no counterpart here; docs/operating.md).
final class PostgresStore: RelayStore {
    let client: PostgresClient
    private let running: Task<Void, Never>
    /// PostgresNIO's own logs, at warning and above only: its debug lines carry query parameters.
    private let logger: Logger
    /// Group states by room with the epoch they are at; a commit uses one only after checking,
    /// under the room's lock, that the stored chain still ends at that epoch (another relay may
    /// have extended it).
    let groups = NIOLockedValueBox<[String: GroupState]>([:])

    /// Connects, applies the migrations, and starts the connection pool. Throws the server's
    /// reason when the database cannot be reached or refuses the user.
    static func open(_ settings: PostgresSettings, logger relayLogger: Logger) async throws -> PostgresStore {
        var logger = relayLogger
        logger.logLevel = max(logger.logLevel, .warning)
        // One connection of its own first: it fails at once with the server's reason, where the
        // pool would keep retrying.
        let connection = try await PostgresConnection.connect(configuration: try settings.connectionConfiguration(), id: 0,
                                                               logger: logger)
        do {
            try await migrate(connection, logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
        return PostgresStore(client: PostgresClient(configuration: settings.clientConfiguration(), backgroundLogger: logger),
                             logger: logger)
    }

    private init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
        running = Task { await client.run() }
    }

    func checkpoint() async throws {}

    func close() async throws -> (any Error)? {
        running.cancel()
        await running.value
        return nil
    }

    // MARK: Schema

    /// Schema history; each migration is applied once, in order, and never edited afterwards.
    /// Statements are separate: the extended query protocol runs one per query.
    static let migrations: [(name: String, statements: [String])] = [
        ("v1", [
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """
            CREATE TABLE rooms (
                id TEXT PRIMARY KEY,
                policy TEXT NOT NULL CHECK (policy IN ('open', 'approval')),
                name TEXT,
                owner BYTEA NOT NULL,
                access_key BYTEA,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                max_members BIGINT NOT NULL,
                creator_address TEXT NOT NULL,
                last_seq BIGINT NOT NULL DEFAULT 0,
                history_messages BIGINT NOT NULL DEFAULT 0,
                history_bytes BIGINT NOT NULL DEFAULT 0
            )
            """,
            "CREATE INDEX rooms_expiry ON rooms (expires_at)",
            "CREATE INDEX rooms_creator ON rooms (creator_address)",
            """
            CREATE TABLE members (
                room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
                signing_key BYTEA NOT NULL,
                agreement_key BYTEA NOT NULL,
                name TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('owner', 'member')),
                joined_at BIGINT NOT NULL,
                name_version BIGINT NOT NULL DEFAULT 0,
                name_signature BYTEA,
                PRIMARY KEY (room_id, signing_key)
            )
            """,
            """
            CREATE TABLE removed_members (
                room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
                signing_key BYTEA NOT NULL,
                PRIMARY KEY (room_id, signing_key)
            )
            """,
            """
            CREATE TABLE history (
                room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
                seq BIGINT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('message', 'commit')),
                sender BYTEA NOT NULL,
                client_id TEXT,
                ciphertext TEXT,
                body BYTEA,
                epoch BIGINT,
                time BIGINT NOT NULL,
                PRIMARY KEY (room_id, seq)
            )
            """,
            "CREATE UNIQUE INDEX history_client_id ON history (room_id, sender, client_id) WHERE client_id IS NOT NULL",
            "CREATE UNIQUE INDEX history_epoch ON history (room_id, epoch) WHERE epoch IS NOT NULL",
        ]),
    ]

    /// Advisory lock keys: one for migrations, and a space for per-address room creation.
    static let migrationLock: Int64 = 0x7365_6375_7265_6368  // "securech"
    static let addressLockSpace: Int32 = 0x7363  // "sc"

    /// Applies the migrations not yet applied, all in one transaction that first takes the
    /// migration lock: relays that start together wait for each other, and each migration runs once.
    static func migrate(_ c: PostgresConnection, logger: Logger) async throws {
        try await transaction(c, logger: logger) { c in
            try await c.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
            try await c.query("""
                CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """, logger: logger)
            var applied = Set<String>()
            for try await name in try await c.query("SELECT name FROM schema_migrations", logger: logger).decode(String.self) {
                applied.insert(name)
            }
            for m in migrations where !applied.contains(m.name) {
                for sql in m.statements { try await c.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
                try await c.query("INSERT INTO schema_migrations (name) VALUES (\(m.name))", logger: logger)
            }
        }
    }

    /// `BEGIN` … `COMMIT`, or `ROLLBACK` and the body's own error (PostgresNIO's `withTransaction`
    /// would wrap a refusal in its own error type).
    static func transaction<T: Sendable>(_ c: PostgresConnection, logger: Logger,
                                         _ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await c.query("BEGIN", logger: logger)
        do {
            let result = try await body(c)
            try await c.query("COMMIT", logger: logger)
            return result
        } catch {
            _ = try? await c.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    func transaction<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let logger = logger
        return try await client.withConnection { c in try await Self.transaction(c, logger: logger, body) }
    }

    @discardableResult
    func query(_ q: PostgresQuery) async throws -> PostgresRowSequence {
        try await client.query(q, logger: logger)
    }

    // MARK: Relay identity

    /// Shared by every relay on the database: they are one relay to their clients.
    func relayID() async throws -> String {
        try await query("""
            INSERT INTO meta (key, value) VALUES ('relay_id', \(Base64URL.encode(SecureRandom.bytes(12)))) ON CONFLICT (key) DO NOTHING
            """)
        for try await id in try await query("SELECT value FROM meta WHERE key = 'relay_id'").decode(String.self) { return id }
        throw PostgresStoreError.missingRelayID
    }

    // MARK: Rooms

    func createRoom(_ room: RoomRecord, owner: MemberRecord, genesis: GroupCommit, state: GroupState, address: String,
                    roomsPerAddress: Int, now: Int64) async throws(ErrorFrame) -> RoomRecord {
        do {
            let logger = logger
            try await transaction { c in
                // Counting the address's rooms and adding one happen under the address's lock,
                // so that relays sharing the database cannot together go over the limit.
                try await c.query("SELECT pg_advisory_xact_lock(\(Self.addressLockSpace), hashtext(\(address)))", logger: logger)
                if try await Self.exists(c.query("SELECT 1 FROM rooms WHERE id = \(room.id)", logger: logger)) {
                    throw ErrorFrame(.roomExists, "a room with this id exists", roomID: room.id)
                }
                let live = try await Self.first(c.query("""
                    SELECT COUNT(*) FROM rooms WHERE creator_address = \(address) AND expires_at > \(now)
                    """, logger: logger), Int64.self) ?? 0
                guard live < roomsPerAddress else {
                    throw ErrorFrame(.tooManyRooms, "this address already has \(live) live rooms (limit \(roomsPerAddress))",
                                     limit: .roomsPerAddress, roomID: room.id)
                }
                let inserted = try await Self.exists(c.query("""
                    INSERT INTO rooms (id, policy, name, owner, access_key, created_at, expires_at, max_members, creator_address)
                    VALUES (\(room.id), \(room.policy.rawValue), \(room.name), \(Data(room.owner)), \(room.accessKey.map { Data($0) }),
                            \(room.createdAt), \(room.expiresAt), \(Int64(room.maxMembers)), \(address))
                    ON CONFLICT (id) DO NOTHING RETURNING 1
                    """, logger: logger))
                guard inserted else { throw ErrorFrame(.roomExists, "a room with this id exists", roomID: room.id) }
                try await Self.insertMember(c, room: room.id, owner, now: now, logger: logger)
                // The create commit is the chain's first entry, at seq 0 (before every message).
                try await Self.insertCommit(c, room: room.id, seq: 0, genesis, time: now, logger: logger)
            }
            groups.withLockedValue { $0[room.id] = state }
            return room
        } catch let e as ErrorFrame {
            throw e
        } catch {
            throw ErrorFrame(.internalError, "the relay could not store the room", roomID: room.id)
        }
    }

    func room(_ id: String) async throws -> RoomRecord? {
        let rows = try await query("""
            SELECT id, policy, name, owner, access_key, created_at, expires_at, max_members, last_seq FROM rooms WHERE id = \(id)
            """)
        for try await (id, policy, name, owner, accessKey, createdAt, expiresAt, maxMembers, lastSeq)
            in rows.decode((String, String, String?, Data, Data?, Int64, Int64, Int64, Int64).self) {
            return RoomRecord(id: id, policy: RoomPolicy(rawValue: policy) ?? .approval, name: name, owner: Array(owner),
                              accessKey: accessKey.map { Array($0) }, createdAt: createdAt, expiresAt: expiresAt,
                              maxMembers: Int(clamping: maxMembers), lastSeq: lastSeq)
        }
        return nil
    }

    func approvalRooms(now: Int64) async throws -> [String] {
        try await Self.all(query("SELECT id FROM rooms WHERE policy = 'approval' AND expires_at > \(now)"), String.self)
    }

    func expiredRooms(now: Int64) async throws -> [String] {
        try await Self.all(query("SELECT id FROM rooms WHERE expires_at <= \(now)"), String.self)
    }

    func deleteRoom(_ id: String) async throws {
        try await query("DELETE FROM rooms WHERE id = \(id)")
        _ = groups.withLockedValue { $0.removeValue(forKey: id) }
    }

    static func insertCommit(_ c: PostgresConnection, room: String, seq: Int64, _ commit: GroupCommit, time: Int64,
                             logger: Logger) async throws {
        try await c.query("""
            INSERT INTO history (room_id, seq, kind, sender, body, epoch, time)
            VALUES (\(room), \(seq), 'commit', \(Data(commit.author)), \(Data(commit.bytes)), \(Int64(bitPattern: commit.epoch)), \(time))
            """, logger: logger)
    }

    func commits(_ room: String, through: Int64) async throws -> [StoredCommit] {
        try await Self.commits(client.query(Self.commitsQuery(room, through: through), logger: logger))
    }

    static func commitsQuery(_ room: String, through: Int64) -> PostgresQuery {
        "SELECT seq, body, time FROM history WHERE room_id = \(room) AND kind = 'commit' AND seq <= \(through) ORDER BY epoch"
    }

    static func commits(_ rows: PostgresRowSequence) async throws -> [StoredCommit] {
        var chain = [StoredCommit]()
        for try await (seq, body, time) in rows.decode((Int64, Data, Int64).self) {
            chain.append(StoredCommit(seq: seq, body: Array(body), time: time))
        }
        return chain
    }

    // MARK: Members

    static let memberColumns = "signing_key, agreement_key, name, role, name_version, name_signature"

    static func members(_ rows: PostgresRowSequence) async throws -> [MemberRecord] {
        var members = [MemberRecord]()
        for try await (signing, agreement, name, role, version, signature)
            in rows.decode((Data, Data, String, String, Int64, Data?).self) {
            members.append(MemberRecord(signingKey: Array(signing), agreementKey: Array(agreement), name: name,
                                        role: MemberRole(rawValue: role) ?? .member, nameVersion: version,
                                        nameSignature: signature.map { Array($0) }))
        }
        return members
    }

    func member(_ room: String, _ key: [UInt8]) async throws -> MemberRecord? {
        try await Self.members(query("""
            SELECT \(unescaped: Self.memberColumns) FROM members WHERE room_id = \(room) AND signing_key = \(Data(key))
            """)).first
    }

    /// Names compare bytewise (`COLLATE "C"`), as SQLite compares them.
    func members(_ room: String) async throws -> [MemberRecord] {
        try await Self.members(query("""
            SELECT \(unescaped: Self.memberColumns) FROM members WHERE room_id = \(room)
            ORDER BY joined_at, role COLLATE "C" DESC, name COLLATE "C"
            """))
    }

    func addMember(_ room: String, _ member: MemberRecord, now: Int64) async throws(ErrorFrame) -> Bool {
        do {
            let logger = logger
            return try await transaction { c in
                // The room's row lock makes the count and the insert one step for every relay.
                guard let maxMembers = try await Self.first(c.query("""
                    SELECT max_members FROM rooms WHERE id = \(room) FOR NO KEY UPDATE
                    """, logger: logger), Int64.self) else {
                    throw ErrorFrame(.roomNotFound, "no such room", roomID: room)
                }
                if try await Self.exists(c.query("""
                    SELECT 1 FROM members WHERE room_id = \(room) AND signing_key = \(Data(member.signingKey))
                    """, logger: logger)) { return false }
                let count = try await Self.first(c.query("SELECT COUNT(*) FROM members WHERE room_id = \(room)", logger: logger),
                                                 Int64.self) ?? 0
                guard count < maxMembers else {
                    throw ErrorFrame(.roomFull, "the room has its maximum of \(maxMembers) members", limit: .membersPerRoom, roomID: room)
                }
                try await Self.insertMember(c, room: room, member, now: now, logger: logger)
                return true
            }
        } catch let e as ErrorFrame {
            throw e
        } catch {
            throw ErrorFrame(.internalError, "the relay could not store the member", roomID: room)
        }
    }

    func removeMember(_ room: String, _ key: [UInt8], remember: Bool) async throws -> Bool {
        let logger = logger
        return try await transaction { c in
            let existed = try await Self.exists(c.query("""
                DELETE FROM members WHERE room_id = \(room) AND signing_key = \(Data(key)) RETURNING 1
                """, logger: logger))
            if existed, remember { try await Self.rememberRemoval(c, room: room, key, logger: logger) }
            return existed
        }
    }

    static func rememberRemoval(_ c: PostgresConnection, room: String, _ key: [UInt8], logger: Logger) async throws {
        try await c.query("""
            INSERT INTO removed_members (room_id, signing_key) VALUES (\(room), \(Data(key))) ON CONFLICT DO NOTHING
            """, logger: logger)
    }

    func wasRemoved(_ room: String, _ key: [UInt8]) async throws -> Bool {
        try await Self.exists(query("SELECT 1 FROM removed_members WHERE room_id = \(room) AND signing_key = \(Data(key))"))
    }

    static func insertMember(_ c: PostgresConnection, room: String, _ m: MemberRecord, now: Int64, logger: Logger) async throws {
        try await c.query("""
            INSERT INTO members (room_id, signing_key, agreement_key, name, role, joined_at)
            VALUES (\(room), \(Data(m.signingKey)), \(Data(m.agreementKey)), \(m.name), \(m.role.rawValue), \(now))
            """, logger: logger)
    }

    func setName(_ room: String, _ key: [UInt8], name: String, version: Int64, signature: [UInt8]) async throws -> NameChange {
        let stored = try await Self.exists(query("""
            UPDATE members SET name = \(name), name_version = \(version), name_signature = \(Data(signature))
            WHERE room_id = \(room) AND signing_key = \(Data(key)) AND name_version < \(version) RETURNING 1
            """))
        if stored { return .stored }
        return try await member(room, key) == nil ? .notMember : .stale
    }

    // MARK: History

    /// Blocks the calling thread (the commit loop's own) while the transaction runs on the pool.
    func commit(_ batch: [CommitRequest], quota: HistoryQuota) throws -> [CommitResult] {
        final class Outcome: @unchecked Sendable {
            // Written once before `done` is signalled, read once after.
            var result: Result<[CommitResult], any Error> = .success([])
        }
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { outcome.result = .success(try await self.commitBatch(batch, quota: quota)) } catch { outcome.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try outcome.result.get()
    }

    func commitBatch(_ batch: [CommitRequest], quota: HistoryQuota) async throws -> [CommitResult] {
        let (results, states) = try await transaction { c in try await self.commitRows(batch, c, quota: quota) }
        if !states.isEmpty { groups.withLockedValue { groups in for (room, state) in states { groups[room] = state } } }
        return results
    }

    /// A room's state during one batch, read from its locked row.
    struct BatchRoom {
        var expiresAt: Int64
        var lastSeq: Int64
        var messages: Int64
        var bytes: Int64
        var maxMembers: Int64
        var changed = false
    }

    /// The results, and the group states the batch produced (published once it commits).
    func commitRows(_ batch: [CommitRequest], _ c: PostgresConnection,
                    quota: HistoryQuota) async throws -> ([CommitResult], [String: GroupState]) {
        let logger = logger
        var rooms = [String: BatchRoom]()
        // Every room of the batch, locked in one statement and in id order: committers of other
        // relays take the same locks in the same order, so they wait for each other and never deadlock.
        let ids = Array(Set(batch.map(\.room))).sorted()
        for try await (id, expiresAt, lastSeq, messages, bytes, maxMembers) in try await c.query("""
            SELECT id, expires_at, last_seq, history_messages, history_bytes, max_members FROM rooms
            WHERE id = ANY(\(ids)) ORDER BY id FOR NO KEY UPDATE
            """, logger: logger).decode((String, Int64, Int64, Int64, Int64, Int64).self) {
            rooms[id] = BatchRoom(expiresAt: expiresAt, lastSeq: lastSeq, messages: messages, bytes: bytes, maxMembers: maxMembers)
        }
        var states = [String: GroupState]()
        var results = [CommitResult]()
        results.reserveCapacity(batch.count)
        for request in batch {
            guard var room = rooms[request.room] else {
                results.append(.failed(ErrorFrame(.roomNotFound, "no such room", roomID: request.room)))
                continue
            }
            let id = request.room
            switch request {
            case .send(_, let sender, let clientID, let ciphertext, let time):
                if time >= room.expiresAt {
                    results.append(.failed(ErrorFrame(.roomExpired, "the room has expired", roomID: id, clientID: clientID)))
                    continue
                }
                let size = Int64(ciphertext.utf8.count)
                if let over = quota.refusal(messages: room.messages, bytes: room.bytes, adding: size, room: id, clientID: clientID) {
                    // A resend of a message that is already stored still gets its original ack.
                    if let existing = try await Self.sentSeq(c, room: id, sender: sender, clientID: clientID, logger: logger) {
                        results.append(.duplicate(seq: existing))
                    } else {
                        results.append(.failed(over))
                    }
                    continue
                }
                let inserted = try await Self.exists(c.query("""
                    INSERT INTO history (room_id, seq, kind, sender, client_id, ciphertext, time)
                    VALUES (\(id), \(room.lastSeq + 1), 'message', \(Data(sender)), \(clientID), \(ciphertext), \(time))
                    ON CONFLICT (room_id, sender, client_id) WHERE client_id IS NOT NULL DO NOTHING RETURNING 1
                    """, logger: logger))
                guard inserted else {
                    let existing = try await Self.sentSeq(c, room: id, sender: sender, clientID: clientID, logger: logger) ?? 0
                    results.append(.duplicate(seq: existing))
                    continue
                }
                room.messages += 1
                room.bytes += size
            case .group(_, let commit, let effect, let time):
                let state: GroupState
                if let known = states[id] { state = known } else if let loaded = try await groupState(c, id) { state = loaded } else {
                    results.append(.failed(ErrorFrame(.badCommit, "this room has no group state", roomID: id)))
                    continue
                }
                let next: GroupState
                do { next = try state.applying(commit) } catch {
                    results.append(.failed(ErrorFrame(.badCommit, "\(error) (\(error.code))", roomID: id)))
                    continue
                }
                let members = Set(try await Self.all(c.query("SELECT signing_key FROM members WHERE room_id = \(id)", logger: logger),
                                                     Data.self).map { Array($0) })
                switch effect {
                case .admit(let record, _):
                    guard Int64(members.count) < room.maxMembers else {
                        results.append(.failed(ErrorFrame(.roomFull, "the room is full", limit: .membersPerRoom, roomID: id)))
                        continue
                    }
                    if !members.contains(record.signingKey) { try await Self.insertMember(c, room: id, record, now: time, logger: logger) }
                case .none:
                    // A join's author entered with an access proof, so the relay knows it already.
                    guard commit.kind != .join || members.contains(commit.author) else {
                        results.append(.failed(ErrorFrame(.badCommit, "join the room with an access proof first", roomID: id)))
                        continue
                    }
                case .expel(let member):
                    try await c.query("DELETE FROM members WHERE room_id = \(id) AND signing_key = \(Data(member))", logger: logger)
                    // Removed by the owner: refused with `removed` until the room is deleted.
                    if commit.kind == .remove { try await Self.rememberRemoval(c, room: id, member, logger: logger) }
                }
                if next.keyID != state.keyID, next.policy == .open {
                    try await c.query("UPDATE rooms SET access_key = \(Data(next.accessKey)) WHERE id = \(id)", logger: logger)
                }
                try await Self.insertCommit(c, room: id, seq: room.lastSeq + 1, commit, time: time, logger: logger)
                states[id] = next
            }
            room.lastSeq += 1
            room.changed = true
            rooms[id] = room
            results.append(.committed(seq: room.lastSeq))
        }
        for (id, room) in rooms where room.changed {
            try await c.query("""
                UPDATE rooms SET last_seq = \(room.lastSeq), history_messages = \(room.messages), history_bytes = \(room.bytes)
                WHERE id = \(id)
                """, logger: logger)
        }
        return (results, states)
    }

    /// The room's group state: the cached one if the stored chain (read under the room's lock)
    /// still ends at its epoch, else replayed from the chain.
    func groupState(_ c: PostgresConnection, _ room: String) async throws -> GroupState? {
        let stored = try await Self.first(c.query("""
            SELECT MAX(epoch) FROM history WHERE room_id = \(room) AND kind = 'commit'
            """, logger: logger), Int64?.self) ?? nil
        if let cached = groups.withLockedValue({ $0[room] }), let stored, cached.epoch == UInt64(bitPattern: stored) { return cached }
        return try await StoredCommit.state(of: Self.commits(c.query(Self.commitsQuery(room, through: .max), logger: logger)))
    }

    static func sentSeq(_ c: PostgresConnection, room: String, sender: [UInt8], clientID: String, logger: Logger) async throws -> Int64? {
        try await first(c.query("""
            SELECT seq FROM history WHERE room_id = \(room) AND sender = \(Data(sender)) AND client_id = \(clientID)
            """, logger: logger), Int64.self)
    }

    func history(_ room: String, after: Int64, through: Int64, limit: Int) async throws -> [HistoryMessage] {
        var messages = [HistoryMessage]()
        for try await (seq, sender, clientID, ciphertext, time) in try await query("""
            SELECT seq, sender, client_id, ciphertext, time FROM history
            WHERE room_id = \(room) AND kind = 'message' AND seq > \(after) AND seq <= \(through) ORDER BY seq LIMIT \(Int64(limit))
            """).decode((Int64, Data, String, String, Int64).self) {
            messages.append(HistoryMessage(seq: seq, sender: Array(sender), clientID: clientID, ciphertext: ciphertext, time: time))
        }
        return messages
    }

    func exportEnd(_ room: String, after: Int64, rows: Int, bytes: Int) async throws -> Int64? {
        var window = ExportWindow(bytes: bytes)
        for try await (seq, size) in try await query("""
            SELECT seq, octet_length(ciphertext)::BIGINT FROM history
            WHERE room_id = \(room) AND seq > \(after) AND kind = 'message' ORDER BY seq LIMIT \(Int64(rows))
            """).decode((Int64, Int64).self) {
            guard window.take(seq: seq, size: Int(clamping: size)) else { break }
        }
        return window.last
    }

    // MARK: Rows

    static func exists(_ rows: PostgresRowSequence) async throws -> Bool {
        var found = false
        for try await _ in rows { found = true }
        return found
    }

    static func first<T: PostgresDecodable & Sendable>(_ rows: PostgresRowSequence, _ type: T.Type) async throws -> T? {
        var value: T?
        for try await v in rows.decode(T.self) where value == nil { value = v }
        return value
    }

    static func all<T: PostgresDecodable & Sendable>(_ rows: PostgresRowSequence, _ type: T.Type) async throws -> [T] {
        var values = [T]()
        for try await v in rows.decode(T.self) { values.append(v) }
        return values
    }
}

enum PostgresStoreError: Error {
    /// The relay id was written and could not be read back.
    case missingRelayID
}

extension PostgresSettings {
    func clientConfiguration() -> PostgresClient.Configuration {
        var c = PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database,
                                             tls: tls == .disable ? .disable : .require(.makeClientConfiguration()))
        c.options.connectTimeout = .seconds(10)
        return c
    }

    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS = switch self.tls {
        case .disable: .disable
        case .verifyFull: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        return PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
    }
}
