/// Where a room's relay listens: `http(s)://HOST[:PORT]`, nothing more (no path, no user
/// information). Kept as written, so a link's text round-trips exactly.
public struct ServerAddress: Sendable, Hashable, CustomStringConvertible {
    public enum Scheme: String, Sendable { case http, https }

    public let scheme: Scheme
    public let host: String
    public let port: Int?

    /// A relay on this machine, what `securechat serve` listens on by default.
    public static let local = ServerAddress(validated: .http, host: "127.0.0.1", port: 5000)

    public var description: String { "\(scheme.rawValue)://\(host)" + (port.map { ":\($0)" } ?? "") }

    private init(validated scheme: Scheme, host: String, port: Int?) {
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    /// Parses a server address as given to `--server`; a single trailing `/` is allowed.
    public init(parsing text: String) throws(InviteError) {
        let (address, rest) = try Self.parsePrefix(Substring(text))
        guard rest.isEmpty || rest == "/" else { throw .serverHasPath(String(rest)) }
        self = address
    }

    /// Reads `scheme://authority` from the start of `text`; returns the address and what follows
    /// the authority (starting at the first `/`, `?` or `#`).
    static func parsePrefix(_ text: Substring) throws(InviteError) -> (ServerAddress, Substring) {
        guard !text.isEmpty else { throw .empty }
        if let bad = text.utf8.firstIndex(where: { $0 <= 0x20 || $0 >= 0x7f }) {
            throw .invalidCharacter(offset: text.utf8.distance(from: text.utf8.startIndex, to: bad))
        }
        guard let sep = text.firstRange(of: "://") else { throw .unsupportedScheme(nil) }
        let schemeText = text[..<sep.lowerBound]
        guard let scheme = Scheme(rawValue: String(schemeText)) else { throw .unsupportedScheme(String(schemeText)) }
        let afterScheme = text[sep.upperBound...]
        let end = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
        let (host, port) = try parseAuthority(afterScheme[..<end])
        return (ServerAddress(validated: scheme, host: host, port: port), afterScheme[end...])
    }

    private static func parseAuthority(_ authority: Substring) throws(InviteError) -> (String, Int?) {
        guard !authority.isEmpty else { throw .missingHost }
        var host = authority, portText: Substring? = nil
        if authority.hasPrefix("[") {
            // IPv6 literal: [hex:digits], then an optional :port.
            guard let close = authority.firstIndex(of: "]") else { throw .invalidHost(String(authority)) }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .invalidHost(String(authority)) }
                portText = after.dropFirst()
            }
            let inner = host.dropFirst().dropLast()
            guard inner.contains(":"), inner.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw .invalidHost(String(host))
            }
        } else {
            if let colon = authority.lastIndex(of: ":") {
                host = authority[..<colon]
                portText = authority[authority.index(after: colon)...]
            }
            guard !host.isEmpty else { throw .missingHost }
            let allowed = host.utf8.allSatisfy { c in
                (0x61...0x7a).contains(c) || (0x41...0x5a).contains(c) || (0x30...0x39).contains(c) || c == 0x2d || c == 0x2e
            }
            guard allowed, host.utf8.count <= 253 else { throw .invalidHost(String(host)) }
        }
        guard let portText else { return (String(host), nil) }
        guard (1...5).contains(portText.count), portText.first != "0",
              portText.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(portText), port <= 65535 else { throw .invalidPort(String(portText)) }
        return (String(host), port)
    }
}
