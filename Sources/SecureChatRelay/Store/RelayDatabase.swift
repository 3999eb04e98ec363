import Foundation

/// Where a relay keeps its state: `serve --db` (docs/operating.md).
public enum RelayDatabase: Sendable, Equatable {
    /// An SQLite file, created on first run.
    case sqlite(path: String)
    /// A PostgreSQL database, shared by any number of relays.
    case postgres(PostgresSettings)

    /// `serve --db VALUE`: a `postgres://` or `postgresql://` URL, or else a file path. Any other
    /// `SCHEME://` is refused rather than taken for a file name. `password` comes from the
    /// environment or a file, never from the URL.
    public init(_ value: String, password: String?) throws(PostgresURLError) {
        if let scheme = PostgresSettings.scheme(of: value) {
            guard PostgresSettings.schemes.contains(scheme) else { throw .unsupportedScheme }
            self = .postgres(try PostgresSettings(url: value, password: password))
        } else {
            self = .sqlite(path: value)
        }
    }

    /// For messages: the file path, or the URL without any secret.
    public var shown: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let settings): settings.url
        }
    }
}

/// A PostgreSQL database as `postgres://USER@HOST[:PORT]/DATABASE[?sslmode=MODE]` names it (the
/// libpq URL form, RFC 3986 syntax), with the password given apart. Only what the relay uses is
/// accepted: a TCP host (a name, an IPv4 address or a bracketed IPv6 address), port 1–65535
/// (default 5432), and `sslmode` `disable` (the default) or `verify-full` (TLS with the
/// certificate checked against the system's roots and the host name).
public struct PostgresSettings: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, Equatable {
        case disable
        case verifyFull = "verify-full"
    }

    public var user: String
    public var host: String
    public var port: Int
    public var database: String
    public var tls: TLSMode
    /// From `PGPASSWORD` or `serve --db-password-file`; nil for none (trust or peer authentication).
    public var password: String?

    static let schemes = ["postgres", "postgresql"]
    static let defaultPort = 5432

    /// Parses `url` strictly; see the type's description for what is accepted.
    public init(url: String, password: String?) throws(PostgresURLError) {
        guard let scheme = Self.scheme(of: url) else { throw .unsupportedScheme }
        guard Self.schemes.contains(scheme) else { throw .unsupportedScheme }
        var rest = Substring(url.dropFirst(scheme.count + 3))
        if rest.contains("#") { throw .fragment }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        rest = rest[authorityEnd...]
        // Before anything else, so that no later message quotes a part of a URL that holds a password.
        guard let at = authority.lastIndex(of: "@") else { throw .missingUser }
        let userInfo = authority[..<at]
        if userInfo.contains(":") { throw .password }
        guard let user = Self.decode(userInfo) else { throw .badPercentEncoding(.user) }
        guard !user.isEmpty else { throw .missingUser }
        let address = try Self.hostAndPort(authority[authority.index(after: at)...])
        host = address.host
        port = address.port

        guard rest.first == "/" else { throw .missingDatabase }
        let pathEnd = rest.firstIndex(of: "?") ?? rest.endIndex
        let path = rest[rest.index(after: rest.startIndex)..<pathEnd]
        guard !path.isEmpty else { throw .missingDatabase }
        guard !path.contains("/") else { throw .badDatabase }
        guard let database = Self.decode(path) else { throw .badPercentEncoding(.database) }
        self.user = user
        self.database = database
        tls = try Self.tlsMode(query: pathEnd == rest.endIndex ? nil : rest[rest.index(after: pathEnd)...])
        self.password = password
    }

    /// The URL this names, normalised and without a password.
    public var url: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let query = tls == .disable ? "" : "?sslmode=\(tls.rawValue)"
        return "postgres://\(Self.encode(user))@\(shownHost):\(port)/\(Self.encode(database))\(query)"
    }

    /// Never the password.
    public var description: String { url }

    /// The scheme of `value` if it starts `SCHEME://` (RFC 3986 scheme characters), lowercased.
    static func scheme(of value: String) -> String? {
        guard let end = value.range(of: "://")?.lowerBound else { return nil }
        let scheme = value[..<end]
        guard let first = scheme.first, first.isASCII, first.isLetter,
              scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }) else { return nil }
        return scheme.lowercased()
    }

    private static func hostAndPort(_ text: Substring) throws(PostgresURLError) -> (host: String, port: Int) {
        var host: Substring
        var portText: Substring?
        if text.first == "[" {
            guard let close = text.firstIndex(of: "]") else { throw .badHost }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else { throw .badHost }
                portText = after.dropFirst()
            }
            guard host.contains(":"), host.allSatisfy({ $0.isASCII && ($0.isHexDigit || $0 == ":" || $0 == ".") }) else { throw .badHost }
        } else {
            if let colon = text.firstIndex(of: ":") {
                host = text[..<colon]
                portText = text[text.index(after: colon)...]
            } else {
                host = text
            }
            guard host.count <= 253,
                  host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) else { throw .badHost }
        }
        guard !host.isEmpty else { throw .missingHost }
        guard let portText else { return (String(host), defaultPort) }
        guard (1...5).contains(portText.count), portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(portText),
              (1...65535).contains(port) else { throw .badPort }
        return (String(host), port)
    }

    private static func tlsMode(query: Substring?) throws(PostgresURLError) -> TLSMode {
        guard let query else { return .disable }
        var mode: TLSMode?
        for pair in query.split(separator: "&", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == "sslmode" else { throw .unknownParameter }
            guard mode == nil else { throw .repeatedParameter }
            guard let m = TLSMode(rawValue: String(parts[1])) else { throw .badSSLMode }
            mode = m
        }
        return mode ?? .disable
    }

    /// Percent-decoded, refusing control characters (a user or database name never has them).
    private static func decode(_ text: Substring) -> String? {
        guard let decoded = String(text).removingPercentEncoding,
              !decoded.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return nil }
        return decoded
    }

    private static func encode(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// Why a `serve --db` value is not a database the relay can use. The messages quote no part of
/// the URL: it may hold a password.
public enum PostgresURLError: Error, Equatable, CustomStringConvertible {
    public enum Part: String, Sendable { case user, database }

    case unsupportedScheme
    case password
    case missingUser
    case missingHost
    case badHost
    case badPort
    case missingDatabase
    case badDatabase
    case badPercentEncoding(Part)
    case unknownParameter
    case repeatedParameter
    case badSSLMode
    case fragment

    public var description: String {
        switch self {
        case .unsupportedScheme:
            "the database URL must start with postgres:// or postgresql:// (or give a file path for SQLite)"
        case .password:
            "the database URL carries a password: give it in the PGPASSWORD environment variable or in a file named by --db-password-file, never on the command line"
        case .missingUser: "the database URL names no user: postgres://USER@HOST:PORT/DATABASE"
        case .missingHost: "the database URL names no host: postgres://USER@HOST:PORT/DATABASE"
        case .badHost: "the database URL's host must be a name, an IPv4 address or an IPv6 address in brackets"
        case .badPort: "the database URL's port must be a number from 1 to 65535"
        case .missingDatabase: "the database URL names no database: postgres://USER@HOST:PORT/DATABASE"
        case .badDatabase: "the database URL's path must be one database name, without '/'"
        case .badPercentEncoding(let part): "the database URL's \(part.rawValue) has a bad %-escape or a control character"
        case .unknownParameter: "the database URL accepts one parameter only: sslmode"
        case .repeatedParameter: "the database URL gives sslmode more than once"
        case .badSSLMode: "the database URL's sslmode must be disable or verify-full"
        case .fragment: "the database URL must not have a #fragment"
        }
    }
}
