import Foundation
import Testing
import TestSupport

/// `securechat serve --db postgres://…` against a real PostgreSQL: real clients talking through
/// it, across a relay restart, and the password's ways in.
@Suite(.serialized, .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.skipReason)))
struct PostgresServeCLITests {
    static var passwordEnv: [String: String] { TestPostgres.password.map { ["PGPASSWORD": $0] } ?? [:] }

    @Test func aConversationSurvivesARelayRestartWithItsHistory() async throws {
        try await TestPostgres.withDatabase { url in
            try ConnectCLITests.conversationAcrossARelayRestart(try LiveRelay(database: url, env: Self.passwordEnv))
        }
    }

    @Test func thePasswordComesFromAFileAndAWrongOneIsNamed() async throws {
        try await TestPostgres.withDatabase { url in
            let dir = try CLI.sandbox()
            let file = dir.appendingPathComponent("pgpass").path
            try Data(((TestPostgres.password ?? "") + "\n").utf8).write(to: URL(fileURLWithPath: file))
            let relay = try LiveRelay(["--db-password-file", file], database: url)
            let alice = try Person("alice")
            let room = try alice.createRoom(on: relay)
            #expect(try alice.run(["connect", room.link, "--send", "stored in PostgreSQL"]).status == 0)

            guard TestPostgres.password != nil else { return }  // a server that asks for no password accepts any
            try Data("not-the-password\n".utf8).write(to: URL(fileURLWithPath: file))
            let refused = try CLI.run(["serve", "--port", "0", "--db", url, "--db-password-file", file], env: ["HOME": dir.path],
                                      timeout: 30)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("cannot open the relay database \(url): password authentication failed for user"),
                    "\(refused.stderr)")
            #expect(!refused.stderr.contains("not-the-password"))
        }
    }
}
