import Logging
import SecureChatCrypto
import SecureChatGroup
import SecureChatWire

/// Creating, joining, leaving and expiring rooms.
extension Relay {
    func createRoom(_ f: ClientFrame.CreateRoom, ttl: UInt64, maxMembers: UInt32, genesis: GroupState, conn: RelayConnection,
                    now: Double) async {
        guard let peer = conn.peer else { return }
        let t = Int64(now)
        // Whole seconds, rounded up: a room lives at least as long as it asked for. `ttl` is the
        // client's (checked against --max-ttl, itself a flag), so the sum saturates, never traps.
        let expiresAt = CheckedNumbers.add(CheckedNumbers.seconds(now.rounded(.up)), Int64(clamping: ttl))
        let record = RoomRecord(id: f.roomID, policy: f.policy, name: f.name, owner: peer.signingKey, accessKey: f.accessKey?.bytes,
                                createdAt: t, expiresAt: expiresAt, maxMembers: Int(maxMembers), lastSeq: 0)
        let owner = MemberRecord(signingKey: peer.signingKey, agreementKey: peer.agreementKey, name: peer.name, role: .owner)
        do {
            let commit = try GroupCommit(parsing: f.commit.bytes)
            let room = try await store.createRoom(record, owner: owner, genesis: commit, state: genesis, address: conn.address,
                                                  roomsPerAddress: configuration.limits.roomsPerAddress, now: t)
            if room.policy == .approval { _ = knocks.code(for: room.id) }
            logger.info("room created", metadata: ["conn": "\(conn.id)", "room": "\(room.id)", "policy": "\(room.policy.rawValue)",
                                                   "ttl": "\(ttl)", "max_members": "\(maxMembers)"])
            conn.send(.roomCreated(.init(roomID: room.id, policy: room.policy, expiresAt: room.expiresAt, maxMembers: room.maxMembers)))
        } catch {
            refuse(error, conn)
        }
    }

    /// Admits a member, or an open room's joiner with a valid access proof; then registers the
    /// connection and queues the prelude and the history replay.
    func join(_ f: ClientFrame.Join, conn: RelayConnection, now: Double) async {
        guard let peer = conn.peer else { return }
        do {
            guard let room = try await store.room(f.roomID) else {
                return refuse(ErrorFrame(.roomNotFound, "no such room on this relay", roomID: f.roomID), conn)
            }
            guard Double(room.expiresAt) > now else { return refuse(ErrorFrame(.roomExpired, "the room has expired", roomID: room.id), conn) }
            // Before membership is read: a removal from here on keeps this join from registering.
            let ticket = hub.ticket(room: room.id, member: peer.signingKey)
            var member = try await store.member(room.id, peer.signingKey)
            if member == nil, try await store.wasRemoved(room.id, peer.signingKey) {
                return refuse(ErrorFrame(.removed, "you were removed from this room", roomID: room.id), conn)
            }
            if member == nil {
                switch room.policy {
                case .approval:
                    return refuse(ErrorFrame(.notMember, "this is an approval room: knock and wait for a member to approve", roomID: room.id), conn)
                case .open:
                    let challenge = conn.machine.withLockedValue { $0.challenge }
                    guard let proof = f.proof, let accessKey = room.accessKey,
                          let key = try? Curve25519.Signing.PublicKey(rawRepresentation: accessKey),
                          key.isValidSignature(proof.bytes, for: SignedPayload.join(challenge: challenge, signingKey: peer.signingKey)) else {
                        return refuse(ErrorFrame(.badProof, "joining an open room needs a proof made with its room key", roomID: room.id), conn)
                    }
                    let record = MemberRecord(signingKey: peer.signingKey, agreementKey: peer.agreementKey, name: peer.name, role: .member)
                    if try await store.addMember(room.id, record, now: Int64(now)) {
                        logger.info("member joined", metadata: ["conn": "\(conn.id)", "room": "\(room.id)", "member": "\(Self.keyID(peer.signingKey))"])
                        hub.broadcast(.event(.init(roomID: room.id, event: .join, member: WireBytes(peer.signingKey),
                                                   agreementKey: WireBytes(peer.agreementKey), name: peer.name,
                                                   time: Int64(now))), to: room.id)
                    }
                    member = record
                }
            }
            guard let member else { return }
            let members = try await store.members(room.id)
            let pending = room.policy == .approval ? knocks.pending(in: room.id) : []
            let code = room.policy == .approval ? knocks.code(for: room.id) : nil
            let alive = conn.machine.withLockedValue { m in
                guard m.phase == .authenticated else { return false }
                m.didJoin(room.id)
                return true
            }
            guard alive else { return }
            let registered = hub.join(conn, room: room.id, member: peer.signingKey, ticket: ticket, committedSeq: room.lastSeq,
                                      after: f.afterSeq ?? 0, time: Int64(now)) { through, online in
                var frames: [ServerFrame] = [
                    .joined(.init(roomID: room.id, role: member.role, policy: room.policy, name: room.name, expiresAt: room.expiresAt,
                                  maxMembers: room.maxMembers, lastSeq: through)),
                    .roster(.init(roomID: room.id, members: members.map {
                        .init(member: WireBytes($0.signingKey), agreementKey: WireBytes($0.agreementKey), name: $0.name, role: $0.role,
                              online: online.contains($0.signingKey), nameVersion: $0.nameVersion > 0 ? UInt64($0.nameVersion) : nil,
                              nameSignature: $0.nameVersion > 0 ? $0.nameSignature.map(WireBytes.init) : nil)
                    })),
                ]
                frames += pending.map(\.notice)
                if let code { frames.append(.code(.init(roomID: room.id, code: code.code, expiresAt: code.expiresAt))) }
                return frames
            }
            guard registered else {
                // Removed (or left from another connection) while this join was under way.
                conn.machine.withLockedValue { $0.didLeave(room.id) }
                let removed = try await store.wasRemoved(room.id, peer.signingKey)
                return refuse(removed ? ErrorFrame(.removed, "you were removed from this room", roomID: room.id)
                                      : ErrorFrame(.notMember, "your membership of this room ended", roomID: room.id), conn)
            }
            logger.info("joined", metadata: ["conn": "\(conn.id)", "room": "\(room.id)", "after": "\(f.afterSeq ?? 0)",
                                             "last_seq": "\(room.lastSeq)"])
        } catch {
            refuse(error, conn, room: f.roomID)
        }
    }

