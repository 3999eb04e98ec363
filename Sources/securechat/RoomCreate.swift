import ArgumentParser
import SecureChatCore

extension RoomCommand {
    struct RoomCreate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Make a room and print its invite link.",
            discussion: """
                Makes a random 128-bit room id and a Fernet room key, writes the room file \
                (mode 0600) to the rooms directory or to -o FILE, and prints the invite link \
                (docs/invite.md). An open room's link carries the key: whoever holds it can \
                join and read. An approval room's link carries no key: joiners knock and a \
                member lets them in.

                --server puts the relay's address in the link; it does not yet register the \
                room on that relay.

                With --json the output is one JSON object on one line: id, name, policy, \
                created, expires, max_members, server, invite and file.
                """)

        @Argument(help: ArgumentHelp("The room's name, shown to members.", valueName: "name"))
        var name = "untitled"

        @Option(help: "Who may join: open (the link carries the key) or approval (members let joiners in).")
        var policy = Room.Policy.open

        @Option(help: ArgumentHelp("How long the room lives (e.g. 90m, 2h, 7d).", valueName: "duration"))
        var ttl = "24h"

        @Option(help: ArgumentHelp("The most members the room admits.", valueName: "n"))
        var maxMembers = Room.defaultMemberLimit

        @Option(help: ArgumentHelp("The relay's address, put in the link.", valueName: "url"))
        var server = ServerAddress.local.description

        @Option(name: .shortAndLong, help: ArgumentHelp(
            "Write the room file to FILE instead of the rooms directory (never over an existing file).", valueName: "file"),
            completion: .file(extensions: ["json"]))
        var output: String?

        @Flag(help: "Print a JSON object instead of the link.")
        var json = false

        func validate() throws {
            guard let seconds = DurationText.seconds(ttl) else {
                throw ValidationError("invalid --ttl '\(ttl)': use seconds or a number with s, m, h or d (e.g. 2h)")
            }
            guard seconds > 0, seconds <= Room.maxLifetime else {
                throw ValidationError("--ttl must be more than 0 and at most \(DurationText.format(Room.maxLifetime))")
            }
            guard Room.memberLimitRange.contains(maxMembers) else {
                throw ValidationError("--max-members must be from \(Room.memberLimitRange.lowerBound) to \(Room.memberLimitRange.upperBound)")
            }
            if let problem = Room.nameProblem(name) { throw ValidationError("invalid room name: \(problem)") }
            do { _ = try ServerAddress(parsing: server) } catch {
                throw ValidationError("invalid --server '\(server)': \(error.reason)")
            }
            if output == "-" {
                throw ValidationError("a room file holds the room key and is not written to standard output; give -o FILE")
            }
        }

        func run() throws {
            let room = Room.create(name: name, policy: policy, lifetime: DurationText.seconds(ttl)!,
                                   memberLimit: maxMembers, server: try ServerAddress(parsing: server), now: Clock.now)
            let file = try RoomStore.save(room, to: output)
            try writeStandardOutput(json ? RoomSummary(room, file: file, invite: true).jsonLine : room.invite.text + "\n")
        }
    }
}
