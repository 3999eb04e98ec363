import Hummingbird
import SecureChatCrypto
import SecureChatWire

/// `GET /api/rooms/ROOM_ID/log?after=N`: a member's export of the room's ciphertexts, one
/// Fernet token per line, for archiving or for `securechat decrypt` by hand. Authenticated by a
/// signature over the request (docs/protocol.md, "HTTP"); the relay still learns nothing new.
struct LogExportController {
    let relay: Relay
    static let pageSize = 10_000
    static let clockSkew: Int64 = 300

    func addRoutes(to router: Router<RelayRequestContext>) {
        router.get("/api/rooms/:room/log") { request, context -> Response in
            await export(request, room: context.parameters.get("room") ?? "")
        }
    }

    func export(_ request: Request, room: String) async -> Response {
        func fail(_ status: HTTPResponse.Status, _ message: String) -> Response {
            PageController.respond(status, type: "text/plain; charset=utf-8", message + "\n")
        }
        guard Validation.isRoomID(room) else { return fail(.notFound, "not a room id") }
        let query = request.uri.queryParameters
        let afterText = query.get("after") ?? "0"
        guard let after = Int64(afterText), after >= 0 else { return fail(.badRequest, "after must be a sequence number") }
        let jsonLines = query.get("format") == "jsonl"
        guard let keyText = request.headers[.init("X-Securechat-Key")!], let key = Base64URL.decode(keyText), key.count == 32,
              let timeText = request.headers[.init("X-Securechat-Time")!], let time = Int64(timeText),
              let sigText = request.headers[.init("X-Securechat-Signature")!], let signature = Base64URL.decode(sigText)
        else { return fail(.unauthorized, "sign the request: X-Securechat-Key, X-Securechat-Time, X-Securechat-Signature") }
        guard abs(time - Int64(Relay.now)) <= Self.clockSkew else { return fail(.unauthorized, "X-Securechat-Time is too far from the relay's clock") }
        guard let pub = try? Curve25519.Signing.PublicKey(rawRepresentation: key),
              pub.isValidSignature(signature, for: SignedPayload.logExport(roomID: room, after: after, time: time))
        else { return fail(.unauthorized, "the signature does not verify") }
        do {
            guard try await relay.store.room(room) != nil else { return fail(.notFound, "no such room on this relay") }
            guard try await relay.store.member(room, key) != nil else { return fail(.forbidden, "only members may export the log") }
            let messages = try await relay.store.messages(room, after: after, limit: Self.pageSize)
            var body = ""
            for m in messages {
                if jsonLines {
                    let line = ServerFrame.Message(roomID: room, seq: m.seq, sender: WireBytes(m.sender), clientID: m.clientID,
                                                   ciphertext: m.ciphertext, time: m.time)
                    body += String(decoding: FrameCoding.encode(.message(line)), as: UTF8.self) + "\n"
                } else {
                    body += m.ciphertext + "\n"
                }
            }
            var response = PageController.respond(.ok, type: jsonLines ? "application/jsonl" : "text/plain; charset=utf-8", body)
            response.headers[.init("X-Securechat-Last-Seq")!] = String(messages.last?.seq ?? after)
            relay.logger.info("log exported", metadata: ["room": "\(room)", "after": "\(after)", "messages": "\(messages.count)"])
            return response
        } catch {
            relay.logger.error("log export failed", metadata: ["room": "\(room)", "error": "\(type(of: error))"])
            return fail(.internalServerError, "the relay failed to read the log")
        }
    }
}