    /// Unjoins every connection of `member` from `room`, telling each with `farewell`; a join of
    /// that member still under way will not register (`RoomHub.revoke`). Called after the
    /// database has ended the membership.
    func detach(member: [UInt8], from room: String, farewell: ServerFrame) {
        for c in hub.revoke(member: member, in: room) {
            c.machine.withLockedValue { $0.didLeave(room) }
            c.send(farewell)
        }
    }

    /// Deletes rooms past their expiry: the database first, then members are told and unjoined.
    func expireRooms(now: Double) async {
        do {
            for room in try await store.expiredRooms(now: Int64(now)) {
                try await store.deleteRoom(room)
                knocks.forgetCode(of: room)
                let event = ServerFrame.event(.init(roomID: room, event: .expire, time: Int64(now)))
                let joined = hub.remove(room: room)
                for c in joined {
                    c.machine.withLockedValue { $0.didLeave(room) }
                    c.send(event)
                }
                for k in knocks.takeAll(in: room) {
                    k.connection.machine.withLockedValue { $0.knockEnded(k.id) }
                    k.connection.send(.error(.init(.roomExpired, "the room expired", roomID: room)))
                }
                logger.info("room expired", metadata: ["room": "\(room)", "joined": "\(joined.count)"])
            }
        } catch {
            logger.error("expiry sweep failed", metadata: Self.failure(error))
        }
    }

    /// New join codes for every live approval room, announced to its joined members.
    func rotateCodes(now: Double) async {
        do {
            let rooms = try await store.approvalRooms(now: Int64(now))
            let expires = CheckedNumbers.seconds(now + configuration.codeInterval)
            for (room, code) in knocks.rotateCodes(rooms: rooms, expiresAt: expires) {
                hub.broadcast(.code(.init(roomID: room, code: code, expiresAt: expires)), to: room)
            }
            logger.debug("join codes rotated", metadata: ["rooms": "\(rooms.count)"])
        } catch {
            logger.error("join code rotation failed", metadata: Self.failure(error))
        }
    }

    /// Answers a failed request: a protocol error as is, anything else as `internal_error`
    /// (logged by type only: database errors can quote the values of a statement).
    /// A member's signed name: stored if newer than the one kept, then announced to the room
    /// (the member's own connections included) with the statement, which clients verify.
    func setName(_ f: ClientFrame.SetName, conn: RelayConnection, now: Double) async {
        guard let peer = conn.peer else { return }
        do {
            switch try await store.setName(f.roomID, peer.signingKey, name: f.name, version: Int64(f.version), signature: f.signature.bytes) {
            case .stored:
                logger.info("member renamed", metadata: ["conn": "\(conn.id)", "room": "\(f.roomID)", "member": "\(Self.keyID(peer.signingKey))"])
                hub.broadcast(.event(.init(roomID: f.roomID, event: .name, member: WireBytes(peer.signingKey), name: f.name,
                                           time: Int64(now), nameVersion: f.version, nameSignature: f.signature)), to: f.roomID)
            case .stale:
                refuse(ErrorFrame(.staleName, "this room has a name statement of yours with this version or a later one; sign with a higher version",
                                  roomID: f.roomID), conn)
            case .notMember:
                refuse(ErrorFrame(.notMember, "your membership of this room ended", roomID: f.roomID), conn)
            }
        } catch {
            refuse(error, conn, room: f.roomID)
        }
    }

    func refuse(_ error: any Error, _ conn: RelayConnection, room: String? = nil) {
        if let e = error as? ErrorFrame {
            logRefusal(e, conn)
            conn.send(.error(e))
        } else {
            logger.error("request failed", metadata: Self.failure(error, ["conn": "\(conn.id)"]))
            conn.send(.error(.init(.internalError, "the relay failed to handle this request", roomID: room)))
        }
    }
}
