import HummingbirdWSClient
import SecureChatCore
import SecureChatCrypto
import SecureChatGroup
import SecureChatWire
import Synchronization

/// Registers a new room on its relay (`create_room`, docs/protocol.md "Rooms"): authenticate,
/// then ask for the room, signed by the creator, who becomes its owner. An open room registers
/// the access key derived from its room key, so that joiners can prove they hold the key without
/// the relay learning it. With `signName`, the owner then joins and signs its name in the room
/// (`set_name`, docs/protocol.md "Names"), and registration ends when the relay announces it.
/// A value-type state machine like `ChatSession`; `register` runs it.
public struct RoomRegistration: Sendable {
    public enum Step: Sendable, Equatable {
        case write([ClientFrame])
        case wait
        case done(ServerFrame.RoomCreated)
        case failed(ErrorFrame)
    }

    let identity: Identity
    let room: Room
    /// The owner's display name, as members will see it.
    let name: String
    /// Sign `name` as the owner's name in the room (it was asked for, `room create --name`).
    let signName: Bool
    /// Milliseconds since 1970: the version of the name statement.
    let now: UInt64
    var sent = false
    var created: ServerFrame.RoomCreated?

    public init(identity: Identity, room: Room, name: String, signName: Bool = false, now: UInt64 = 0) {
        self.identity = identity
        self.room = room
        self.name = name
        self.signName = signName
        self.now = now
    }

    /// What `hello` and the answers to our requests lead to.
    public mutating func receive(_ frame: ServerFrame) -> Step {
        switch frame {
        case .hello(let h) where !sent:
            sent = true
            do {
                return .write([try auth(h), try createRoom(h)])
            } catch {
                return .failed(ErrorFrame(.internalError, "could not sign: \(error)"))
            }
        case .roomCreated(let c) where c.roomID == room.id.text:
            guard signName else { return .done(c) }
            created = c
            let version = min(max(now, 1), Validation.maxNameVersion)
            let payload = SignedPayload.memberName(roomID: c.roomID, version: version, name: name)
            guard let signature = try? identity.signingKey.signature(for: payload) else {
                return .failed(ErrorFrame(.internalError, "could not sign the name"))
            }
            return .write([.join(.init(roomID: c.roomID, afterSeq: 0)),
                           .setName(.init(roomID: c.roomID, name: name, version: version, signature: WireBytes(signature)))])
        case .event(let e) where e.event == .name && e.roomID == room.id.text
                              && e.member?.bytes == identity.signingKey.publicKey.rawRepresentation:
            guard let created else { return .wait }
            return .done(created)
        case .error(let e) where e.code != .notAuthenticated:
            return .failed(e)
        default:
            return .wait
        }
    }

    func auth(_ h: ServerFrame.Hello) throws -> ClientFrame {
        let payload = SignedPayload.auth(challenge: h.challenge.bytes, relayID: h.relay, origin: RelaySocket.origin(for: room.server))
        let signature = try identity.signingKey.signature(for: payload)
        return .auth(.init(signingKey: WireBytes(identity.signingKey.publicKey.rawRepresentation),
                           agreementKey: WireBytes(identity.agreementKey.publicKey.rawRepresentation),
                           name: name, signature: WireBytes(signature)))
    }

    /// The room's lifetime and member limit as the relay will store them, signed with the room
    /// id, policy and (open rooms) access key.
    func createRoom(_ h: ServerFrame.Hello) throws -> ClientFrame {
        let policy: RoomPolicy = room.policy == .open ? .open : .approval
        let ttl = room.expires > room.created ? room.expires - room.created : 1
        let maxMembers = UInt32(clamping: room.memberLimit)
        var accessKey: [UInt8]? = nil
        if policy == .open, let key = room.keys.first {
            accessKey = try RoomAccess.signingKey(roomKey: key.rawRepresentation, roomID: room.id.text).publicKey.rawRepresentation
        }
        let signature = try identity.signingKey.signature(for: SignedPayload.createRoom(
            roomID: room.id.text, policy: policy, ttlSeconds: ttl, maxMembers: maxMembers, accessKey: accessKey))
        guard let key = room.keys.first else { throw CryptoError.invalidParameter("a room to register needs its first key") }
        let genesis = try GroupCommitBuilder.create(roomID: room.id.text, policy: policy, key: key.rawRepresentation,
                                                    owner: identity.signingKey,
                                                    ownerAgreementKey: identity.agreementKey.publicKey.rawRepresentation)
        return .createRoom(.init(roomID: room.id.text, policy: policy, name: nil, ttlSeconds: ttl, maxMembers: maxMembers,
                                 accessKey: accessKey.map(WireBytes.init), commit: WireBytes(genesis.bytes), signature: WireBytes(signature)))
    }

    public enum Failure: Error, Equatable {
        case unreachable(String)
        case refused(ErrorFrame)
    }

    /// Connects to the room's relay and registers it; returns what the relay stored.
    public static func register(_ room: Room, identity: Identity, name: String, signName: Bool = false, trust: RelayTrust = RelayTrust(),
                                now: UInt64 = 0) async throws(Failure) -> ServerFrame.RoomCreated {
        let box = ResultBox()
        do {
            try await RelaySocket.connect(to: room.server, trust: trust) { inbound, outbound, _ in
                var machine = RoomRegistration(identity: identity, room: room, name: name, signName: signName, now: now)
                for try await message in inbound.messages(maxSize: RelaySocket.maxMessage) {
                    guard case .text(let text) = message, let frame = try? FrameCoding.decodeServerFrame(Array(text.utf8)) else { continue }
                    switch machine.receive(frame) {
                    case .write(let frames):
                        for f in frames { try await outbound.write(.text(RelaySocket.text(f))) }
                    case .wait:
                        continue
                    case .done(let created):
                        box.set(.success(created))
                        try? await outbound.close(.normalClosure, reason: nil)
                        return
                    case .failed(let e):
                        box.set(.failure(.refused(e)))
                        try? await outbound.close(.normalClosure, reason: nil)
                        return
                    }
                }
            }
        } catch {
            throw .unreachable(RelaySocket.describe(error))
        }
        guard let result = box.get() else { throw .unreachable("the relay closed the connection before answering") }
        return try result.get()
    }

    /// Carries the result out of the WebSocket handler.
    final class ResultBox: Sendable {
        private let value = Mutex<Result<ServerFrame.RoomCreated, Failure>?>(nil)
        func set(_ v: Result<ServerFrame.RoomCreated, Failure>) { value.withLock { $0 = v } }
        func get() -> Result<ServerFrame.RoomCreated, Failure>? { value.withLock { $0 } }
    }
}
