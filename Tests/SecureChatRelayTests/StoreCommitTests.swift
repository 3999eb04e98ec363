import Foundation
import GRDB
@testable import SecureChatRelay
import Testing

/// SQLite's commit transaction: one that fails leaves nothing behind and no transaction open.
/// (What every store promises is in `StoreContractTests`.)
struct StoreCommitTests {
    @Test func aFailedTransactionLeavesNothingAndTheNextCommits() async throws {
        let dir = try TestRelay.makeDirectory()
        let store = try SQLiteStore(path: dir.appendingPathComponent("relay.sqlite").path)
        defer { _ = try? store.closeNow(); try? FileManager.default.removeItem(at: dir) }
        try await StoreContract.create(store, "r")
        struct Stop: Error {}

        #expect(throws: Stop.self) {
            try store.pool.writeWithoutTransaction { db in
                try SQLiteStore.immediateTransaction(db) {
                    _ = try store.commitRows([StoreContract.send("r", "a")], db)
                    throw Stop()
                }
            }
        }
        #expect(try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM history WHERE kind = 'message'") } == 0)
        #expect(try await store.pool.writeWithoutTransaction { db in db.isInsideTransaction } == false)
        #expect(try store.commit([StoreContract.send("r", "a")]) == [.committed(seq: 1)], "the same client id commits after the rollback")
    }
}
