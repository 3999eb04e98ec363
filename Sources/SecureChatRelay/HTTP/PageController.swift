import Foundation
import Hummingbird
import SecureChatWeb
import SecureChatWire

/// `GET /health`, `GET /metrics` (Prometheus, for allowed addresses), and the browser client: `GET /` (create or join a room), `GET /join/ROOM_ID`
/// (the target of invite links) and `GET /assets/NAME`. The pages never need a room key: an
/// invite's key is in the link's `#` fragment, which browsers keep to themselves, and the client
/// reads it there (docs/security.md, "What a browser user trusts").
struct PageController {
    let relay: Relay

    func addRoutes(to router: Router<RelayRequestContext>) {
        router.get("/health") { _, _ -> Response in
            Self.respond(.ok, type: "application/json", Array(#"{"protocol":\#(RelayProtocol.version),"status":"ok"}"#.utf8))
        }
        router.get("/metrics") { [relay] request, context -> Response in
            // Not advertised to anyone it is not for: the same answer as an unknown path. Exactly
            // this path (the router also matches "/metrics/", which a proxy rule may not cover).
            let client = try context.clientAddress(of: request, relay: relay)
            guard request.uri.path == "/metrics", let bytes = IPAddress.parse(client),
                  relay.configuration.metricsAllowed.contains(where: { $0.contains(bytes) }) else {
                return Self.notFound()
            }
            return Self.respond(.ok, type: "text/plain; version=0.0.4; charset=utf-8", relay.metrics.page(liveRooms: relay.hub.joinedRoomCount))
        }
        router.get("/") { _, _ -> Response in Self.page() }
        router.get("/join/:room") { _, context -> Response in
            guard let room = context.parameters.get("room"), Validation.isRoomID(room) else {
                return Self.respond(.notFound, type: "text/plain; charset=utf-8", Array("not a room id\n".utf8))
            }
            return Self.page()
        }
        router.get("/assets/:name") { _, context -> Response in
            guard let name = context.parameters.get("name") else { return Self.notFound() }
            if name == "qrcode.js" { return Self.qrLibrary() }
            guard let asset = WebAssets.files[name], name != "index.html" else { return Self.notFound() }
            return Self.respond(.ok, type: asset.contentType, asset.bytes)
        }
    }

    /// Every page and asset: no script or style but this relay's own files, no framing, no
    /// connections but to this relay, no referrer, nothing cached.
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    static func respond(_ status: HTTPResponse.Status, type: String, _ body: [UInt8]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        addStrictHeaders(&headers)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The headers of docs/security.md, "What a browser user trusts", for every response the
    /// relay gives (pages, assets, errors and not-found alike; `StrictHeadersMiddleware`).
    static func addStrictHeaders(_ headers: inout HTTPFields) {
        headers[.cacheControl] = "no-store"
        headers[.init("X-Content-Type-Options")!] = "nosniff"
        headers[.init("Referrer-Policy")!] = "no-referrer"
        headers[.init("X-Frame-Options")!] = "DENY"
        headers[.init("Cross-Origin-Opener-Policy")!] = "same-origin"
        headers[.init("Cross-Origin-Resource-Policy")!] = "same-origin"
        headers[.init("Permissions-Policy")!] = "camera=(), microphone=(), geolocation=()"
        headers[.contentSecurityPolicy] = contentSecurityPolicy
    }

    static func respond(_ status: HTTPResponse.Status, type: String, _ body: String) -> Response {
        respond(status, type: type, Array(body.utf8))
    }

    static func page() -> Response {
        let index = WebAssets.files["index.html"]!
        return respond(.ok, type: index.contentType, index.bytes)
    }

    static func notFound() -> Response {
        respond(.notFound, type: "text/plain; charset=utf-8", Array("not found\n".utf8))
    }

    /// Debian's qrcode-generator, read where the package installs it (about 50 KiB).
    static func qrLibrary() -> Response {
        guard let data = FileManager.default.contents(atPath: WebAssets.qrLibraryPath), data.count <= 1 << 20 else { return notFound() }
        return respond(.ok, type: "text/javascript; charset=utf-8", Array(data))
    }
}

/// Every response, errors and unknown paths included, carries the strict headers.
struct StrictHeadersMiddleware: RouterMiddleware {
    typealias Context = RelayRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        PageController.addStrictHeaders(&response.headers)
        return response
    }
}
