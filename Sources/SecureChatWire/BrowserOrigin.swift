/// Which WebSocket upgrade requests a relay accepts by their `Origin` header (docs/protocol.md,
/// "Transport"). Browsers send the origin of the page that opens the socket, `http(s)://host:port`,
/// and a page may open sockets to any site: only this relay's own pages may connect, or any site
/// could act in its visitors' names. Programs (`securechat connect`, which sends `ws://127.0.0.1`,
/// or clients that send none) are not browsers, can write any header, and are allowed; so is
/// every other `ws`/`wss` origin. `null` (sandboxed or local pages) and other schemes come from
/// browsers, and are refused.
public enum BrowserOrigin {
    /// `relayOrigins` are the relay's own origins as the relay-auth signature names them
    /// (`ws://host:port`, `wss://host:port`): a page's `http(s)` origin must map to one of them.
    public static func mayConnect(origin: String?, relayOrigins: [String]) -> Bool {
        guard let origin else { return true }
        let lower = origin.lowercased()
        if lower.hasPrefix("ws://") || lower.hasPrefix("wss://") { return true }
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else { return false }
        // An origin is scheme://host[:port] and nothing more: no path, query, fragment or user.
        let rest = lower.drop(while: { $0 != ":" }).dropFirst(3)
        guard !rest.contains(where: { "/?#@".contains($0) }), let canonical = RelayOrigin.fromURL(origin) else { return false }
        return relayOrigins.contains(canonical)
    }
}
