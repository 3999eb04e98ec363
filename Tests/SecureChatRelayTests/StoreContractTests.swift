import Foundation
import Logging
import SecureChatCore
import SecureChatGroup
@testable import SecureChatRelay
import SecureChatWire
import TestSupport
import Testing

/// What every `RelayStore` promises, run against SQLite and against a real PostgreSQL: each case
/// is written once, in `StoreContract`, and called from one suite per database.
struct SQLiteStoreContractTests {
    @Test func roomsAndTheRelayIDOutliveARestart() async throws { try await StoreHome.sqlite(StoreContract.roomsAndRestart) }
    @Test func roomLimitsAndExpiry() async throws { try await StoreHome.sqlite(StoreContract.roomLimitsAndExpiry) }
    @Test func members() async throws { try await StoreHome.sqlite(StoreContract.members) }
    @Test func aBatchCommitsInOrderAndRefusesRowByRow() async throws { try await StoreHome.sqlite(StoreContract.batch) }
    @Test func historyQuota() async throws { try await StoreHome.sqlite(StoreContract.quota) }
    @Test func groupCommits() async throws { try await StoreHome.sqlite(StoreContract.groupCommits) }
    @Test func historyPages() async throws { try await StoreHome.sqlite(StoreContract.historyPages) }
    @Test func concurrentCommittersLeaveNoGaps() async throws { try await StoreHome.sqlite(StoreContract.concurrentCommitters) }
}

@Suite(.enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.skipReason)))
struct PostgresStoreContractTests {
    @Test func roomsAndTheRelayIDOutliveARestart() async throws { try await StoreHome.postgres(StoreContract.roomsAndRestart) }
    @Test func roomLimitsAndExpiry() async throws { try await StoreHome.postgres(StoreContract.roomLimitsAndExpiry) }
    @Test func members() async throws { try await StoreHome.postgres(StoreContract.members) }
    @Test func aBatchCommitsInOrderAndRefusesRowByRow() async throws { try await StoreHome.postgres(StoreContract.batch) }
    @Test func historyQuota() async throws { try await StoreHome.postgres(StoreContract.quota) }
    @Test func groupCommits() async throws { try await StoreHome.postgres(StoreContract.groupCommits) }
    @Test func historyPages() async throws { try await StoreHome.postgres(StoreContract.historyPages) }
    @Test func concurrentCommittersLeaveNoGaps() async throws { try await StoreHome.postgres(StoreContract.concurrentCommitters) }

