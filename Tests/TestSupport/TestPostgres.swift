import Foundation
import Logging
import PostgresNIO

/// A real PostgreSQL for the tests that need one, named by `SECURECHAT_TEST_POSTGRES_URL`
/// (`postgres://USER@HOST:PORT/DATABASE`, the password in `PGPASSWORD`); `scripts/test` starts
/// a server and sets both. The user must be allowed to create databases: every test gets a
/// database of its own, dropped afterwards, so tests run in parallel and leave nothing behind.
public enum TestPostgres {
    public static let variable = "SECURECHAT_TEST_POSTGRES_URL"
    /// For `.enabled(if:)`: the reason shown when the PostgreSQL cases do not run.
    public static let skipReason = "PostgreSQL cases need \(variable) (scripts/test sets it; see docs/operating.md)"

    public static var isAvailable: Bool { server != nil }

    /// The admin connection's settings, from the variable; nil when it is not set.
    public static let server: (user: String, host: String, port: Int, database: String)? = {
        guard let text = ProcessInfo.processInfo.environment[variable], !text.isEmpty,
              let url = URLComponents(string: text), let user = url.user, let host = url.host,
              case let database = String(url.path.dropFirst()), !database.isEmpty else { return nil }
        return (user, host, url.port ?? 5432, database)
    }()

    public static var password: String? { ProcessInfo.processInfo.environment["PGPASSWORD"] }

    /// A new empty database and its URL (without a password); `drop` it when done.
    public static func createDatabase() async throws -> (name: String, url: String) {
        guard let server else { throw Unavailable() }
        let name = "securechat_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await admin { c in _ = try await c.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger) }
        let host = server.host.contains(":") ? "[\(server.host)]" : server.host
        return (name, "postgres://\(server.user)@\(host):\(server.port)/\(name)")
    }

    /// Drops a database made by `createDatabase`, closing whatever is still connected to it.
    public static func drop(_ name: String) async throws {
        try await admin { c in _ = try await c.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger) }
    }

    /// Runs `body` on a new database and drops it afterwards, also when `body` throws.
    public static func withDatabase<T>(_ body: (_ url: String) async throws -> T) async throws -> T {
        let db = try await createDatabase()
        do {
            let result = try await body(db.url)
            try await drop(db.name)
            return result
        } catch {
            try? await drop(db.name)
            throw error
        }
    }

    struct Unavailable: Error {}

    static let logger = Logger(label: "test-postgres") { _ in SwiftLogNoOpLogHandler() }

    static func admin(_ body: (PostgresConnection) async throws -> Void) async throws {
        guard let server else { throw Unavailable() }
        let config = PostgresConnection.Configuration(host: server.host, port: server.port, username: server.user, password: password,
                                                      database: server.database, tls: .disable)
        let c = try await PostgresConnection.connect(configuration: config, id: 1, logger: logger)
        do { try await body(c) } catch {
            try? await c.close()
            throw error
        }
        try await c.close()
    }
}
