import GRDB
import Logging

extension Relay {
    /// Log metadata for a failure, `extra` included. A database error gives SQLite's extended
    /// result code (`sqlite_code`, e.g. 13 for SQLITE_FULL) and its message (`sqlite_message`,
    /// e.g. "database or disk is full"); never the statement or its arguments, which may hold
    /// ciphertext or keys. Any other error gives its type.
    static func failure(_ error: any Error, _ extra: Logger.Metadata = [:]) -> Logger.Metadata {
        var metadata = extra
        if let e = error as? DatabaseError {
            metadata["error"] = "DatabaseError"
            metadata["sqlite_code"] = "\(e.extendedResultCode.rawValue)"
            metadata["sqlite_message"] = "\(e.message ?? "")"
        } else {
            metadata["error"] = "\(type(of: error))"
        }
        return metadata
    }
}
