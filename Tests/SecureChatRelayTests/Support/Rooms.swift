import NIOConcurrencyHelpers
import SecureChatCore
import SecureChatCrypto
import SecureChatGroup
@testable import SecureChatRelay
import SecureChatWire
import Testing

/// A room as its members know it: the id, the room key (which the relay never sees) and the
/// group state as the test has built it (every commit a test makes is applied here first).
struct TestRoom: Sendable {
    final class Chain: Sendable {
        let state = NIOLockedValueBox<GroupState?>(nil)
    }

    let id: String
    let key: FernetKey
    let policy: RoomPolicy
    let chain = Chain()

    var access: Curve25519.Signing.PrivateKey { try! RoomAccess.signingKey(roomKey: key.rawRepresentation, roomID: id) }
    var fernet: Fernet { Fernet(key: key) }
    var group: GroupState { chain.state.withLockedValue { $0! } }

    static func make(_ policy: RoomPolicy = .open) -> TestRoom {
        TestRoom(id: Base64URL.encode(SecureRandom.bytes(16)), key: .generate(), policy: policy)
    }

    /// Applies a commit the test is about to send (the relay must accept it).
    @discardableResult
    func apply(_ c: GroupCommit) -> GroupCommit {
        chain.state.withLockedValue { state in state = try! state.map { try $0.applying(c) } ?? GroupState(genesis: c, pinnedOwner: nil) }
        return c
    }
}

extension TestPeer {
    /// Registers a room on the relay and waits for `room_created`.
    @discardableResult
    func create(_ room: TestRoom, ttl: UInt64? = nil, maxMembers: UInt32? = nil, secrets: Secrets? = nil) async throws -> ServerFrame.RoomCreated {
        secrets?.addKey("room key of \(room.id)", room.key.rawRepresentation)
        send(.createRoom(createFrame(room, ttl: ttl, maxMembers: maxMembers)))
        return try await until {
            if case .roomCreated(let c) = $0 { return c }
            if case .error(let e) = $0 { Issue.record("\(name): create_room refused: \(e.code) \(e.message)") }
            return nil
        }
    }

    func createFrame(_ room: TestRoom, ttl: UInt64? = nil, maxMembers: UInt32? = nil) -> ClientFrame.CreateRoom {
        let access: [UInt8]? = room.policy == .open ? room.access.publicKey.rawRepresentation : nil
        let payload = SignedPayload.createRoom(roomID: room.id, policy: room.policy, ttlSeconds: ttl ?? hello.limits.defaultTTLSeconds,
                                               maxMembers: maxMembers ?? UInt32(hello.limits.membersPerRoom), accessKey: access)
        let genesis = room.apply(try! GroupCommitBuilder.create(roomID: room.id, policy: room.policy, key: room.key.rawRepresentation,
                                                                owner: identity.signingKey, ownerAgreementKey: agreementKey))
        return .init(roomID: room.id, policy: room.policy, ttlSeconds: ttl, maxMembers: maxMembers, accessKey: access.map { WireBytes($0) },
                     commit: WireBytes(genesis.bytes), signature: WireBytes(try! identity.signingKey.signature(for: payload)))
    }

    /// A commit frame for `c` (already applied to the test's chain when built with `room.apply`).
    func commit(_ c: GroupCommit, in room: TestRoom) {
        send(.commit(.init(roomID: room.id, commit: WireBytes(c.bytes))))
    }

    /// Enters an open room's group state (after joining it with a proof).
    func enterGroup(_ room: TestRoom) {
        commit(room.apply(try! GroupCommitBuilder.join(room.group, key: room.key.rawRepresentation, agreementKey: agreementKey,
                                                        by: identity.signingKey)), in: room)
    }

    /// Removes `member` with a new key sealed to everyone else; returns the new key.
    func removeMember(_ member: TestPeer, from room: TestRoom) -> FernetKey {
        let newKey = FernetKey.generate()
        commit(room.apply(try! GroupCommitBuilder.remove(room.group, member: member.signingKey, newKey: newKey.rawRepresentation,
                                                          by: identity.signingKey)), in: room)
        return newKey
    }

    /// Leaves the room's group state (and so the room).
    func leaveRoom(_ room: TestRoom) {
        commit(room.apply(try! GroupCommitBuilder.leave(room.group, by: identity.signingKey)), in: room)
    }

    /// The next commit frame for `room` (of `kind`, when given; others before it are skipped).
    func nextCommit(in room: TestRoom, kind: GroupCommit.Kind? = nil) async throws -> (frame: ServerFrame.Commit, commit: GroupCommit) {
        let f = try await until { f -> ServerFrame.Commit? in
            guard case .commit(let c) = f, c.roomID == room.id, let parsed = try? GroupCommit(parsing: c.commit.bytes) else { return nil }
            return kind == nil || parsed.kind == kind ? c : nil
        }
        return (f, try GroupCommit(parsing: f.commit.bytes))
    }

