import ArgumentParser
import FoundationEssentials
import SecureChatCore

/// `securechat room …`: room files are the shared state of the other commands.
struct RoomCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "room",
        abstract: "Create, list, show and delete rooms (room files hold the room keys).",
        discussion: """
            Each room is a file, $XDG_DATA_HOME/securechat/rooms/ROOM_ID.json (default \
            ~/.local/share/securechat/rooms), mode 0600 in a 0700 directory; the format is in \
            docs/room-file.md. Other commands take a room by id or file: 'invite-qr --room', \
            'encrypt --room', 'decrypt --room'.

            Exit status: 0 success; 1 no such room, a room file others can read, or an I/O \
            error; 2 a malformed room file; 64 usage errors, bad option values included.
            """,
        subcommands: [RoomCreate.self, RoomList.self, RoomShow.self, RoomDelete.self])
}

extension Room.Policy: ExpressibleByArgument {}

/// What `--json` prints about a room: one object on one line. The key and the invite (which
/// carries the key in an open room) appear only where the command says so.
struct RoomSummary: Encodable {
    var id, name, policy, created, expires, server, file: String
    var maxMembers: Int
    var invite: String?
    var keys: [String]?

    enum CodingKeys: String, CodingKey {
        case id, name, policy, created, expires, server, file, maxMembers = "max_members", invite, keys
    }

    init(_ room: Room, file: String, invite: Bool = false, keys: Bool = false) {
        id = room.id.text
        name = room.name
        policy = room.policy.rawValue
        created = Timestamp.format(room.created)
        expires = Timestamp.format(room.expires)
        server = room.server.description
        self.file = file
        maxMembers = room.memberLimit
        self.invite = invite ? room.invite.text : nil
        self.keys = keys ? room.keys.map(\.encoded) : nil
    }

    /// The JSON text and a newline; keys sorted so the same room always prints the same line.
    var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(self), as: UTF8.self) + "\n"
    }
}

/// Writes text to standard output (through the same path as every other command's output).
func writeStandardOutput(_ text: String) throws {
    try withOutput(try OutputFile(path: nil)) { try $0.write(Array(text.utf8)) }
}
