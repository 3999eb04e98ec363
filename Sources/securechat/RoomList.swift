import ArgumentParser
import SecureChatCore

extension RoomCommand {
    struct RoomList: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List your rooms: id, policy, expiry and name.",
            discussion: """
                Oldest first. With --json, one JSON object per line (id, name, policy, created, \
                expires, max_members, server, file), no key. Room files that cannot be used \
                are skipped with a warning.
                """)

        @Flag(help: "Print one JSON object per room, one per line.")
        var json = false

        func run() throws {
            let rooms = RoomStore.all()
            if json {
                try writeStandardOutput(rooms.map { RoomSummary($0.room, file: $0.path).jsonLine }.joined())
                return
            }
            if rooms.isEmpty {
                if Terminal.stdoutIsTerminal { Diagnostics.hint("no rooms yet; make one with 'securechat room create demo'") }
                return
            }
            let now = Clock.now
            var text = "ID                      POLICY    EXPIRES                         NAME\n"
            for (room, _) in rooms {
                let expires = Timestamp.format(room.expires) + (room.isExpired(now: now) ? " (expired)" : "")
                text += pad(room.id.text, 24) + pad(room.policy.rawValue, 10) + pad(expires, 32) + room.name + "\n"
            }
            try writeStandardOutput(text)
        }

        private func pad(_ s: String, _ width: Int) -> String {
            s + String(repeating: " ", count: max(1, width - s.count))
        }
    }
}
