#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IP network in CIDR notation: `10.0.0.0/8`, `2001:db8::/32`; a bare address is the network
/// of that one address (`/32` or `/128`). IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) are
/// read as the IPv4 address they carry, so one rule covers a proxy however its socket is seen.
public struct IPNetwork: Sendable, Equatable, CustomStringConvertible {
    /// 4 or 16 bytes, host bits zero.
    let bytes: [UInt8]
    /// Leading bits that must match: 0–32 for IPv4, 0–128 for IPv6.
    let prefix: Int

    /// nil unless `text` is `ADDRESS` or `ADDRESS/PREFIX` with an in-range decimal prefix.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress.parse(String(parts[0])) else { return nil }
        let bits = address.count * 8
        var prefix = bits
        if parts.count == 2 {
            // Digits only (no sign, no spaces), at most three of them.
            guard (1...3).contains(parts[1].count), parts[1].allSatisfy(\.isASCIIDigit), let p = Int(parts[1]), p <= bits else { return nil }
            prefix = p
        }
        self.prefix = prefix
        self.bytes = address.enumerated().map { i, byte in
            let kept = max(0, min(8, prefix - i * 8))
            return kept == 8 ? byte : byte & ~(UInt8(0xFF) >> kept)
        }
    }

    /// Whether `address` (4 or 16 bytes, as `IPAddress.parse` gives) is in this network.
    func contains(_ address: [UInt8]) -> Bool {
        guard address.count == bytes.count else { return false }
        for i in 0..<bytes.count {
            let kept = max(0, min(8, prefix - i * 8))
            if kept == 0 { return true }
            let mask = kept == 8 ? UInt8(0xFF) : ~(UInt8(0xFF) >> kept)
            if address[i] & mask != bytes[i] { return false }
        }
        return true
    }

    public var description: String { "\(IPAddress.text(bytes))/\(prefix)" }
}

/// IP addresses as text, read and written by the C library (`inet_pton`, `inet_ntop`).
enum IPAddress {
    /// 4 bytes for IPv4 (also for an IPv4-mapped IPv6 address), 16 for IPv6; nil for anything
    /// else, including zone ids (`fe80::1%eth0`) and surrounding spaces.
    static func parse(_ text: String) -> [UInt8]? {
        guard !text.isEmpty, text.utf8.count <= 45 else { return nil }
        var v4 = [UInt8](repeating: 0, count: 4)
        if text.withCString({ inet_pton(AF_INET, $0, &v4) }) == 1 { return v4 }
        var v6 = [UInt8](repeating: 0, count: 16)
        guard text.withCString({ inet_pton(AF_INET6, $0, &v6) }) == 1 else { return nil }
        if v6[0..<10].allSatisfy({ $0 == 0 }) && v6[10] == 0xFF && v6[11] == 0xFF { return Array(v6[12...]) }
        return v6
    }

    /// The canonical text of 4 or 16 bytes (what the relay's per-address limits are keyed by).
    static func text(_ bytes: [UInt8]) -> String {
        var out = [UInt8](repeating: 0, count: 64)
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let written = out.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { inet_ntop(family, bytes, $0.baseAddress, socklen_t($0.count)) != nil }
        }
        guard written, let end = out.firstIndex(of: 0) else { return "unknown" }
        return String(decoding: out[..<end], as: UTF8.self)
    }
}

/// Which header a trusted proxy names the client in (`serve --forwarded-header`).
public enum ForwardedHeader: String, Sendable, CaseIterable {
    /// `X-Forwarded-For: client, proxy1, proxy2`: what nginx's `$proxy_add_x_forwarded_for` writes.
    case xForwardedFor = "x-forwarded-for"
    /// RFC 7239 `Forwarded: for=client;proto=https, for="[2001:db8::1]:4711"`.
    case forwarded
}

/// Why a request from a trusted proxy could not be attributed to a client (HTTP 400).
public struct ForwardedAddressError: Error, Equatable, CustomStringConvertible {
    public let description: String
}

/// The address a request counts against in the per-address limits (docs/operating.md,
/// "Behind a proxy"). A connection from an address outside `trusted` is its own client, and
/// whatever forwarding headers it sent are ignored. A connection from a trusted proxy is
/// attributed to the address that proxy names: the header's entries are read from the right
/// (the nearest hop first), trusted proxies are skipped, and the first other address is the
/// client. Entries to the left of it were written by the client itself and are never read.
/// With no header, the proxy itself is the client (e.g. its own health checks).
enum ClientAddress {
    /// At most this many entries are read from one header.
    static let maxHops = 32

