import ArgumentParser
import SecureChatCore

extension RoomCommand {
    struct RoomShow: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show a room; its key only with --show-key.",
            discussion: """
                An open room's invite link carries the key, so it is shown only with \
                --show-key, like the keys themselves (newest first). With --json, one JSON \
                object: id, name, policy, created, expires, max_members, server, file, and \
                invite and keys as above.
                """)

        @Argument(help: ArgumentHelp("The room's id, or the path of a room file.", valueName: "id|file"))
        var room: String

        @Flag(help: "Also print the room keys and an open room's invite link.")
        var showKey = false

        @Flag(help: "Print a JSON object.")
        var json = false

        func run() throws {
            let (room, file) = try RoomStore.resolve(self.room)
            let showInvite = showKey || room.policy == .approval
            if json {
                try writeStandardOutput(RoomSummary(room, file: file, invite: showInvite, keys: showKey).jsonLine)
                return
            }
            var lines = [
                ("id", room.id.text), ("name", room.name), ("policy", room.policy.rawValue),
                ("created", Timestamp.format(room.created)),
                ("expires", Timestamp.format(room.expires) + (room.isExpired(now: Clock.now) ? " (expired)" : "")),
                ("max members", String(room.memberLimit)), ("server", room.server.description), ("file", file),
                ("invite", showInvite ? room.invite.text : "(carries the key; shown with --show-key)"),
            ]
            if showKey {
                lines += room.keys.map { ("key", $0.encoded) }
            } else {
                lines.append(("keys", "\(room.keys.count) (shown with --show-key)"))
            }
            try writeStandardOutput(lines.map { $0.0 + ":" + String(repeating: " ", count: 13 - $0.0.count) + $0.1 + "\n" }.joined())
        }
    }
}
