import SecureChatCore
import SecureChatCrypto
@testable import SecureChatRelay
import SecureChatWire
import Testing

/// A room as its members know it: the id and the room key (which the relay never sees).
struct TestRoom: Sendable {
    let id: String
    let key: FernetKey
    let policy: RoomPolicy

    var access: Curve25519.Signing.PrivateKey { try! RoomAccess.signingKey(roomKey: key.rawRepresentation, roomID: id) }
    var fernet: Fernet { Fernet(key: key) }

    static func make(_ policy: RoomPolicy = .open) -> TestRoom {
        TestRoom(id: Base64URL.encode(SecureRandom.bytes(16)), key: .generate(), policy: policy)
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
        return .init(roomID: room.id, policy: room.policy, ttlSeconds: ttl, maxMembers: maxMembers, accessKey: access.map { WireBytes($0) },
                     signature: WireBytes(try! identity.signingKey.signature(for: payload)))
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
        send(.knock(.init(roomID: room, code: code, note: note)))
        return try await until {
            if case .knocked(let k) = $0 { return k }
            if case .error(let e) = $0 { Issue.record("\(name): knock refused: \(e.code.rawValue) \(e.message)") }
            return nil
        }
    }

    /// An `approve` frame: the room key sealed to the joiner with HPKE, signed by this member.
    func approval(of knock: ServerFrame.KnockNotice, room: TestRoom, signFor joiner: [UInt8]? = nil, roomID: String? = nil) -> ClientFrame.Approve {
        let recipient = try! Curve25519.KeyAgreement.PublicKey(rawRepresentation: knock.agreementKey.bytes)
        let sealed = try! HPKE.seal(room.key.rawRepresentation, to: recipient, info: SignedPayload.roomKeyInfo(roomID: room.id))
        let payload = SignedPayload.approve(roomID: roomID ?? room.id, joiner: joiner ?? knock.member.bytes, enc: sealed.encapsulatedKey,
                                            ct: sealed.ciphertext)
        return .init(roomID: room.id, knockID: knock.knockID, enc: WireBytes(sealed.encapsulatedKey), ct: WireBytes(sealed.ciphertext),
                     signature: WireBytes(try! identity.signingKey.signature(for: payload)))
    }

    /// Opens an approval: checks the approver's signature, then unseals the room key.
    func open(_ approved: ServerFrame.Approved) throws -> FernetKey {
        let payload = SignedPayload.approve(roomID: approved.roomID, joiner: signingKey, enc: approved.enc.bytes, ct: approved.ct.bytes)
        let approver = try Curve25519.Signing.PublicKey(rawRepresentation: approved.approver.bytes)
        guard approver.isValidSignature(approved.signature.bytes, for: payload) else { throw PeerError(description: "forged approval") }
        let raw = try HPKE.open(approved.ct.bytes, encapsulatedKey: approved.enc.bytes, privateKey: identity.agreementKey,
                                info: SignedPayload.roomKeyInfo(roomID: approved.roomID))
        return try FernetKey(rawRepresentation: raw)
    }
}
