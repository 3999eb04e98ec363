import Foundation
@testable import SecureChatRelay
import Testing

/// When the relay moves its WAL into the database file: after enough rows, or a minute after the
/// last checkpoint, never on every tick.
struct CheckpointTests {
    static func relay() throws -> (Relay, URL) {
        let dir = try TestRelay.makeDirectory()
        return (try Relay(configuration: TestRelay.configuration(directory: dir, logs: LogCapture())), dir)
    }

    @Test func aCheckpointWaitsForRowsOrTime() async throws {
        let (relay, dir) = try Self.relay()
        defer { try? relay.close(); try? FileManager.default.removeItem(at: dir) }
        let start = relay.unCheckpointed.withLock { $0.since }

        relay.unCheckpointed.withLock { $0.rows = 5 }
        await relay.checkpointIfDue(now: start + 59)
        #expect(relay.unCheckpointed.withLock { $0.rows } == 5, "a few rows wait for the minute")

        await relay.checkpointIfDue(now: start + 60)
        #expect(relay.unCheckpointed.withLock { ($0.rows, $0.since) } == (0, start + 60))

        relay.unCheckpointed.withLock { $0.rows = Relay.checkpointRows }
        await relay.checkpointIfDue(now: start + 61)
        #expect(relay.unCheckpointed.withLock { $0.rows } == 0, "enough rows do not wait")

        await relay.checkpointIfDue(now: start + 1000)
        #expect(relay.unCheckpointed.withLock { $0.since } == start + 61, "no rows, no checkpoint")
    }
}
