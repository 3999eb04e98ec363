import SecureChatCore
import SecureChatCrypto
import SecureChatGroup
import SecureChatWire
@testable import SecureChatClient

/// Fixed people and a scripted relay: the frames a relay would send, built by hand, so that the
/// session's answers can be checked without a socket.
enum People {
    static func identity(_ byte: UInt8) -> Identity {
        Identity(agreementKey: try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: [UInt8](repeating: byte, count: 32)))
    }

    static let alice = identity(1)
    static let bob = identity(2)
    static let carol = identity(3)
    static let mallory = identity(4)
    static let everyone = [alice, bob, carol, mallory]

    static func named(_ key: [UInt8]) -> Identity? { everyone.first { $0.key == key } }
}

/// A room's group state as a scripted relay shows it: commits built by the people in it.
struct ScriptedChain {
    var state: GroupState
    var frames: [ServerFrame]
    let owner: Identity

    /// Founded by `owner` with `key`; everyone else in `members` enters (join in an open room,
    /// added by the owner in an approval room). Every commit has seq 0: it comes before history.
    init(owner: Identity, members: [Identity], policy: RoomPolicy, key: FernetKey = Relay.key) {
        self.owner = owner
        let create = try! GroupCommitBuilder.create(roomID: Relay.room, policy: policy, key: key.rawRepresentation, owner: owner.signingKey,
                                                    ownerAgreementKey: owner.agreementKey.publicKey.rawRepresentation)
        state = try! GroupState(genesis: create, pinnedOwner: nil)
        frames = [Self.frame(create, seq: 0)]
        for m in members where m.key != owner.key {
            let c = policy == .open
                ? try! GroupCommitBuilder.join(state, key: key.rawRepresentation, agreementKey: m.agreementKey.publicKey.rawRepresentation,
                                               by: m.signingKey)
                : try! GroupCommitBuilder.add(state, joiner: m.key, joinerAgreementKey: m.agreementKey.publicKey.rawRepresentation,
                                              key: key.rawRepresentation, by: owner.signingKey)
            append(c, seq: 0)
        }
    }

    static func frame(_ c: GroupCommit, seq: Int64, time: Int64 = Int64(Relay.now)) -> ServerFrame {
        .commit(.init(roomID: Relay.room, seq: seq, commit: WireBytes(c.bytes), time: time))
    }

    /// Applies `c` and returns the frame a relay would send for it.
    @discardableResult
    mutating func append(_ c: GroupCommit, seq: Int64, time: Int64 = Int64(Relay.now)) -> ServerFrame {
        state = try! state.applying(c)
        let f = Self.frame(c, seq: seq, time: time)
        frames.append(f)
        return f
    }
}

extension Identity {
    var key: [UInt8] { signingKey.publicKey.rawRepresentation }
    var wire: WireBytes { WireBytes(key) }
    var agreementWire: WireBytes { WireBytes(agreementKey.publicKey.rawRepresentation) }
}

enum Relay {
    static let room = "AAAAAAAAAAAAAAAAAAAAAA"
    static let key = try! FernetKey(encoded: "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=")
    static let challenge = [UInt8](repeating: 7, count: 32)
    static let id = "relay-1"
    static let origin = "ws://relay.example:5000"
    static let now: UInt64 = 1_700_000_000

    static let limits = ServerFrame.Limits(frameBytes: 65536, membersPerRoom: 50, messagesPerSecond: 20, burst: 40, roomsPerAddress: 20,
                                           connectionsPerAddress: 64, knocksPerMinute: 10, wrongCodes: 5, defaultTTLSeconds: 86400,
                                           maxTTLSeconds: 30 * 86400, knockTimeoutSeconds: 600, codeIntervalSeconds: 300)

    static func hello(frameBytes: Int = 65536) -> ServerFrame {
        var l = limits
        l.frameBytes = frameBytes
        return .hello(.init(relay: id, challenge: WireBytes(challenge), limits: l))
    }

    static func joined(role: MemberRole = .member, policy: RoomPolicy = .open, lastSeq: Int64 = 0) -> ServerFrame {
        .joined(.init(roomID: room, role: role, policy: policy, name: "team", expiresAt: 1_700_086_400, maxMembers: 50, lastSeq: lastSeq))
    }

    static func roster(_ members: [(Identity, String, MemberRole)]) -> ServerFrame {
        .roster(.init(roomID: room, members: members.map {
            .init(member: $0.0.wire, agreementKey: $0.0.agreementWire, name: $0.1, role: $0.2, online: true)
        }))
    }

    static func token(_ from: Identity, counter: UInt64, text: String, key: FernetKey = key, room: String = room) -> String {
        try! Envelope(sender: from.key, roomID: room, counter: counter, time: now, body: Array(text.utf8))
            .seal(signingKey: from.signingKey, fernet: Fernet(key: key), now: now)
    }