    /// - Parameters:
    ///   - peer: the socket's remote IP address as text (nil when unknown).
    ///   - headerValues: every value of the configured header, in the order received.
    /// - Throws: `ForwardedAddressError` when a trusted proxy sent a header that names no usable
    ///   address (malformed entry, `unknown` or obfuscated identifier, too many hops).
    static func resolve(peer: String?, headerValues: [String], header: ForwardedHeader, trusted: [IPNetwork]) throws(ForwardedAddressError)
        -> String {
        guard let peer, let peerBytes = IPAddress.parse(peer) else { return peer ?? "unknown" }
        guard trusted.contains(where: { $0.contains(peerBytes) }) else { return client(peerBytes) }
        let entries = headerValues.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
        if entries.isEmpty { return client(peerBytes) }
        var leftmost = peerBytes
        // Only the hops up to the first untrusted one are read (and counted): what a client wrote
        // to the left of that can neither choose its address nor make the request fail.
        for (read, entry) in entries.reversed().enumerated() {
            guard read < maxHops else {
                throw ForwardedAddressError(description: "\(header.rawValue) names more than \(maxHops) trusted proxies")
            }
            let address = try parseEntry(String(entry), header: header)
            if !trusted.contains(where: { $0.contains(address) }) { return client(address) }
            leftmost = address
        }
        // Every hop is a trusted proxy: the first of them is as close to a client as there is.
        return client(leftmost)
    }

    /// What one client is, for the limits: an IPv4 address, or an IPv6 /64 network (one
    /// subscriber's usual allocation, in which any address is the client's to choose), written
    /// `2001:db8:1:2::/64`.
    static func client(_ address: [UInt8]) -> String {
        guard address.count == 16 else { return IPAddress.text(address) }
        return IPAddress.text(Array(address[0..<8]) + [UInt8](repeating: 0, count: 8)) + "/64"
    }

    /// One hop: an address (`192.0.2.1`, `2001:db8::1`), optionally with a port (`192.0.2.1:80`,
    /// `[2001:db8::1]:80`); for `Forwarded`, the `for=` parameter of one element, possibly quoted.
    static func parseEntry(_ raw: String, header: ForwardedHeader) throws(ForwardedAddressError) -> [UInt8] {
        var node = raw.trimmingOWS
        if header == .forwarded {
            let pairs = node.split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingOWS }
            let fors = pairs.filter { $0.lowercased().hasPrefix("for=") }
            guard fors.count == 1 else {
                throw ForwardedAddressError(description: "a Forwarded element needs exactly one for= parameter: '\(printable(raw))'")
            }
            node = String(fors[0].dropFirst(4))
            if node.hasPrefix("\"") {
                guard node.count >= 2, node.hasSuffix("\""), !node.dropFirst().dropLast().contains("\"") else {
                    throw ForwardedAddressError(description: "unbalanced quotes in Forwarded: '\(printable(raw))'")
                }
                node = String(node.dropFirst().dropLast())
            }
        }
        guard let address = hostOfNode(node) else {
            throw ForwardedAddressError(description: "\(header.rawValue) names no IP address: '\(printable(raw))'")
        }
        return address
    }

    /// `ADDRESS`, `IPV4:PORT`, `[IPV6]` or `[IPV6]:PORT`; a port is 1–5 digits.
    private static func hostOfNode(_ node: String) -> [UInt8]? {
        if let bare = IPAddress.parse(node) { return bare }
        var host = Substring(node)
        var port: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let after = host[host.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                port = after.dropFirst()
            }
            host = host[host.index(after: host.startIndex)..<close]
            guard let v6 = IPAddress.parse(String(host)), host.contains(":") else { return nil }
            if let port, !isPort(port) { return nil }
            return v6
        }
        guard let colon = host.lastIndex(of: ":"), !host[..<colon].contains(":") else { return nil }
        port = host[host.index(after: colon)...]
        host = host[..<colon]
        guard let port, isPort(port), let v4 = IPAddress.parse(String(host)), v4.count == 4 else { return nil }
        return v4
    }

    private static func isPort(_ s: Substring) -> Bool { (1...5).contains(s.count) && s.allSatisfy(\.isASCIIDigit) }

    /// Header text for an error message: printable ASCII only, at most 80 characters.
    private static func printable(_ s: String) -> String {
        String(s.unicodeScalars.prefix(80).map { (0x20..<0x7F).contains($0.value) ? Character($0) : "?" })
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

private extension StringProtocol {
    /// Without the optional white space (spaces and tabs) HTTP allows around list elements.
    var trimmingOWS: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
