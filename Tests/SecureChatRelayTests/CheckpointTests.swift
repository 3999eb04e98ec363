import Foundation
import GRDB
@testable import SecureChatRelay
import Testing

/// When the relay moves its WAL into the database file: after enough rows, or a minute after the
/// last checkpoint, never on every tick.
struct CheckpointTests {
    static func relay() async throws -> (Relay, URL) {
        let dir = try TestRelay.makeDirectory()
        return (try await Relay(configuration: TestRelay.configuration(directory: dir, logs: LogCapture())), dir)
    }

    @Test func aCheckpointWaitsForRowsOrTime() async throws {
        let (relay, dir) = try await Self.relay()
        defer { try? FileManager.default.removeItem(at: dir) }
        let start = relay.unCheckpointed.withLockedValue { $0.since }

        relay.unCheckpointed.withLockedValue { $0.rows = 5 }
        await relay.checkpointIfDue(now: start + 59)
        #expect(relay.unCheckpointed.withLockedValue { $0.rows } == 5, "a few rows wait for the minute")

        await relay.checkpointIfDue(now: start + 60)
        #expect(relay.unCheckpointed.withLockedValue { ($0.rows, $0.since) } == (0, start + 60))

        relay.unCheckpointed.withLockedValue { $0.rows = Relay.checkpointRows }
        await relay.checkpointIfDue(now: start + 61)
        #expect(relay.unCheckpointed.withLockedValue { $0.rows } == 0, "enough rows do not wait")

        await relay.checkpointIfDue(now: start + 1000)
        #expect(relay.unCheckpointed.withLockedValue { $0.since } == start + 61, "no rows, no checkpoint")
        try await relay.close()
    }
}

/// Shutting down when the WAL cannot be moved into the database file (a full disk, a reader
/// that holds it): nothing is lost, so the relay says so and closes without failing.
struct ShutdownCheckpointTests {
    @Test func aCloseThatCannotCheckpointLogsItAndKeepsTheData() async throws {
        let dir = try TestRelay.makeDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let logs = LogCapture()
        let config = TestRelay.configuration(directory: dir, logs: logs)
        let relay = try await Relay(configuration: config)
        let id = relay.id
        // Another connection reading an old snapshot: the WAL cannot be truncated under it.
        var readerConfig = Configuration()
        readerConfig.allowsUnsafeTransactions = true  // the read transaction stays open across accesses
        let reader = try DatabaseQueue(path: config.databasePath!, configuration: readerConfig)
        try await reader.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN DEFERRED")
            _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")
        }
        try await relay.close()
        let line = try #require(logs.all.first { $0.contains("without a checkpoint") })
        #expect(line.hasPrefix("warning"))
        #expect(line.contains("sqlite_code=5 "), "SQLITE_BUSY: \(line)")
        #expect(line.contains("sqlite_message=database is locked"), "\(line)")
        try await reader.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }
        try reader.close()

        let again = try await Relay(configuration: config)
        #expect(again.id == id, "the WAL is replayed on the next start")
        try await again.close()
    }

    @Test func storeFailuresLogSQLitesCodeAndMessage() {
        let full = Relay.failure(DatabaseError(resultCode: .SQLITE_FULL, message: "database or disk is full", sql: "INSERT INTO history VALUES (?)"),
                                 ["frames": "3"])
        #expect(full == ["error": "DatabaseError", "sqlite_code": "13", "sqlite_message": "database or disk is full", "frames": "3"])
        struct Other: Error {}
        #expect(Relay.failure(Other()) == ["error": "Other"])
    }
}
