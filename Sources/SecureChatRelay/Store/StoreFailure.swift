import GRDB
import Logging
import PostgresNIO

extension Relay {
    /// Log metadata for a failure, `extra` included. An SQLite error gives its extended result
    /// code (`sqlite_code`, e.g. 13 for SQLITE_FULL) and its message (`sqlite_message`, e.g.
    /// "database or disk is full"); a PostgreSQL error its kind (`pg_error`, e.g. "server" or
    /// "connectionClosed"), and from the server its SQLSTATE (`pg_sqlstate`, e.g. 40P01) and
    /// message (`pg_message`), never its detail, the statement or its arguments, which may hold
    /// ciphertext or keys. Any other error gives its type.
    static func failure(_ error: any Error, _ extra: Logger.Metadata = [:]) -> Logger.Metadata {
        var metadata = extra
        if let e = error as? DatabaseError {
            metadata["error"] = "DatabaseError"
            metadata["sqlite_code"] = "\(e.extendedResultCode.rawValue)"
            metadata["sqlite_message"] = "\(e.message ?? "")"
        } else if let e = error as? PSQLError {
            metadata["error"] = "PSQLError"
            metadata["pg_error"] = "\(e.code)"
            if let state = e.serverInfo?[.sqlState] { metadata["pg_sqlstate"] = "\(state)" }
            if let message = e.serverInfo?[.message] { metadata["pg_message"] = "\(message)" }
        } else {
            metadata["error"] = "\(type(of: error))"
        }
        return metadata
    }
}

extension Relay {
    /// A database error in words, for a message to the operator: PostgreSQL's own message (e.g.
    /// `password authentication failed for user "relay"`), or what failed on the way there.
    /// Never the statement or its arguments.
    public static func describe(_ error: any Error) -> String {
        guard let e = error as? PSQLError else { return "\(error)" }
        if let message = e.serverInfo?[.message] {
            return e.serverInfo?[.sqlState].map { "\(message) (SQLSTATE \($0))" } ?? message
        }
        if let underlying = e.underlying { return "\(e.code): \(underlying)" }
        return "\(e.code)"
    }
}
