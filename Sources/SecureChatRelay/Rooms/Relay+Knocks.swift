import Logging
import SecureChatCrypto
import SecureChatWire

/// Approval rooms: knocks (by room id or join code), approvals, denials, timeouts.
extension Relay {
    func knock(_ f: ClientFrame.Knock, conn: RelayConnection, now: Double) async {
        guard let peer = conn.peer else { return }
        if let refusal = limiter.knock(conn.address, now: now) { return refuse(refusal, conn, room: f.roomID) }
        let roomID: String
        if let code = f.code {
            if let refusal = limiter.mayTryCode(conn.address, now: now) { return refuse(refusal, conn) }
            guard let found = knocks.room(forCode: code) else {
                limiter.wrongCode(conn.address, now: now)
                logger.info("wrong join code", metadata: ["conn": "\(conn.id)"])
                return conn.send(.error(.init(.badCode, "no room has this join code; codes change every few minutes")))
            }
            roomID = found
        } else {
            roomID = f.roomID ?? ""
        }
        do {
            guard let room = try await store.room(roomID) else {
                return refuse(ErrorFrame(.roomNotFound, "no such room on this relay", roomID: roomID), conn)
            }
            guard Double(room.expiresAt) > now else { return refuse(ErrorFrame(.roomExpired, "the room has expired", roomID: room.id), conn) }
            guard room.policy == .approval else {
                return refuse(ErrorFrame(.wrongPolicy, "this is an open room: join it with its invite link", roomID: room.id), conn)
            }
            let members = try await store.members(room.id)
            guard !members.contains(where: { $0.signingKey == peer.signingKey }) else {
                return refuse(ErrorFrame(.alreadyMember, "already a member: join instead", roomID: room.id), conn)
            }
            // Told, rather than left knocking on a door that no member is asked to open.
            guard try await !store.wasRemoved(room.id, peer.signingKey) else {
                return refuse(ErrorFrame(.removed, "you were removed from this room", roomID: room.id), conn)
            }
            guard members.count < room.maxMembers else {
                return refuse(ErrorFrame(.roomFull, "the room has its maximum of \(room.maxMembers) members", limit: .membersPerRoom,
                                         roomID: room.id), conn)
            }
            let k = knocks.add(room: room.id, connection: conn, peer: peer, binding: f.binding.bytes, name: f.name ?? peer.name, note: f.note, now: now,
                               timeout: configuration.knockTimeout)
            conn.machine.withLockedValue { $0.didKnock(room: room.id, knockID: k.id) }
            conn.send(.knocked(.init(roomID: room.id, knockID: k.id, expiresAt: CheckedNumbers.seconds(k.expiresAt))))
            hub.broadcast(k.notice, to: room.id)
            logger.info("knock", metadata: ["conn": "\(conn.id)", "room": "\(room.id)", "knock": "\(k.id)",
                                            "by_code": "\(f.code != nil)"])
        } catch {
            refuse(error, conn, room: roomID)
        }
    }

    func deny(_ f: ClientFrame.Deny, conn: RelayConnection, now: Double) {
        guard let peer = conn.peer else { return }
        guard let k = knocks.take(f.knockID, room: f.roomID) else {
            return refuse(ErrorFrame(.knockNotFound, "no such knock pending in this room", roomID: f.roomID), conn)
        }
        k.connection.machine.withLockedValue { $0.knockEnded(k.id) }
        k.connection.send(.denied(.init(roomID: f.roomID, reason: f.reason)))
        logger.info("knock denied", metadata: ["conn": "\(conn.id)", "room": "\(f.roomID)", "knock": "\(k.id)"])
        hub.broadcast(.event(.init(roomID: f.roomID, event: .deny, member: WireBytes(k.peer.signingKey), name: k.name,
                                   by: WireBytes(peer.signingKey), time: Int64(now))), to: f.roomID)
    }

    /// Ends knocks nobody answered in time.
    func expireKnocks(now: Double) {
        for k in knocks.takeExpired(now: now) {
            k.connection.machine.withLockedValue { $0.knockEnded(k.id) }
            k.connection.send(.error(.init(.knockTimeout, "nobody answered the knock in time", roomID: k.room)))
            logger.info("knock timed out", metadata: ["room": "\(k.room)", "knock": "\(k.id)"])
            hub.broadcast(.event(.init(roomID: k.room, event: .knockExpired, member: WireBytes(k.peer.signingKey), name: k.name,
                                       time: Int64(now))), to: k.room)
        }
    }
}
