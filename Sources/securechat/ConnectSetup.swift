import SecureChatClient
import SecureChatCore
import SecureChatWire
#if canImport(Glibc)
import Glibc
#endif

/// Everything `connect` needs before it dials: who we are, which room (and its keys), which relay.
struct ConnectSetup {
    var identity: Identity
    var name: String
    var server: ServerAddress
    var target: ChatSession.Target
    var keys: [FernetKey]
    /// The room file to keep up to date, when the room is known locally.
    var roomFile: String?
    var room: Room?
    /// The owner key the invite link or room file pins (docs/invite.md).
    var ownerPin: [UInt8]?
    /// What the relay said of the room on joining, until there are keys to write a room file with
    /// (an approved joiner gets its key from the room's chain, after `joined`).
    var joined: JoinedRoom?

    var roomID: String? {
        if case .room(let id, _) = target { return id }
        return nil
    }

    static func resolve(_ c: Connect) throws -> ConnectSetup {
        let identity = try loadIdentity(c.identity)
        let name = try displayName(c.name, identity: identity)
        if let code = c.code {
            let server = try ServerAddress(parsing: c.server!)
            return ConnectSetup(identity: identity, name: name, server: server, target: .code(code), keys: [])
        }
        if let argument = c.room {
            let (room, path) = try RoomStore.resolve(argument)
            return ConnectSetup(identity: identity, name: name, server: room.server, target: .room(room.id.text, policy: policy(room.policy)),
                                keys: room.keys, roomFile: path, room: room, ownerPin: room.owner)
        }
        let link = try InviteLink(parsing: c.link!.trimmingASCIIWhitespace())
        var setup = ConnectSetup(identity: identity, name: name, server: link.server,
                                 target: .room(link.roomID.text, policy: policy(link.policy)), keys: link.key.map { [$0] } ?? [],
                                 ownerPin: link.owner)
        // A room already kept here knows more: later keys after a rotation, the approval key.
        let known = try RoomStore.path(for: link.roomID)
        if Paths.exists(known) {
            let room = try RoomStore.load(file: known)
            setup.keys = room.keys + setup.keys.filter { !room.keys.contains($0) }
            setup.target = .room(room.id.text, policy: policy(room.policy))
            setup.roomFile = known
            setup.room = room
            setup.ownerPin = room.owner ?? link.owner
        }
        return setup
    }

    static func policy(_ p: Room.Policy) -> RoomPolicy { p == .open ? .open : .approval }

    /// `-i FILE`, else the default identity; on a terminal, offers to make the default one.
    static func loadIdentity(_ path: String?) throws -> Identity {
        if let path { return try IdentitySource.identity(path) }
        let file = Paths.defaultIdentity
        if Paths.exists(file) { return try IdentitySource.identity(file) }
        guard Terminal.stdinIsTerminal, let answer = Terminal.ask("No identity at \(file). Make one now? [Y/n] "),
              ["", "y", "yes"].contains(answer.lowercased()) else {
            throw Failure("no identity at \(file)", hint: "make one with 'securechat keygen', or pass -i FILE")
        }
        let identity = Identity.generate()
        try Paths.makeDirectory(String(file[..<(file.lastIndex(of: "/") ?? file.startIndex)]))
        let out = try OutputFile(path: file, mode: 0o600, overwrite: false)
        try withOutput(out) { try $0.write(Array(IdentityFile.render(identity, created: Clock.rfc3339(Clock.now)).utf8)) }
        Terminal.writeError("Wrote \(file)\nFingerprint: \(identity.publicIdentity.fingerprint)\n")
        return identity
    }