    /// The room key a commit seals to this peer.
    func unseal(_ c: GroupCommit) throws -> FernetKey {
        guard let raw = try GroupKeys.openSealed(c, member: signingKey, privateKey: identity.agreementKey) else {
            throw PeerError(description: "\(name): no key sealed to it")
        }
        return try FernetKey(rawRepresentation: raw)
    }

    /// The proof an open room's joiner sends: the access key's signature over this connection's
    /// challenge and this peer's key.
    func proof(for room: TestRoom) -> WireBytes {
        WireBytes(try! room.access.signature(for: SignedPayload.join(challenge: challenge, signingKey: signingKey)))
    }

    /// Joins and waits for `synced`; returns `joined` and every frame between (roster, history…).
    @discardableResult
    func join(_ room: TestRoom, after: Int64 = 0, withProof: Bool = true) async throws -> (joined: ServerFrame.Joined, frames: [ServerFrame]) {
        send(.join(.init(roomID: room.id, afterSeq: after, proof: withProof && room.policy == .open ? proof(for: room) : nil)))
        var frames = [ServerFrame]()
        var joined: ServerFrame.Joined?
        while true {
            let f = try await next()
            switch f {
            case .joined(let j) where j.roomID == room.id: joined = j
            case .synced(let s) where s.roomID == room.id:
                guard let joined else { throw PeerError(description: "\(name): synced before joined") }
                return (joined, frames)
            case .error(let e): throw PeerError(description: "\(name): join refused: \(e.code.rawValue) \(e.message)")
            default: frames.append(f)
            }
        }
    }

    /// Encrypts `text` with the room key, sends it, and returns the client id and token.
    @discardableResult
    func say(_ text: String, in room: TestRoom, clientID: String? = nil, secrets: Secrets? = nil) -> (clientID: String, ciphertext: String) {
        secrets?.add("plaintext '\(text)'", text: text)
        let token = room.fernet.encrypt(Array(text.utf8), now: UInt64(Relay.now))
        let id = clientID ?? Base64URL.encode(SecureRandom.bytes(9))
        send(.send(.init(roomID: room.id, clientID: id, ciphertext: token)))
        return (id, token)
    }

    /// Waits for the ack of `clientID`.
    func ack(_ clientID: String) async throws -> Int64 {
        try await until {
            if case .ack(let a) = $0, a.clientID == clientID { return a.seq }
            if case .error(let e) = $0, e.clientID == clientID { Issue.record("\(name): send refused: \(e.code) \(e.message)") }
            return nil
        }
    }

    /// The next chat message, decrypted with the room key.
    func hear(in room: TestRoom) async throws -> (seq: Int64, sender: [UInt8], text: String) {
        let m = try await until { if case .message(let m) = $0, m.roomID == room.id { m } else { nil } }
        let plain = try room.fernet.decrypt(m.ciphertext, now: UInt64(Relay.now))
        return (m.seq, m.sender.bytes, String(decoding: plain, as: UTF8.self))
    }
}

extension TestPeer {
    /// Knocks (by room id or code) and waits for `knocked`.
    func knock(room: String? = nil, code: String? = nil, note: String? = nil) async throws -> ServerFrame.Knocked {
        send(.knock(knockFrame(room: room, code: code, note: note)))
        return try await until {
            if case .knocked(let k) = $0 { return k }
            if case .error(let e) = $0 { Issue.record("\(name): knock refused: \(e.code.rawValue) \(e.message)") }
            return nil
        }
    }

    func knockFrame(room: String? = nil, code: String? = nil, note: String? = nil) -> ClientFrame.Knock {
        .init(roomID: room, code: code, note: note,
              binding: WireBytes(try! identity.signingKey.signature(for: SignedPayload.agreementKey(agreementKey))))
    }

    /// An `approve` frame: the `add` commit for the knocker, with the room key sealed to it.
    func approval(of knock: ServerFrame.KnockNotice, room: TestRoom, apply: Bool = true) -> ClientFrame.Approve {
        let c = try! GroupCommitBuilder.add(room.group, joiner: knock.member.bytes, joinerAgreementKey: knock.agreementKey.bytes,
                                            key: room.key.rawRepresentation, by: identity.signingKey)
        if apply { room.apply(c) }
        return .init(roomID: room.id, knockID: knock.knockID, commit: WireBytes(c.bytes))
    }

    /// Opens an approval: the commit must admit this peer and seal it the room key.
    func open(_ approved: ServerFrame.Approved) throws -> FernetKey {
        let c = try GroupCommit(parsing: approved.commit.bytes)
        guard c.subject == signingKey, c.isSignatureValid else { throw PeerError(description: "forged approval") }
        return try unseal(c)
    }
}
