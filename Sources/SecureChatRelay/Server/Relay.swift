import Logging
import NIOConcurrencyHelpers
import NIOCore
import SecureChatCrypto
import SecureChatGroup
import SecureChatWire
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One running relay: its database, live rooms, knocks and codes, limits, and every open
/// connection. The WebSocket controller feeds it frames; the services run its committer and
/// sweeps. It depends on the wire format, the server libraries and signature checks only: it has
/// no way to read a message.
public final class Relay: Sendable {
    public let configuration: RelayConfiguration
    /// This relay's stable random id (the `relay` of `hello`).
    public let id: String
    let store: any RelayStore
    let hub = RoomHub()
    let knocks = KnockBook()
    let limiter: AddressLimiter
    let committer = Committer()
    let metrics = RelayMetrics()
    /// Nonces of log exports already served.
    let exportNonces = NonceBook()
    let logger: Logger
    /// Open connections by id (internal: tests check that closed ones leave).
    let connections = NIOLockedValueBox<[UInt64: RelayConnection]>([:])
    private let nextConnectionID = Atomic<UInt64>(1)
    private let shuttingDown = Atomic<Bool>(false)
    /// Rows committed since the last checkpoint, and when that was.
    let unCheckpointed = NIOLockedValueBox<(rows: Int, since: Double)>((0, Relay.now))

    /// Opens (creating on first run) the database and applies its migrations.
    public init(configuration: RelayConfiguration) async throws {
        self.configuration = configuration
        self.logger = configuration.logger
        store = try await Self.openStore(configuration.database, logger: configuration.logger)
        id = try await store.relayID()
        limiter = AddressLimiter(limits: configuration.limits)
    }

    static func openStore(_ database: RelayDatabase, logger: Logger) async throws -> any RelayStore {
        switch database {
        case .sqlite(let path): try SQLiteStore(path: path)
        case .postgres(let settings): try await PostgresStore.open(settings, logger: logger)
        }
    }

    /// Closes the database (after the services have stopped): everything committed stays; for
    /// SQLite the WAL is checkpointed into the main file. A checkpoint that cannot be written (a
    /// full disk) is logged and is no failure: the WAL is durable and is replayed on the next start.
    public func close() async throws {
        if let error = try await store.close() {
            logger.warning("database closed without a checkpoint: every commit is kept in its write-ahead log, replayed on the next start",
                           metadata: Self.failure(error))
        }
    }

    static var now: Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Open connections (for tests, and the idle-connection benchmark).
    public var connectionCount: Int { connections.withLockedValue { $0.count } }

    // MARK: Connections

    /// The origins a sign-in may name on a connection whose upgrade request carried `host`
    /// (docs/protocol.md, "Authentication"): the configured public URLs when there are any (a
    /// proxy in front may rewrite Host), otherwise the origin the Host header names with the
    /// scheme this relay serves.
    func origins(host: String?) -> [String] {
        if !configuration.publicOrigins.isEmpty { return configuration.publicOrigins }
        guard let host, let origin = RelayOrigin.fromHost(host, tls: configuration.tlsCertificatePath != nil) else { return [] }
        return [origin]
    }

    /// A new WebSocket: its state, its `hello`, or the reason it cannot stay. `host` is the
    /// upgrade request's Host header.
    func open(address: String, host: String?, channel: (any Channel)?, writer: NIOLoopBound<FrameWriter>? = nil,
              control: (any ConnectionControl)? = nil) -> RelayConnection {
        let connID = nextConnectionID.wrappingAdd(1, ordering: .relaxed).oldValue
        let challenge = SecureRandom.bytes(RelayProtocol.challengeBytes)
        let conn = RelayConnection(id: connID, address: address, challenge: challenge, relayID: id, origins: origins(host: host),
                                   settings: .init(configuration.limits),
                                   outbox: configuration.limits.outbox, outboxBytes: configuration.limits.outboxBytes,
                                   slowReaderGrace: configuration.limits.slowReaderGrace,
                                   channel: channel, writer: writer, control: control, openedAt: Self.now, logger: logger)
        if shuttingDown.load(ordering: .relaxed) {
            conn.close(nil, code: .goingAway)
            return conn
        }
        if let refusal = limiter.openConnection(address) {
            logger.notice("connection refused", metadata: ["conn": "\(connID)", "reason": "\(refusal.code.rawValue)"])
            metrics.refused(refusal.code)
            conn.close(refusal, code: .tryAgainLater)
            return conn
        }
        connections.withLockedValue { $0[connID] = conn }
        metrics.connections.increment()
        metrics.connectionsOpened.increment()
        logger.debug("connection opened", metadata: ["conn": "\(connID)"])
        conn.send(.hello(.init(relay: id, challenge: WireBytes(challenge), limits: configuration.wireLimits)))
        return conn
    }