    static func message(_ seq: Int64, from: Identity, counter: UInt64, text: String, key: FernetKey = key,
                        relayedAs: Identity? = nil, clientID: String = "c") -> ServerFrame {
        .message(.init(roomID: room, seq: seq, sender: (relayedAs ?? from).wire, clientID: clientID,
                       ciphertext: token(from, counter: counter, text: text, key: key), time: Int64(now)))
    }

    static func raw(_ seq: Int64, sender: Identity, ciphertext: String, clientID: String = "c") -> ServerFrame {
        .message(.init(roomID: room, seq: seq, sender: sender.wire, clientID: clientID, ciphertext: ciphertext, time: Int64(now)))
    }

    static func synced(_ seq: Int64) -> ServerFrame { .synced(.init(roomID: room, seq: seq)) }
}

/// A session under test and everything it has done so far.
struct Script {
    var session: ChatSession
    var actions: [ChatSession.Action] = []
    let identity: Identity
    /// The room's chain as this scripted relay shows it: made from the first roster it sends
    /// (its first `.owner`, else its first entry, founds the room; the session's identity is in
    /// it), and sent after every roster, as a relay sends the chain on every join.
    var chain: ScriptedChain?
    var autoChain = true
    let policy: RoomPolicy

    init(_ identity: Identity = People.alice, name: String = "alice", target: ChatSession.Target = .room(Relay.room, policy: .open),
         keys: [FernetKey] = [Relay.key], afterSeq: Int64 = 0, showHistory: Bool = true, resume: ResumeState = ResumeState(),
         knownKeys: KnownKeys = KnownKeys(), ownerPin: [UInt8]? = nil, claimName: Bool = false) {
        self.identity = identity
        if case .room(_, let p) = target { policy = p } else { policy = .approval }
        session = ChatSession(.init(identity: identity, name: name, target: target, origin: Relay.origin, keys: keys, resume: resume, afterSeq: afterSeq,
                                    showHistory: showHistory, knownKeys: knownKeys, ownerPin: ownerPin, claimName: claimName))
    }

    /// The chain for a roster: everyone in it, and the session's own identity.
    mutating func chain(for r: ServerFrame.Roster) -> ScriptedChain {
        if let chain { return chain }
        let people = r.members.compactMap { People.named($0.member.bytes) }
        let owner = r.members.first { $0.role == .owner }.flatMap { People.named($0.member.bytes) }
            ?? people.first { $0.key != identity.key } ?? identity
        let made = ScriptedChain(owner: owner, members: people + (people.contains { $0.key == identity.key } ? [] : [identity]), policy: policy)
        chain = made
        return made
    }

    @discardableResult
    mutating func open() -> [ChatSession.Action] { record(session.connectionOpened()) }

    @discardableResult
    mutating func feed(_ frames: ServerFrame...) -> [ChatSession.Action] {
        var out = [ChatSession.Action]()
        for f in frames {
            out += record(session.receive(f, now: Relay.now))
            if autoChain, case .roster(let r) = f {
                for c in chain(for: r).frames { out += record(session.receive(c, now: Relay.now)) }
            }
        }
        return out
    }

    @discardableResult
    mutating func record(_ a: [ChatSession.Action]) -> [ChatSession.Action] {
        actions += a
        return a
    }

    /// Connects, authenticates and joins an open room with the given history, up to live.
    mutating func joinOpenRoom(role: MemberRole = .member, roster: [(Identity, String, MemberRole)]? = nil,
                               history: [ServerFrame] = []) {
        open()
        feed(Relay.hello(), .authenticated(.init(signingKey: People.alice.wire)),
             Relay.joined(role: role, lastSeq: Int64(history.count)),
             Relay.roster(roster ?? [(People.alice, "alice", role), (People.bob, "bob", .member)]))
        for h in history { feed(h) }
        feed(Relay.synced(Int64(history.count)))
    }
}

extension Array where Element == ChatSession.Action {
    var writes: [ClientFrame] { compactMap { if case .write(let f) = $0 { f } else { nil } } }
    var events: [ChatEvent] { compactMap { if case .emit(let e) = $0 { e } else { nil } } }
    var finish: ChatOutcome? { compactMap { if case .finish(let o) = $0 { o } else { nil } }.first }

    var messages: [ChatMessage] { events.compactMap { if case .message(let m) = $0 { m } else { nil } } }
    var rejected: [RejectedMessage] { events.compactMap { if case .rejected(let r) = $0 { r } else { nil } } }
    var notices: [Notice] { events.compactMap { if case .notice(let n) = $0 { n } else { nil } } }
    var problems: [String] { events.compactMap { if case .problem(let p) = $0 { p } else { nil } } }
    var sends: [ClientFrame.Send] { writes.compactMap { if case .send(let s) = $0 { s } else { nil } } }
    var sent: [ChatMessage] { events.compactMap { if case .sent(let m, _) = $0 { m } else { nil } } }
}

/// Opens a token the session wrote, as a member holding `keys` would.
func openEnvelope(_ token: String, keys: [FernetKey] = [Relay.key]) throws -> Envelope {
    try Envelope.open(try Fernet(keys: keys).decrypt(token, now: 0))
}