    /// `--name`, else `$SECURECHAT_NAME`, else the login name, else the fingerprint's first group.
    static func displayName(_ given: String?, identity: Identity) throws -> String {
        if let given {
            guard Validation.isDisplayName(given) else {
                throw Failure("invalid --name: use 1 to \(Validation.maxName) characters without control characters", status: .usage)
            }
            return given
        }
        for candidate in [Paths.env("SECURECHAT_NAME"), Paths.env("USER"), Paths.env("LOGNAME")] {
            if let c = candidate, Validation.isDisplayName(c) { return c }
        }
        return "member-" + identity.publicIdentity.fingerprint.prefix(4)
    }

    /// Writes what the relay told us about the room into its room file (made on first join),
    /// so that `--room ID`, `encrypt --room` and later rotations find it.
    mutating func saveRoom(joined: JoinedRoom, keys: [FernetKey]) throws {
        self.joined = joined
        guard !keys.isEmpty, let id = RoomID(joined.roomID) else { return }
        // A room this session did not start from, but kept here already (a join code answered with
        // a known room's id): never replace it. Its owner pin must be the one this session trusts.
        if room == nil, let path = try? roomFile ?? RoomStore.path(for: id), Paths.exists(path) {
            let kept = try RoomStore.load(file: path)
            guard kept.owner == nil || kept.owner == ownerPin else {
                throw Failure("the relay answered with room \(id), which you keep with another owner; nothing of it was changed",
                              hint: "connect to your room with 'securechat connect --room \(id)'", status: .authentication)
            }
            room = kept
            roomFile = path
        }
        if var room {
            guard room.keys != keys || room.expires != UInt64(max(0, joined.expiresAt)) else { return }
            room.keys = keys
            room.expires = UInt64(max(0, joined.expiresAt))
            if room.expires < room.created { room.created = room.expires }
            try writeRoom(room, to: roomFile ?? RoomStore.path(for: room.id))
            self.room = room
            return
        }
        let now = Clock.now
        let name = joined.name.map { TerminalText.sanitize($0) }.flatMap { Room.nameProblem($0) == nil ? $0 : nil } ?? "untitled"
        let expires = UInt64(max(0, joined.expiresAt))
        let limit = min(max(joined.maxMembers, Room.memberLimitRange.lowerBound), Room.memberLimitRange.upperBound)
        let made = Room(id: id, name: name, policy: joined.policy == .open ? .open : .approval, created: min(now, expires),
                        expires: expires, memberLimit: limit, server: server, keys: keys, owner: ownerPin)
        let path = try roomFile ?? RoomStore.path(for: id)
        try Paths.makeDirectory(RoomStore.directory)
        try writeRoom(made, to: path)
        room = made
        roomFile = path
    }

    /// The owner the room's chain names, kept as the room's pin when nothing pinned it before.
    mutating func pinOwner(_ owner: [UInt8]) throws {
        guard ownerPin == nil else { return }
        ownerPin = owner
        guard var room, room.owner == nil else { return }
        room.owner = owner
        try writeRoom(room, to: roomFile ?? RoomStore.path(for: room.id))
        self.room = room
    }

    /// After a rotation or an approval: the room file gets the new keys.
    mutating func saveKeys(_ keys: [FernetKey]) throws {
        if room == nil, let joined { return try saveRoom(joined: joined, keys: keys) }
        guard var room, room.keys != keys else { return }
        room.keys = keys
        try writeRoom(room, to: roomFile ?? RoomStore.path(for: room.id))
        self.room = room
    }

    func writeRoom(_ room: Room, to path: String) throws {
        try withOutput(try OutputFile(path: path, mode: 0o600, overwrite: true)) { try $0.write(RoomFile.encode(room)) }
    }
}

extension Terminal {
    /// Asks a question on the terminal and reads a visible answer; nil without a terminal.
    static func ask(_ prompt: String) -> String? {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var p = Array(prompt.utf8)
        try? writeAll(fd: fd, &p)
        var line = [UInt8]()
        var c: UInt8 = 0
        while read(fd, &c, 1) == 1, c != 0x0a { line.append(c) }
        return String(decoding: line, as: UTF8.self).trimmingASCIIWhitespace()
    }
}
