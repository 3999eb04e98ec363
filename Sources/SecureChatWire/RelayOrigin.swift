/// The origin a client meant to reach, as the relay-auth signature names it: `ws://host:port` or
/// `wss://host:port`, host in lowercase (an IPv6 address in brackets), port always written. A
/// relay compares origins as these exact strings.
public enum RelayOrigin {
    /// `scheme` is `ws` or `wss` (`http`/`https` are taken as their WebSocket counterparts); a
    /// missing port is the scheme's default (80, 443). Nil for another scheme, an empty host or
    /// host with characters outside a DNS name or IP address, or a port outside 1–65535.
    public static func canonical(scheme: String, host: String, port: Int?) -> String? {
        let ws: String
        switch scheme.lowercased() {
        case "ws", "http": ws = "ws"
        case "wss", "https": ws = "wss"
        default: return nil
        }
        var h = host.lowercased()
        if h.hasPrefix("["), h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        guard !h.isEmpty, h.utf8.count <= 253,
              h.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2d || $0 == 0x2e || $0 == 0x3a || $0 == 0x5f })
        else { return nil }
        let p = port ?? (ws == "wss" ? 443 : 80)
        guard (1...65535).contains(p) else { return nil }
        return "\(ws)://" + (h.contains(":") ? "[\(h)]" : h) + ":\(p)"
    }

    /// The origin a request's `Host` header (`host`, `host:port`, `[v6]:port`) names on a relay
    /// that serves `tls` or not; nil when it is not a host and port.
    public static func fromHost(_ header: String, tls: Bool) -> String? {
        var host = Substring(header)
        var port: Int?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let p = Int(rest.dropFirst()) else { return nil }
                port = p
            }
            host = host[...close]
        } else if let colon = host.lastIndex(of: ":") {
            guard let p = Int(host[host.index(after: colon)...]) else { return nil }
            port = p
            host = host[..<colon]
        }
        return canonical(scheme: tls ? "wss" : "ws", host: String(host), port: port)
    }

    /// The origin of a URL given as `scheme://host[:port][/path]` (for `serve --public-url`).
    public static func fromURL(_ url: String) -> String? {
        guard let colon = url.firstIndex(of: ":"), url[colon...].hasPrefix("://") else { return nil }
        let scheme = String(url[..<colon])
        var authority = url[url.index(colon, offsetBy: 3)...]
        if let slash = authority.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { authority = authority[..<slash] }
        let tls: Bool
        switch scheme.lowercased() {
        case "ws", "http": tls = false
        case "wss", "https": tls = true
        default: return nil
        }
        guard !authority.contains("@") else { return nil }
        return fromHost(String(authority), tls: tls)
    }
}
