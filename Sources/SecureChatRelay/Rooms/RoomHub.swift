import NIOConcurrencyHelpers
import NIOCore
import SecureChatWire

/// The live side of rooms: which connections have joined which room, who is online, and the last
/// committed sequence number. Joining, fan-out and leaving all happen under one lock, which is what
/// makes resume exact: a joiner is registered with `through` = the last sequence number committed
/// before it, its history up to `through` is replayed from the database, and every later message
/// reaches it live, once.
///
/// The same lock orders registration against removal. A join reads membership from the database
/// and registers later; `revoke` (a removal or a leave, after the database has forgotten the
/// member) counts the member's revocations in the room, and `join` registers only if the count is
/// still what it was before the membership was read (`ticket`). So a removal either finds the new
/// connection registered and unjoins it, or the registration is refused: never neither.
final class RoomHub: Sendable {
    struct Registration: Sendable {
        let connection: RelayConnection
        let member: [UInt8]
        /// Messages up to here come from the replay; later ones live.
        let through: Int64
    }

    struct LiveRoom: Sendable {
        var lastSeq: Int64 = 0
        var joined: [UInt64: Registration] = [:]
        var online: [[UInt8]: Int] = [:]
        /// How often each member's membership ended (removal or leave) while the room was live.
        var revocations: [[UInt8]: Int] = [:]
    }

    /// What a join notes before it reads the member's membership; `join` registers only if it
    /// still holds.
    struct Ticket: Sendable, Equatable { fileprivate let revocations: Int }

    private let rooms = NIOLockedValueBox<[String: LiveRoom]>([:])

    /// Taken before a join reads whether `member` belongs to `room`.
    func ticket(room: String, member: [UInt8]) -> Ticket {
        rooms.withLockedValue { Ticket(revocations: $0[room]?.revocations[member] ?? 0) }
    }

    /// Registers `connection` in `room`, unless `member`'s membership ended since `ticket` was
    /// taken (then nothing happens and the result is false). Under the lock: the frames `prelude`
    /// builds (given `through` and who is online), then the replay command, are queued before
    /// anything live can be, and the member's presence is announced to the others if it just
    /// came online.
    func join(_ connection: RelayConnection, room: String, member: [UInt8], ticket: Ticket, committedSeq: Int64, after: Int64,
              time: Int64, prelude: (_ through: Int64, _ online: Set<[UInt8]>) -> [ServerFrame]) -> Bool {
        rooms.withLockedValue { rooms in
            var live = rooms[room] ?? LiveRoom()
            guard live.revocations[member] ?? 0 == ticket.revocations else { return false }
            let through = max(live.lastSeq, committedSeq)
            live.lastSeq = through
            live.joined[connection.id] = Registration(connection: connection, member: member, through: through)
            let count = live.online[member, default: 0]
            live.online[member] = count + 1
            rooms[room] = live
            for frame in prelude(through, Set(live.online.keys)) { connection.send(frame) }
            connection.replay(room: room, after: min(after, through), through: through)
            if count == 0 {
                let presence = RelayConnection.encode(.presence(.init(roomID: room, member: WireBytes(member), online: true)))
                for (id, r) in live.joined where id != connection.id { r.connection.send(encoded: presence) }
            }
            return true
        }
    }

    /// `member`'s membership of `room` has ended (the database no longer lists it): every
    /// connection of it is unregistered, and any join that read the membership before now will
    /// not register. Returns the connections that were joined, for the caller to tell.
    func revoke(member: [UInt8], in room: String) -> [RelayConnection] {
        rooms.withLockedValue { rooms in
            var live = rooms[room] ?? LiveRoom()
            live.revocations[member, default: 0] += 1
            let gone = live.joined.filter { $0.value.member == member }
            for id in gone.keys { live.joined[id] = nil }
            let wasOnline = live.online.removeValue(forKey: member) != nil
            rooms[room] = live
            if wasOnline {
                let presence = RelayConnection.encode(.presence(.init(roomID: room, member: WireBytes(member), online: false)))
                for r in live.joined.values { r.connection.send(encoded: presence) }
            }
            return gone.values.map(\.connection)
        }
    }

    /// Unregisters a connection from a room; announces the member offline if that was its last one.
    func leave(_ connection: RelayConnection, room: String) {
        rooms.withLockedValue { rooms in
            guard var live = rooms[room], let reg = live.joined.removeValue(forKey: connection.id) else { return }
            let count = live.online[reg.member, default: 1] - 1
            live.online[reg.member] = count > 0 ? count : nil
            rooms[room] = live
            if count <= 0 {
                let presence = RelayConnection.encode(.presence(.init(roomID: room, member: WireBytes(reg.member), online: false)))
                for r in live.joined.values { r.connection.send(encoded: presence) }
            }
        }
    }

    /// Every connection of `member` joined to `room`.
    func connections(of member: [UInt8], in room: String) -> [RelayConnection] {
        rooms.withLockedValue { rooms in
            rooms[room]?.joined.values.filter { $0.member == member }.map(\.connection) ?? []
        }
    }

    /// Sends a frame to every connection joined to `room` (but `except`).
    func broadcast(_ frame: ServerFrame, to room: String, except: UInt64? = nil) {
        let encoded = RelayConnection.encode(frame)
        rooms.withLockedValue { rooms in
            guard let live = rooms[room] else { return }
            for (id, r) in live.joined where id != except { r.connection.send(encoded: encoded) }
        }
    }

    /// Records a committed `seq` and delivers it: `build` makes each registration's frame (nil:
    /// nothing for it). Registrations whose replay already covers `seq` are skipped. The sockets
    /// are written with one hop per event loop, not one per receiver. Returns how many
    /// connections were given the frame.
    @discardableResult
    func deliver(room: String, seq: Int64, build: (Registration) -> ByteBuffer?) -> Int {
        var given = 0
        var drains: [ObjectIdentifier: (loop: any EventLoop, connections: [RelayConnection])] = [:]
        rooms.withLockedValue { rooms in
            var live = rooms[room] ?? LiveRoom()
            live.lastSeq = max(live.lastSeq, seq)
            rooms[room] = live
            for r in live.joined.values where seq > r.through {
                guard let frame = build(r), r.connection.sendDeferred(encoded: frame), let loop = r.connection.eventLoop else { continue }
                drains[ObjectIdentifier(loop), default: (loop, [])].connections.append(r.connection)
                given += 1
            }
        }
        for (_, group) in drains {
            let connections = group.connections
            group.loop.execute { for c in connections { c.drain() } }
        }
        return given
    }

    /// Rooms with at least one connection joined.
    var joinedRoomCount: Int { rooms.withLockedValue { $0.values.count { !$0.joined.isEmpty } } }

    func isOnline(_ member: [UInt8], in room: String) -> Bool {
        rooms.withLockedValue { $0[room]?.online[member] != nil }
    }

    /// Forgets a room; returns the connections that were joined to it.
    func remove(room: String) -> [RelayConnection] {
        rooms.withLockedValue { rooms in
            rooms.removeValue(forKey: room)?.joined.values.map(\.connection) ?? []
        }
    }

    /// Rooms with a live entry (for tests and metrics).
    var liveRoomCount: Int { rooms.withLockedValue { $0.count } }
}
