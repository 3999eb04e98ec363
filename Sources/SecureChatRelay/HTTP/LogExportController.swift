import Hummingbird
import Logging
import NIOCore
import SecureChatCrypto
import SecureChatWire

/// `GET /api/rooms/ROOM_ID/log?after=N`: a member's export of the room's ciphertexts, one
/// Fernet token per line, for archiving or for `securechat decrypt` by hand. Authenticated by a
/// signature over the request and a nonce served once (docs/protocol.md, "HTTP"); the relay
/// still learns nothing new.
///
/// Bounded work: every response holds at most `pageSize` messages and `exportBytes` bytes of
/// ciphertext. The relay first reads only the sizes to find the last `seq` that fits (so the
/// `X-Securechat-Last-Seq` header is right before the body starts), then streams the body in
/// chunks of `chunkRows` messages read from the database as they are written.
struct LogExportController {
    let relay: Relay
    static let pageSize = 10_000
    static let chunkRows = 256
    static let clockSkew: Int64 = 300

    func addRoutes(to router: Router<RelayRequestContext>) {
        router.get("/api/rooms/:room/log") { request, context -> Response in
            await export(request, room: context.parameters.get("room") ?? "",
                         address: try context.clientAddress(of: request, relay: relay))
        }
    }

    func export(_ request: Request, room: String, address: String) async -> Response {
        func fail(_ status: HTTPResponse.Status, _ message: String) -> Response {
            PageController.respond(status, type: "text/plain; charset=utf-8", message + "\n")
        }
        guard Validation.isRoomID(room) else { return fail(.notFound, "not a room id") }
        let asked: LogExportRequest
        do throws(LogExportRequest.Failure) {
            asked = try LogExportRequest(query: request.uri.queryParameters.map { (String($0.key), String($0.value)) },
                                         headers: request.headers.map { ($0.name.rawName, $0.value) })
        } catch {
            return fail(error.isBadRequest ? .badRequest : .unauthorized, error.description)
        }
        let (after, time, nonce, key) = (asked.after, asked.time, asked.nonce, asked.key)
        let keyText = Base64URL.encode(key)
        let now = Relay.now
        // `time` is anything a client wrote; the distance is computed without trapping.
        guard CheckedNumbers.isWithin(time, Self.clockSkew, of: CheckedNumbers.seconds(now)) else {
            return fail(.unauthorized, "X-Securechat-Time is too far from the relay's clock")
        }
        guard let pub = try? Curve25519.Signing.PublicKey(rawRepresentation: key),
              pub.isValidSignature(asked.signature, for: asked.signedPayload(roomID: room))
        else { return fail(.unauthorized, "the signature does not verify") }
        if let refusal = relay.limiter.export(address, key: keyText, now: now) {
            var response = fail(.tooManyRequests, refusal)
            response.headers[.retryAfter] = "60"
            return response
        }
        // Remembered until the signed time can no longer pass the clock check.
        switch relay.exportNonces.use(nonce, until: Double(time + Self.clockSkew) + 1, now: now) {
        case .fresh: break
        case .replayed: return fail(.conflict, "this request was already served (X-Securechat-Nonce seen before): sign a new one")
        case .full: return fail(.tooManyRequests, "too many log exports in the last minutes; try again shortly")
        }
        do {
            guard try await relay.store.room(room) != nil else { return fail(.notFound, "no such room on this relay") }
            guard try await relay.store.member(room, key) != nil else { return fail(.forbidden, "only members may export the log") }
            let end = try await relay.store.exportEnd(room, after: after, rows: Self.pageSize, bytes: relay.configuration.limits.exportBytes)
            var headers = HTTPFields()
            headers[.contentType] = asked.format == .jsonl ? "application/jsonl" : "text/plain; charset=utf-8"
            headers[.init("X-Securechat-Last-Seq")!] = String(end ?? after)
            headers[.cacheControl] = "no-store"
            relay.logger.info("log exported", metadata: ["room": "\(room)", "after": "\(after)", "through": "\(end ?? after)"])
            guard let end else { return Response(status: .ok, headers: headers, body: ResponseBody()) }
            let store = relay.store, logger = relay.logger
            let body = ResponseBody { writer in
                var cursor = after
                while cursor < end {
                    let rows = try await store.messages(room, after: cursor, through: end, limit: Self.chunkRows)
                    guard let last = rows.last else { break }
                    var chunk = ByteBuffer()
                    for m in rows {
                        if asked.format == .jsonl {
                            let line = ServerFrame.Message(roomID: room, seq: m.seq, sender: WireBytes(m.sender), clientID: m.clientID,
                                                           ciphertext: m.ciphertext, time: m.time)
                            chunk.writeBytes(FrameCoding.encode(.message(line)))
                        } else {
                            chunk.writeString(m.ciphertext)
                        }
                        chunk.writeInteger(UInt8(ascii: "\n"))
                    }
                    try await writer.write(chunk)
                    cursor = last.seq
                }
                logger.debug("log export sent", metadata: ["room": "\(room)", "through": "\(cursor)"])
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: headers, body: body)
        } catch {
            relay.logger.error("log export failed", metadata: Relay.failure(error, ["room": "\(room)"]))
            return fail(.internalServerError, "the relay failed to read the log")
        }
    }
}
