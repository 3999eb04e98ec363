import Foundation
import GRDB
import SecureChatCore
import SecureChatGroup
@testable import SecureChatRelay
import SecureChatWire
import Testing

/// The commit loop's transaction: sequence numbers, resends, refusals within one batch, and a
/// transaction that fails leaving nothing behind.
struct StoreCommitTests {
    static let sender = [UInt8](repeating: 1, count: 32)
    static let other = [UInt8](repeating: 2, count: 32)

    /// A store in a fresh directory with room `r` (expires at 1000) and room `old` (expired at 10).
    static func store() async throws -> (RelayStore, URL) {
        let dir = try TestRelay.makeDirectory()
        let store = try RelayStore(path: dir.appendingPathComponent("relay.sqlite").path)
        let owner = MemberRecord(signingKey: sender, agreementKey: [UInt8](repeating: 3, count: 32), name: "a", role: .owner)
        for (id, expires) in [("r", Int64(1000)), ("old", Int64(10))] {
            let room = RoomRecord(id: id, policy: .open, name: nil, owner: sender, accessKey: nil, createdAt: 0, expiresAt: expires,
                                  maxMembers: 8, lastSeq: 0)
            let founder = Identity.generate()
            let genesis = try GroupCommitBuilder.create(roomID: id, policy: .approval, key: FernetKey.generate().rawRepresentation,
                                                        owner: founder.signingKey,
                                                        ownerAgreementKey: founder.agreementKey.publicKey.rawRepresentation)
            _ = try await store.createRoom(room, owner: owner, genesis: genesis, address: "127.0.0.1", roomsPerAddress: 10, now: 0)
        }
        return (store, dir)
    }

    static func send(_ room: String, _ clientID: String, from sender: [UInt8] = sender, at time: Int64 = 100) -> CommitRequest {
        .send(room: room, sender: sender, clientID: clientID, ciphertext: "ct-\(clientID)", time: time)
    }

    @Test func aBatchCommitsInOrderAndRefusesRowByRow() async throws {
        let (store, dir) = try await Self.store()
        defer { try? store.close(); try? FileManager.default.removeItem(at: dir) }

        let results = try store.commit([
            Self.send("r", "a"), Self.send("nowhere", "b"), Self.send("r", "c"), Self.send("r", "a"),
            Self.send("old", "d", at: 50), Self.send("r", "a", from: Self.other), Self.send("r", "e", at: 1000),
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
        #expect(try store.commit([Self.send("r", "c"), Self.send("r", "f")]) == [.duplicate(seq: 2), .committed(seq: 4)],
                "a later batch continues the sequence and still knows the resends")
    }

    @Test func aFailedTransactionLeavesNothingAndTheNextCommits() async throws {
        let (store, dir) = try await Self.store()
        defer { try? store.close(); try? FileManager.default.removeItem(at: dir) }
        struct Stop: Error {}

        #expect(throws: Stop.self) {
            try store.pool.writeWithoutTransaction { db in
                try RelayStore.immediateTransaction(db) {
                    _ = try store.commitRows([Self.send("r", "a")], db)
                    throw Stop()
                }
            }
        }
        #expect(try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM history WHERE kind = 'message'") } == 0)
        #expect(try await store.pool.writeWithoutTransaction { db in db.isInsideTransaction } == false)
        #expect(try store.commit([Self.send("r", "a")]) == [.committed(seq: 1)], "the same client id commits after the rollback")
    }
}
