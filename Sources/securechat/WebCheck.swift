import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import SecureChatClient
import SecureChatCrypto
import SecureChatWeb

/// `securechat inspect --web URL`: fetches the browser client a relay serves (`/` and every
/// `/assets/NAME`) and compares it byte for byte with the copy compiled into this program
/// (docs/security.md, "What a browser user trusts that a CLI user does not").
struct WebCheck {
    /// One served file and what was found.
    struct Result {
        enum Verdict: String { case same, differs, missing, notCompared = "not_compared" }
        var path: String
        var verdict: Verdict
        var detail: String
    }

    let scheme: String
    let host: String
    let port: Int
    /// The SHA-256 of the certificate an https relay must present, instead of one this
    /// machine's certificate authorities vouch for (`serve --tls-self-signed` prints it).
    var pin: [UInt8]? = nil

    /// The relay's address from an `http(s)://` URL (an invite link will do: only its scheme,
    /// host and port are used; its path and `#` fragment, which may hold a key, never are).
    init(url text: String) throws {
        guard let c = URLComponents(string: text), let scheme = c.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = c.host, !host.isEmpty, c.user == nil, c.password == nil else {
            throw Failure("--web takes the relay's address, http://HOST:PORT or https://HOST:PORT", status: .usage)
        }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        guard bare.utf8.count <= 253, bare.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".:-_".contains($0)) }) else {
            throw Failure("--web: not a host name or address", status: .usage)
        }
        let port = c.port ?? (scheme == "https" ? 443 : 80)
        guard (1...65535).contains(port) else { throw Failure("--web: the port must be 1 to 65535", status: .usage) }
        self.scheme = scheme
        self.host = bare.lowercased()
        self.port = port
    }

    /// `http(s)://host:port`, as reports name the relay.
    var origin: String { "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port)" }

    /// Largest file fetched; the client's largest file is a few tens of KiB.
    static let maxBody = 4 << 20
    /// Per request: connecting, sending and reading the whole answer.
    static let timeout: TimeAmount = .seconds(15)

    /// Fetches and compares every file, in name order (`/` first). Throws `Failure` (status 5)
    /// when the relay cannot be reached or speaks no HTTP.
    func run() async throws -> [Result] {
        var results = [Result]()
        let names = WebAssets.files.keys.sorted { a, b in (a == "index.html") != (b == "index.html") ? a == "index.html" : a < b }
        for name in names {
            let path = name == "index.html" ? "/" : "/assets/\(name)"
            let (status, body) = try await get(path)
            let mine = WebAssets.files[name]!.bytes
            if status != 200 {
                results.append(Result(path: path, verdict: .missing, detail: "HTTP \(status)"))
            } else if body == mine {
                results.append(Result(path: path, verdict: .same, detail: "\(body.count) bytes"))
            } else {
                results.append(Result(path: path, verdict: .differs, detail: "\(body.count) bytes served, \(mine.count) in this program"))
            }
        }
        // The QR code library is Debian's file on the relay's machine, not part of this program:
        // compared with this machine's copy of the same package when it has one.
        let (status, body) = try await get("/assets/qrcode.js")
        if status == 404 {
            results.append(Result(path: "/assets/qrcode.js", verdict: .same, detail: "not served (the page shows invites as links only)"))
        } else if status != 200 {
            results.append(Result(path: "/assets/qrcode.js", verdict: .missing, detail: "HTTP \(status)"))
        } else if let local = FileManager.default.contents(atPath: WebAssets.qrLibraryPath) {
            results.append(Array(local) == body
                ? Result(path: "/assets/qrcode.js", verdict: .same, detail: "\(body.count) bytes, as \(WebAssets.qrLibraryPath) here")
                : Result(path: "/assets/qrcode.js", verdict: .differs, detail: "differs from \(WebAssets.qrLibraryPath) here (another version of node-qrcode-generator, or altered)"))
        } else {
            results.append(Result(path: "/assets/qrcode.js", verdict: .notCompared, detail: "served, but \(WebAssets.qrLibraryPath) is not on this machine to compare with"))
        }
        return results
    }

    /// GET `path` over one HTTP/1.1 connection: the status and the body (at most `maxBody`).
    func get(_ path: String) async throws -> (Int, [UInt8]) {
        do {
            return try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { tasks in
                tasks.addTask { try await self.exchange(path) }
                tasks.addTask {
                    try await Task.sleep(for: .seconds(Self.timeout.nanoseconds / 1_000_000_000))
                    throw Failure("\(self.origin) did not answer GET \(path) within \(Self.timeout.nanoseconds / 1_000_000_000) s", status: .unreachable)
                }
                defer { tasks.cancelAll() }
                return try await tasks.next()!
            }
        } catch let f as Failure {
            throw f
        } catch let e as NIOSSLError {
            guard case .handshakeFailed = e else { throw Failure("cannot fetch \(origin)\(path): \(e)", status: .unreachable) }
            if pin != nil { throw Failure("the relay at \(origin) does not present the certificate with the SHA-256 fingerprint given", status: .unreachable) }
            throw Failure("the certificate of \(origin) is not one this machine trusts", hint:
                          "for a relay started with --tls-self-signed, give the SHA-256 fingerprint it printed: --tls-fingerprint AB:CD:…",
                          status: .unreachable)
        } catch {
            throw Failure("cannot fetch \(origin)\(path): \(error)", status: .unreachable)
        }
    }

    private func exchange(_ path: String) async throws -> (Int, [UInt8]) {
        let tls = scheme == "https"
        let host = self.host, pin = self.pin
        let context = tls ? try NIOSSLContext(configuration: .makeClientConfiguration()) : nil
        let isAddress = RelayTrust.isAddress(host)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(Self.timeout)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context, let pin {
                        // Exactly the certificate named, whoever signed it.
                        let handler = try NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : host) { certificates, promise in
                            var digest = SHA256()
                            if let leaf = certificates.first, let der = try? leaf.toDERBytes() { digest.update(der) } else { return promise.succeed(.failed) }
                            promise.succeed(digest.finalize() == pin ? .certificateVerified : .failed)
                        }
                        try channel.pipeline.syncOperations.addHandler(handler)
                    } else if let context {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : host))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
            head.headers.add(name: "Host", value: host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)")
            head.headers.add(name: "Connection", value: "close")
            head.headers.add(name: "User-Agent", value: "securechat-inspect")
            try await outbound.write(.head(head))
            try await outbound.write(.end(nil))
            var status = 0
            var body = [UInt8]()
            for try await part in inbound {
                switch part {
                case .head(let h): status = Int(h.status.code)
                case .body(let buffer):
                    guard body.count + buffer.readableBytes <= Self.maxBody else {
                        throw Failure("\(origin)\(path) is larger than \(Self.maxBody >> 20) MiB", status: .failure)
                    }
                    body += buffer.readableBytesView
                case .end: return (status, body)
                }
            }
            throw Failure("\(origin) closed the connection before answering GET \(path)", status: .unreachable)
        }
    }
}
