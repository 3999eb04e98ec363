import Hummingbird
import SecureChatWire

/// `GET /health` and `GET /join/ROOM_ID`. The join page never needs the room key: an invite's
/// key is in the link's `#` fragment, which browsers keep to themselves.
struct PageController {
    let relay: Relay

    func addRoutes(to router: Router<RelayRequestContext>) {
        router.get("/health") { _, _ -> Response in
            Self.respond(.ok, type: "application/json", #"{"protocol":\#(RelayProtocol.version),"status":"ok"}"#)
        }
        router.get("/join/:room") { _, context -> Response in
            guard let room = context.parameters.get("room"), Validation.isRoomID(room) else {
                return Self.respond(.notFound, type: "text/plain; charset=utf-8", "not a room id\n")
            }
            return Self.respond(.ok, type: "text/html; charset=utf-8", Self.joinPage(room: room))
        }
    }

    static func respond(_ status: HTTPResponse.Status, type: String, _ body: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-store"
        headers[.init("X-Content-Type-Options")!] = "nosniff"
        headers[.init("Referrer-Policy")!] = "no-referrer"
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// A static page: the room id is the only variable part, and it is restricted to
    /// `A-Z a-z 0-9 - _`, so it cannot carry markup; it is escaped anyway.
    static func joinPage(room: String) -> String {
        let id = escape(room)
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Join a securechat room</title>
            <style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}code{background:#eee;padding:0 .2em}</style>
            </head><body>
            <h1>Join room <code>\(id)</code></h1>
            <p>This relay forwards end-to-end encrypted messages. It cannot read them, and it never sees the room key:
            in an invite link the key follows the <code>#</code>, a part of the address your browser does not send.</p>
            <h2>With the command line</h2>
            <p>Copy the whole invite link you were given, including everything after <code>#</code>, and run:</p>
            <pre><code>securechat connect 'INVITE-LINK'</code></pre>
            <p>An invite without a key is for an approval room: <code>securechat connect</code> knocks, and a member of the
            room lets you in. You can also knock with the room's 6-digit join code.</p>
            <p>Compare fingerprints with the other members before you trust their messages.</p>
            </body></html>

            """
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
