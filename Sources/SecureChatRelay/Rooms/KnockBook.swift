import NIOConcurrencyHelpers
import SecureChatCrypto
import SecureChatWire

/// A pending request to join an approval room. Lives in memory only.
struct Knock: Sendable {
    let id: String
    let room: String
    let connection: RelayConnection
    let peer: Peer
    /// The knocker's signature over its agreement key, checked when it knocked.
    let binding: [UInt8]
    let name: String
    let note: String?
    let time: Int64
    let expiresAt: Double

    var notice: ServerFrame {
        .knock(.init(roomID: room, knockID: id, member: WireBytes(peer.signingKey), agreementKey: WireBytes(peer.agreementKey),
                     binding: WireBytes(binding), name: name, note: note, time: time))
    }
}

/// Pending knocks and the approval rooms' join codes (memory only: neither is ever written to the
/// database or the logs).
final class KnockBook: Sendable {
    struct Codes: Sendable {
        var byRoom: [String: String] = [:]
        var byCode: [String: String] = [:]
        var expiresAt: Int64 = 0
    }

    private let knocks = NIOLockedValueBox<[String: Knock]>([:])
    private let codes = NIOLockedValueBox(Codes())

    // MARK: Knocks

    func add(room: String, connection: RelayConnection, peer: Peer, binding: [UInt8], name: String, note: String?, now: Double,
             timeout: Double) -> Knock {
        let knock = Knock(id: Base64URL.encode(SecureRandom.bytes(16)), room: room, connection: connection, peer: peer, binding: binding,
                          name: name,
                          note: note, time: Int64(now), expiresAt: now + timeout)
        knocks.withLockedValue { $0[knock.id] = knock }
        return knock
    }

    /// A pending knock of `room`, left in place.
    func peek(_ id: String, room: String) -> Knock? {
        knocks.withLockedValue { knocks in knocks[id].flatMap { $0.room == room ? $0 : nil } }
    }

    /// Removes and returns a pending knock of `room`.
    func take(_ id: String, room: String) -> Knock? {
        knocks.withLockedValue { knocks in
            guard let k = knocks[id], k.room == room else { return nil }
            knocks[id] = nil
            return k
        }
    }

    func pending(in room: String) -> [Knock] {
        knocks.withLockedValue { $0.values.filter { $0.room == room }.sorted { $0.time < $1.time } }
    }

    /// Knocks that timed out, removed.
    func takeExpired(now: Double) -> [Knock] {
        knocks.withLockedValue { knocks in
            let expired = knocks.values.filter { $0.expiresAt <= now }
            for k in expired { knocks[k.id] = nil }
            return expired
        }
    }

    /// The knocks of a connection that went away, removed.
    func take(from connection: RelayConnection) -> [Knock] {
        knocks.withLockedValue { knocks in
            let mine = knocks.values.filter { $0.connection === connection }
            for k in mine { knocks[k.id] = nil }
            return mine
        }
    }

    func takeAll(in room: String) -> [Knock] {
        knocks.withLockedValue { knocks in
            let inRoom = knocks.values.filter { $0.room == room }
            for k in inRoom { knocks[k.id] = nil }
            return inRoom
        }
    }

    /// Whether `member` already has a knock pending on `room`.
    func isKnocking(_ member: [UInt8], on room: String) -> Bool {
        knocks.withLockedValue { $0.values.contains { $0.room == room && $0.peer.signingKey == member } }
    }

    // MARK: Join codes

    /// New codes for every room in `rooms`, valid until `expiresAt`; rooms not listed lose theirs.
    func rotateCodes(rooms: [String], expiresAt: Int64) -> [(room: String, code: String)] {
        codes.withLockedValue { codes in
            codes = Codes(expiresAt: expiresAt)
            return rooms.compactMap { room in Self.assign(room, in: &codes).map { (room, $0) } }
        }
    }

    /// The room's code, made now if it has none (a room created since the last rotation).
    func code(for room: String) -> (code: String, expiresAt: Int64)? {
        codes.withLockedValue { codes in
            if let c = codes.byRoom[room] { return (c, codes.expiresAt) }
            return Self.assign(room, in: &codes).map { ($0, codes.expiresAt) }
        }
    }

    func room(forCode code: String) -> String? { codes.withLockedValue { $0.byCode[code] } }

    func forgetCode(of room: String) {
        codes.withLockedValue { codes in
            if let c = codes.byRoom.removeValue(forKey: room) { codes.byCode[c] = nil }
        }
    }

    /// Six digits, uniform, from the CSPRNG, not in use by another room. With most codes taken
    /// (900,000 live approval rooms) a room goes without one rather than making codes guessable.
    private static func assign(_ room: String, in codes: inout Codes) -> String? {
        guard codes.byCode.count < 900_000 else { return nil }
        while true {
            let n = SecureRandom.uniform(below: 1_000_000)
            let code = String(repeating: "0", count: 6 - String(n).count) + String(n)
            if codes.byCode[code] == nil {
                codes.byCode[code] = room
                codes.byRoom[room] = code
                return code
            }
        }
    }
}
