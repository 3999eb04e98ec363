import SecureChatRelay
import Testing

/// `serve --db`: a file path, or a PostgreSQL URL parsed strictly, never with a password in it.
struct DatabaseURLTests {
    @Test(arguments: [
        ("postgres://relay@db.example.org:5433/chat", "relay", "db.example.org", 5433, "chat", PostgresSettings.TLSMode.disable),
        ("postgresql://relay@127.0.0.1/chat", "relay", "127.0.0.1", 5432, "chat", .disable),
        ("POSTGRES://relay@localhost:1/chat", "relay", "localhost", 1, "chat", .disable),
        ("postgres://relay@[::1]:65535/chat", "relay", "::1", 65535, "chat", .disable),
        ("postgres://re%40lay@host/my%20db?sslmode=verify-full", "re@lay", "host", 5432, "my db", .verifyFull),
        ("postgres://relay@host/chat?sslmode=disable", "relay", "host", 5432, "chat", .disable),
    ])
    func wellFormed(url: String, user: String, host: String, port: Int, database: String, tls: PostgresSettings.TLSMode) throws {
        guard case .postgres(let s) = try RelayDatabase(url, password: "pw") else { Issue.record("not postgres: \(url)"); return }
        #expect(s.user == user)
        #expect(s.host == host)
        #expect(s.port == port)
        #expect(s.database == database)
        #expect(s.tls == tls)
        #expect(s.password == "pw")
        #expect(!"\(s)".contains("pw"), "the description never shows the password")
        #expect(try RelayDatabase(s.url, password: "pw") == .postgres(s), "the normalised URL names the same database")
    }

    @Test(arguments: ["relay.sqlite", "/var/lib/securechat/relay.sqlite", "./postgres:/x", "data/postgres.db"])
    func pathsAreSQLite(path: String) throws {
        #expect(try RelayDatabase(path, password: nil) == .sqlite(path: path))
    }

    @Test(arguments: [
        ("mysql://relay@host/chat", PostgresURLError.unsupportedScheme),
        ("file://relay.sqlite", .unsupportedScheme),
        ("postgres://relay:secret@host/chat", .password),
        ("postgres://relay:@host/chat", .password),
        ("postgres://:secret@host/chat", .password),
        ("postgres://host/chat", .missingUser),
        ("postgres://@host/chat", .missingUser),
        ("postgres://relay@/chat", .missingHost),
        ("postgres://relay@:5432/chat", .missingHost),
        ("postgres://relay@ho_st/chat", .badHost),
        ("postgres://relay@host%41/chat", .badHost),
        ("postgres://relay@[::1/chat", .badHost),
        ("postgres://relay@[localhost]/chat", .badHost),
        ("postgres://relay@[::1]x/chat", .badHost),
        ("postgres://relay@host:/chat", .badPort),
        ("postgres://relay@host:0/chat", .badPort),
        ("postgres://relay@host:65536/chat", .badPort),
        ("postgres://relay@host:+80/chat", .badPort),
        ("postgres://relay@host:000080/chat", .badPort),
        ("postgres://relay@host:80:81/chat", .badPort),
        ("postgres://relay@host", .missingDatabase),
        ("postgres://relay@host/", .missingDatabase),
        ("postgres://relay@host?sslmode=disable", .missingDatabase),
        ("postgres://relay@host/chat/more", .badDatabase),
        ("postgres://re%4@host/chat", .badPercentEncoding(.user)),
        ("postgres://relay@host/ch%00at", .badPercentEncoding(.database)),
        ("postgres://relay@host/chat?", .unknownParameter),
        ("postgres://relay@host/chat?password=x", .unknownParameter),
        ("postgres://relay@host/chat?sslmode", .unknownParameter),
        ("postgres://relay@host/chat?sslmode=disable&sslmode=disable", .repeatedParameter),
        ("postgres://relay@host/chat?sslmode=require", .badSSLMode),
        ("postgres://relay@host/chat#top", .fragment),
    ])
    func malformed(url: String, error: PostgresURLError) {
        #expect(throws: error) { try RelayDatabase(url, password: nil) }
    }

    @Test func errorsNameTheAlternativesAndQuoteNothing() {
        #expect(PostgresURLError.password.description
            == "the database URL carries a password: give it in the PGPASSWORD environment variable or in a file named by --db-password-file, never on the command line")
        #expect(PostgresURLError.badPort.description == "the database URL's port must be a number from 1 to 65535")
    }
}