    /// Relays starting together on a new database: every one starts, the schema is made once.
    @Test func migrationsRunOnceWhenRelaysStartTogether() async throws {
        try await StoreHome.postgres { home in
            let stores = try await withThrowingTaskGroup(of: (any RelayStore).self) { group in
                for _ in 0..<4 { group.addTask { try await home.open() } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            var ids = Set<String>()
            for store in stores { ids.insert(try await store.relayID()) }
            #expect(ids.count == 1, "relays on one database are one relay to their clients")
            let pg = try #require(stores.first as? PostgresStore)
            let applied = try await PostgresStore.all(pg.client.query("SELECT name FROM schema_migrations"), String.self)
            #expect(applied == PostgresStore.migrations.map(\.name))
            for store in stores { _ = try await store.close() }
        }
    }
}

/// Where a store lives (an SQLite file, a PostgreSQL database), opened as often as a test likes:
/// opening it again is a relay restart.
struct StoreHome: Sendable {
    let database: RelayDatabase

    func open() async throws -> any RelayStore {
        try await Relay.openStore(database, logger: Logger(label: "store-test") { _ in SwiftLogNoOpLogHandler() })
    }

    /// Opens the store, runs `body`, and closes it, also when `body` throws.
    func with<T>(_ body: (any RelayStore) async throws -> T) async throws -> T {
        let store = try await open()
        do {
            let result = try await body(store)
            _ = try await store.close()
            return result
        } catch {
            _ = try? await store.close()
            throw error
        }
    }

    static func sqlite(_ body: (StoreHome) async throws -> Void) async throws {
        let dir = try TestRelay.makeDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try await body(StoreHome(database: .sqlite(path: dir.appendingPathComponent("relay.sqlite").path)))
    }

    static func postgres(_ body: (StoreHome) async throws -> Void) async throws {
        try await TestPostgres.withDatabase { url in
            try await body(StoreHome(database: try RelayDatabase(url, password: TestPostgres.password)))
        }
    }
}

extension RelayStore {
    /// `commit` on a thread of its own, as the commit loop calls it: it blocks its caller, which
    /// must not be one of the few threads that run async tasks.
    func commitOnThread(_ batch: [CommitRequest], quota: HistoryQuota = .unlimited) async throws -> [CommitResult] {
        try await withCheckedThrowingContinuation { done in
            Thread {
                do { done.resume(returning: try self.commit(batch, quota: quota)) } catch { done.resume(throwing: error) }
            }.start()
        }
    }
}

enum StoreContract {
    static let sender = [UInt8](repeating: 1, count: 32)
    static let other = [UInt8](repeating: 2, count: 32)
    static let owner = MemberRecord(signingKey: sender, agreementKey: [UInt8](repeating: 3, count: 32), name: "a", role: .owner)

    /// A room `id` founded by a new identity (returned, to sign later commits), created at `now`.
    @discardableResult
    static func create(_ store: any RelayStore, _ id: String, policy: RoomPolicy = .open, expiresAt: Int64 = 1000, maxMembers: Int = 8,
                       address: String = "127.0.0.1", roomsPerAddress: Int = 10, now: Int64 = 0) async throws(ErrorFrame)
        -> (founder: Identity, key: FernetKey, state: GroupState) {
        let founder = Identity.generate()
        let key = FernetKey.generate()
        let genesis = try! GroupCommitBuilder.create(roomID: id, policy: policy, key: key.rawRepresentation, owner: founder.signingKey,
                                                     ownerAgreementKey: founder.agreementKey.publicKey.rawRepresentation)
        let state = try! GroupState(genesis: genesis, pinnedOwner: nil)
        let room = RoomRecord(id: id, policy: policy, name: policy == .open ? nil : "room \(id)", owner: sender,
                              accessKey: policy == .open ? [UInt8](repeating: 9, count: 32) : nil, createdAt: now,
                              expiresAt: expiresAt, maxMembers: maxMembers, lastSeq: 0)
        let created = try await store.createRoom(room, owner: owner, genesis: genesis, state: state, address: address,
                                                 roomsPerAddress: roomsPerAddress, now: now)
        #expect(created == room)
        return (founder, key, state)
    }

    static func send(_ room: String, _ clientID: String, from sender: [UInt8] = sender, at time: Int64 = 100) -> CommitRequest {
        .send(room: room, sender: sender, clientID: clientID, ciphertext: "ct-\(clientID)", time: time)
    }

    static func expectRefusal(_ expected: ErrorFrame, _ body: () async throws(ErrorFrame) -> Void,
                              sourceLocation: SourceLocation = #_sourceLocation) async {
        do {
            try await body()
            Issue.record("expected \(expected.code)", sourceLocation: sourceLocation)
        } catch {
            #expect(error == expected, sourceLocation: sourceLocation)
        }
    }

    static func roomsAndRestart(_ home: StoreHome) async throws {
        let (id, record) = try await home.with { (store) async throws in
            try await create(store, "r", policy: .approval)
            #expect(try await store.commitOnThread([send("r", "a")]) == [.committed(seq: 1)])
            return (try await store.relayID(), try await store.room("r"))
        }
        try await home.with { (store) async throws in
            #expect(try await store.relayID() == id, "the relay id is made once")
            #expect(try await store.room("r") == record)
            #expect(record?.lastSeq == 1)
            #expect(try await store.room("nowhere") == nil)
            #expect(try await store.members("r") == [owner])
            #expect(try await store.history("r", after: 0, through: .max, limit: 10).map(\.clientID) == ["a"])
            #expect(try await store.commitOnThread([send("r", "a"), send("r", "b")]) == [.duplicate(seq: 1), .committed(seq: 2)],
                    "a restarted store knows the resends and continues the sequence")
        }
    }

    static func roomLimitsAndExpiry(_ home: StoreHome) async throws {
        try await home.with { (store) async throws in
            try await create(store, "r1", address: "192.0.2.1", roomsPerAddress: 2)
            await expectRefusal(ErrorFrame(.roomExists, "a room with this id exists", roomID: "r1")) { () async throws(ErrorFrame) in
                _ = try await create(store, "r1", address: "192.0.2.9")
            }
            try await create(store, "old", policy: .approval, expiresAt: 10, address: "192.0.2.1", roomsPerAddress: 2)
            await expectRefusal(ErrorFrame(.tooManyRooms, "this address already has 2 live rooms (limit 2)", limit: .roomsPerAddress,
                                           roomID: "r3")) { () async throws(ErrorFrame) in
                _ = try await create(store, "r3", address: "192.0.2.1", roomsPerAddress: 2)
            }
            try await create(store, "r3", policy: .approval, address: "192.0.2.1", roomsPerAddress: 2, now: 10)
            try await create(store, "r4", address: "192.0.2.2", roomsPerAddress: 2)

            #expect(try await store.expiredRooms(now: 10) == ["old"])
            #expect(try await store.approvalRooms(now: 5).sorted() == ["old", "r3"])
            #expect(try await store.approvalRooms(now: 10) == ["r3"])
            _ = try await store.commitOnThread([send("old", "a", at: 5)])
            try await store.deleteRoom("old")
            #expect(try await store.room("old") == nil)
            #expect(try await store.members("old").isEmpty)
            #expect(try await store.history("old", after: 0, through: .max, limit: 10).isEmpty)
            #expect(try await store.commits("old", through: .max).isEmpty)
            #expect(try await store.expiredRooms(now: 10).isEmpty)
        }
    }

    static func members(_ home: StoreHome) async throws {
        try await home.with { (store) async throws in
            try await create(store, "r", maxMembers: 3)
            // At the same second, names compare bytewise: "B" before "b".
            let b = MemberRecord(signingKey: [UInt8](repeating: 4, count: 32), agreementKey: [UInt8](repeating: 5, count: 32),
                                 name: "b", role: .member)
            let capitalB = MemberRecord(signingKey: [UInt8](repeating: 6, count: 32), agreementKey: [UInt8](repeating: 7, count: 32),
                                        name: "B", role: .member)
            #expect(try await store.addMember("r", b, now: 5))
            #expect(try await store.addMember("r", b, now: 6) == false, "already a member")
            #expect(try await store.addMember("r", capitalB, now: 5))
            #expect(try await store.members("r") == [owner, capitalB, b])
            let extra = MemberRecord(signingKey: [UInt8](repeating: 8, count: 32), agreementKey: b.agreementKey, name: "c", role: .member)
            await expectRefusal(ErrorFrame(.roomFull, "the room has its maximum of 3 members", limit: .membersPerRoom, roomID: "r")) {
                () async throws(ErrorFrame) in _ = try await store.addMember("r", extra, now: 7)
            }
            await expectRefusal(ErrorFrame(.roomNotFound, "no such room", roomID: "nowhere")) { () async throws(ErrorFrame) in
                _ = try await store.addMember("nowhere", extra, now: 7)
            }

            let signature = [UInt8](repeating: 0xAB, count: 64)
            #expect(try await store.setName("r", b.signingKey, name: "bee", version: 2, signature: signature) == .stored)
            #expect(try await store.setName("r", b.signingKey, name: "old", version: 2, signature: signature) == .stale)
            #expect(try await store.setName("r", b.signingKey, name: "old", version: 1, signature: signature) == .stale)
            #expect(try await store.setName("r", extra.signingKey, name: "x", version: 1, signature: signature) == .notMember)
            let named = try await store.member("r", b.signingKey)
            #expect(named?.name == "bee")
            #expect(named?.nameVersion == 2)
            #expect(named?.nameSignature == signature)

            #expect(try await store.removeMember("r", b.signingKey, remember: true))
            #expect(try await store.removeMember("r", capitalB.signingKey, remember: false))
            #expect(try await store.removeMember("r", capitalB.signingKey, remember: true) == false, "no longer a member")
            #expect(try await store.member("r", b.signingKey) == nil)
            #expect(try await store.wasRemoved("r", b.signingKey))
            #expect(try await store.wasRemoved("r", capitalB.signingKey) == false, "left, not removed")
            #expect(try await store.members("r") == [owner])
        }
    }

    static func batch(_ home: StoreHome) async throws {
        try await home.with { (store) async throws in
            try await create(store, "r")
            try await create(store, "old", expiresAt: 10)
            let results = try await store.commitOnThread([
                send("r", "a"), send("nowhere", "b"), send("r", "c"), send("r", "a"),
                send("old", "d", at: 50), send("r", "a", from: other), send("r", "e", at: 1000),
            ])
            #expect(results == [
                .committed(seq: 1),
                .failed(ErrorFrame(.roomNotFound, "no such room", roomID: "nowhere")),
                .committed(seq: 2),
                .duplicate(seq: 1),
                .failed(ErrorFrame(.roomExpired, "the room has expired", roomID: "old", clientID: "d")),
                .committed(seq: 3),
                .failed(ErrorFrame(.roomExpired, "the room has expired", roomID: "r", clientID: "e")),
            ])
            #expect(try await store.commitOnThread([send("r", "c"), send("r", "f")]) == [.duplicate(seq: 2), .committed(seq: 4)],
                    "a later batch continues the sequence and still knows the resends")
            let stored = try await store.history("r", after: 0, through: .max, limit: 10)
            #expect(stored.map(\.seq) == [1, 2, 3, 4])
            #expect(stored[2] == HistoryMessage(seq: 3, sender: other, clientID: "a", ciphertext: "ct-a", time: 100))
            #expect(try await store.room("r")?.lastSeq == 4)
        }
    }

    static func quota(_ home: StoreHome) async throws {
        let quota = HistoryQuota(messages: 2, bytes: 10)
        try await home.with { (store) async throws in
            try await create(store, "r")
            try await create(store, "s")
            #expect(try await store.commitOnThread([send("r", "a"), send("r", "b"), send("r", "c"), send("r", "a")], quota: quota) == [
                .committed(seq: 1), .committed(seq: 2),
                .failed(ErrorFrame(.historyFull, "the room's history holds its maximum of 2 messages", limit: .historyMessages,
                                   roomID: "r", clientID: "c")),
                .duplicate(seq: 1),
            ])
            // "ct-x" is 4 bytes: two fit in 10, a third does not.
            let bytes = HistoryQuota(messages: 100, bytes: 10)
            #expect(try await store.commitOnThread([send("s", "x"), send("s", "y")], quota: bytes) == [.committed(seq: 1), .committed(seq: 2)])
            #expect(try await store.commitOnThread([send("s", "z")], quota: bytes) == [
                .failed(ErrorFrame(.historyFull, "the room's history holds its maximum of 10 bytes", limit: .historyBytes,
                                   roomID: "s", clientID: "z")),
            ], "the size is kept across batches")
        }
        try await home.with { (store) async throws in
            #expect(try await store.commitOnThread([send("r", "d")], quota: quota) == [
                .failed(ErrorFrame(.historyFull, "the room's history holds its maximum of 2 messages", limit: .historyMessages,
                                   roomID: "r", clientID: "d")),
            ], "and across restarts")
        }
    }

    static func groupCommits(_ home: StoreHome) async throws {
        try await home.with { (store) async throws in
            let (founder, _, genesis) = try await create(store, "r", policy: .open)
            let newKey = FernetKey.generate().rawRepresentation
            let rotate = try GroupCommitBuilder.rotate(genesis, newKey: newKey, by: founder.signingKey)
            let rotated = try genesis.applying(rotate)
            #expect(try await store.commitOnThread([send("r", "a"), .group(room: "r", commit: rotate, effect: .none, time: 100),
                                                    send("r", "b")]) == [.committed(seq: 1), .committed(seq: 2), .committed(seq: 3)])
            let again = try await store.commitOnThread([.group(room: "r", commit: rotate, effect: .none, time: 101)])
            guard case .failed(let refusal) = again.first else { Issue.record("a replayed commit was stored: \(again)"); return }
            #expect(refusal.code == .badCommit)
            #expect(try await store.room("r")?.accessKey == rotated.accessKey, "an open room's access key follows its rotations")
            #expect(try await store.commits("r", through: .max).map(\.seq) == [0, 2])
            #expect(try await store.commits("r", through: 1).map(\.seq) == [0])
            #expect(try await store.commits("r", through: .max).last?.body == rotate.bytes)
            #expect(try await store.history("r", after: 0, through: .max, limit: 10).map(\.seq) == [1, 3], "history is messages only")

            // An approval admits the knocker; a removal expels it and bars it.
            let (owner2, _, start) = try await create(store, "q", policy: .approval)
            let joiner = Identity.generate()
            let joinerKey = joiner.signingKey.publicKey.rawRepresentation
            let joinerAgreement = joiner.agreementKey.publicKey.rawRepresentation
            let add = try GroupCommitBuilder.add(start, joiner: joinerKey, joinerAgreementKey: joinerAgreement,
                                                 key: FernetKey.generate().rawRepresentation, by: owner2.signingKey)
            let record = MemberRecord(signingKey: joinerKey, agreementKey: joinerAgreement, name: "j", role: .member)
            #expect(try await store.commitOnThread([.group(room: "q", commit: add, effect: .admit(record, knockID: "k"), time: 100)])
                    == [.committed(seq: 1)])
            #expect(try await store.member("q", joinerKey) != nil)
            let remove = try GroupCommitBuilder.remove(try start.applying(add), member: joinerKey, newKey: FernetKey.generate().rawRepresentation,
                                                       by: owner2.signingKey)
            #expect(try await store.commitOnThread([.group(room: "q", commit: remove, effect: .expel(joinerKey), time: 101)])
                    == [.committed(seq: 2)])
            #expect(try await store.member("q", joinerKey) == nil)
            #expect(try await store.wasRemoved("q", joinerKey))
        }
        // The chain, replayed after a restart, accepts the next commit.
        try await home.with { (store) async throws in
            let chain = try await store.commits("r", through: .max)
            let state = try #require(try StoredCommit.state(of: chain))
            #expect(state.epoch == 1)
        }
    }

    static func historyPages(_ home: StoreHome) async throws {
        try await home.with { (store) async throws in
            try await create(store, "r")
            _ = try await store.commitOnThread((1...5).map { send("r", "m\($0)") })
            #expect(try await store.history("r", after: 1, through: 4, limit: 2).map(\.seq) == [2, 3])
            #expect(try await store.messages("r", after: 3, limit: 10).map(\.seq) == [4, 5])
            // Each ciphertext ("ct-mN") is 5 bytes.
            #expect(try await store.exportEnd("r", after: 0, rows: 10, bytes: 10) == 2)
            #expect(try await store.exportEnd("r", after: 0, rows: 3, bytes: 1000) == 3)
            #expect(try await store.exportEnd("r", after: 0, rows: 10, bytes: 1) == 1, "at least one message")
            #expect(try await store.exportEnd("r", after: 5, rows: 10, bytes: 1000) == nil)
        }
    }

    /// Three stores on one database, as three relays, committing to one room at once: every
    /// message gets its own seq, and the seqs run 1, 2, 3 … without a gap.
    static func concurrentCommitters(_ home: StoreHome) async throws {
        _ = try await home.with { (store) async throws in try await create(store, "r") }
        let nodes = 3, batches = 10, perBatch = 5
        let seqs = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for node in 0..<nodes {
                group.addTask {
                    try await home.with { (store) async throws in
                        var seqs = [Int64]()
                        for b in 0..<batches {
                            let results = try await store.commitOnThread((0..<perBatch).map { send("r", "n\(node)-\(b)-\($0)") })
                            for r in results {
                                guard case .committed(let seq) = r else { Issue.record("not committed: \(r)"); continue }
                                seqs.append(seq)
                            }
                        }
                        return seqs
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let total = Int64(nodes * batches * perBatch)
        #expect(seqs.sorted() == Array(1...total))
        try await home.with { (store) async throws in
            let stored = try await store.history("r", after: 0, through: .max, limit: 1000)
            #expect(stored.map(\.seq) == Array(1...total))
            #expect(Set(stored.map(\.clientID)).count == Int(total))
            #expect(try await store.room("r")?.lastSeq == total)
        }
    }
}