    /// The connection is gone: it leaves its rooms (presence), its knocks are withdrawn.
    func closed(_ conn: RelayConnection) {
        let registered = connections.withLockedValue { $0.removeValue(forKey: conn.id) != nil }
        guard registered else { return }
        metrics.connections.decrement()
        limiter.closeConnection(conn.address)
        let joined = conn.machine.withLockedValue { m in
            let rooms = m.joined
            m.close()
            return rooms
        }
        for room in joined { hub.leave(conn, room: room) }
        for k in knocks.take(from: conn) {
            hub.broadcast(.event(.init(roomID: k.room, event: .withdraw, member: WireBytes(k.peer.signingKey), time: Int64(Self.now))),
                          to: k.room)
        }
        logger.debug("connection closed", metadata: ["conn": "\(conn.id)"])
    }

    /// Tells every connection the relay is going away (`bye`), closes them, and refuses new ones.
    /// Waits up to `grace` for them to finish writing.
    public func announceShutdown(grace: Duration = .seconds(2)) async {
        shuttingDown.store(true, ordering: .relaxed)
        let all = connections.withLockedValue { Array($0.values) }
        logger.info("shutting down", metadata: ["connections": "\(all.count)"])
        for c in all {
            c.send(.bye(.init(reason: "the relay is shutting down")))
            c.close(nil, code: .goingAway)
        }
        let deadline = ContinuousClock.now + grace
        while connectionCount > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    // MARK: Frames

    /// What a frame still needs after `receive` has returned.
    enum Followup: Sendable {
        /// A message or rotation for the committer, once the connection has a slot in its
        /// in-flight gate (`commit`).
        case commit(Committer.Pending)
        /// A request that reads or writes the database before it is answered; it runs in a task
        /// of its own, and the connection reads nothing more until it is done.
        case request(ConnectionStateMachine.Action, now: Double)
    }

    /// One complete text message from a connection, on its event loop. Everything that needs
    /// only the connection happens here and now; what needs to wait comes back as a `Followup`.
    func receive(_ conn: RelayConnection, text: ByteBuffer) -> Followup? {
        let now = Self.now
        let action: ConnectionStateMachine.Action
        do {
            let frame = try FrameCoding.decodeClientFrame(text.readableBytesView)
            action = conn.machine.withLockedValue { $0.receive(frame, now: now) }
        } catch {
            action = conn.machine.withLockedValue { $0.receiveUndecodable(error, now: now) }
        }
        switch action {
        case .none, .reply, .fail, .authenticated:
            respond(action, on: conn)
            return nil
        case .send(let f):
            guard let peer = conn.peer else { return nil }
            return .commit(.init(request: .send(room: f.roomID, sender: peer.signingKey, clientID: f.clientID, ciphertext: f.ciphertext,
                                                time: Int64(now)),
                                 connection: conn, clientID: f.clientID, bytes: f.ciphertext.utf8.count))
        case .commit(let f, let c):
            let effect: CommitEffect = switch c.kind {
            case .leave, .remove: .expel(c.subject)
            default: .none
            }
            return .commit(.init(request: .group(room: f.roomID, commit: c, effect: effect, time: Int64(now)), connection: conn,
                                 clientID: nil, bytes: 0))
        case .approve(let f, let c):
            // The commit must admit exactly the knocker, with the agreement key it authenticated with.
            guard let k = knocks.peek(f.knockID, room: f.roomID) else {
                refuse(ErrorFrame(.knockNotFound, "no such knock pending in this room", roomID: f.roomID), conn)
                return nil
            }
            guard c.subject == k.peer.signingKey, c.subjectAgreementKey == k.peer.agreementKey else {
                refuse(ErrorFrame(.badCommit, "the add commit does not admit this knock's identity and agreement key", roomID: f.roomID), conn)
                return nil
            }
            let record = MemberRecord(signingKey: k.peer.signingKey, agreementKey: k.peer.agreementKey, name: k.name, role: .member)
            return .commit(.init(request: .group(room: f.roomID, commit: c, effect: .admit(record, knockID: k.id), time: Int64(now)),
                                 connection: conn, clientID: nil, bytes: 0))
        default:
            return .request(action, now: now)
        }
    }

    func receiveOversized(_ conn: RelayConnection, bytes: Int) {
        let action = conn.machine.withLockedValue { $0.receiveOversized(bytes: bytes, now: Self.now) }
        logger.info("frame refused", metadata: ["conn": "\(conn.id)", "bytes": "\(bytes)", "limit": "frame_bytes"])
        respond(action, on: conn)
    }

    func receiveBinary(_ conn: RelayConnection) {
        let action = conn.machine.withLockedValue {
            $0.receiveUndecodable(.malformed("binary frames are not part of the protocol: send JSON text"), now: Self.now)
        }
        respond(action, on: conn)
    }

    /// A WebSocket ping to every connection (clients answer with pong by the protocol's rules).
    func pingConnections() {
        for conn in connections.withLockedValue({ Array($0.values) }) { conn.ping() }
    }

    /// Closes connections that have not authenticated within the auth timeout (run by the sweep).
    func enforceAuthDeadline(now: Double) {
        let late = connections.withLockedValue { all in
            all.values.filter { $0.openedAt + configuration.authTimeout <= now }
        }
        for conn in late { respond(conn.machine.withLockedValue { $0.authDeadlinePassed() }, on: conn) }
    }

    /// The actions that need nothing but this connection.
    func respond(_ action: ConnectionStateMachine.Action, on conn: RelayConnection) {
        switch action {
        case .reply(let frame):
            if case .error(let e) = frame { logRefusal(e, conn) }
            conn.send(frame)
        case .fail(let error):
            logger.info("connection failed", metadata: ["conn": "\(conn.id)", "error": "\(error.code.rawValue)"])
            conn.close(error)
        case .authenticated(let peer):
            logger.info("authenticated", metadata: ["conn": "\(conn.id)", "member": "\(Self.keyID(peer.signingKey))"])
            conn.send(.authenticated(.init(signingKey: WireBytes(peer.signingKey))))
        default:
            break
        }
    }

    /// Hands a message or rotation to the commit loop; the connection holds a slot of its
    /// in-flight gate for it, which the committer gives back.
    func commit(_ p: Committer.Pending) {
        guard committer.submit(p) else {
            p.connection.inFlight.leave()
            p.connection.send(.error(.init(.internalError, "the relay is shutting down", roomID: p.request.room, clientID: p.clientID)))
            return
        }
    }

    /// Requests that read or write the database before answering.
    func request(_ action: ConnectionStateMachine.Action, on conn: RelayConnection, now: Double) async {
        switch action {
        case .createRoom(let f, let ttl, let maxMembers, let genesis):
            await createRoom(f, ttl: ttl, maxMembers: maxMembers, genesis: genesis, conn: conn, now: now)
        case .join(let f): await join(f, conn: conn, now: now)
        case .knock(let f): await knock(f, conn: conn, now: now)
        case .deny(let f): deny(f, conn: conn, now: now)
        case .setName(let f): await setName(f, conn: conn, now: now)
        default: respond(action, on: conn)
        }
    }

    func logRefusal(_ e: ErrorFrame, _ conn: RelayConnection) {
        var metadata: Logger.Metadata = ["conn": "\(conn.id)", "error": "\(e.code.rawValue)"]
        if let room = e.roomID { metadata["room"] = "\(room)" }
        if let limit = e.limit { metadata["limit"] = "\(limit.rawValue)" }
        logger.info("refused", metadata: metadata)
        metrics.refused(e.code)
    }

    /// A short, non-reversible handle for a public key in logs: 8 hex digits of its SHA-256.
    static func keyID(_ key: [UInt8]) -> String { Bytes.hex(SHA256.hash(key).prefix(4)) }
}
