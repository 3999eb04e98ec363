import ArgumentParser
import SecureChatClient
import SecureChatCore
import SecureChatWire

extension RoomCommand {
    struct RoomCreate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Make a room and print its invite link.",
            discussion: """
                Makes a random 128-bit room id and a Fernet room key, writes the room file \
                (mode 0600) to the rooms directory or to -o FILE, and prints the invite link \
                (docs/invite.md). An open room's link carries the key: whoever holds it can \
                join and read. An approval room's link carries no key: joiners knock and a \
                member lets them in.

                With --server, the room is registered on that relay (which must be running) \
                before the room file is written: the identity (-i, or the default one) \
                becomes its owner, and an open room registers the access key derived from \
                its room key, never the key itself. The relay's expiry time is kept. With \
                --name, the owner also signs the name members see for it in the room \
                (docs/protocol.md, "Names"). Without \
                --server, the link names a relay on this machine and nothing is registered.

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

        @Option(help: ArgumentHelp("Register the room on this relay and put its address in the link.", valueName: "url"))
        var server: String?

        @Option(name: .customLong("name"), help: ArgumentHelp(
            "With --server: the name members see for you, the owner, signed (default: $SECURECHAT_NAME or your login name).",
            valueName: "name"))
        var ownerName: String?

        @Option(name: [.customShort("i"), .customLong("identity")], help: ArgumentHelp(
            "The owner's identity file for --server (default: $SECURECHAT_IDENTITY or ~/.config/securechat/identity.txt).",
            valueName: "file"), completion: .file())
        var identity: String?

        @Option(name: .shortAndLong, help: ArgumentHelp(
            "Write the room file to FILE instead of the rooms directory (never over an existing file).", valueName: "file"),
            completion: .file(extensions: ["json"]))
        var output: String?

        @OptionGroup var trustOptions: TrustOptions

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
            if let server {
                do { _ = try ServerAddress(parsing: server) } catch {
                    throw ValidationError("invalid --server '\(server)': \(error.reason)")
                }
            }
            if identity != nil, server == nil { throw ValidationError("-i names the owner for --server; without --server nothing is registered") }
            if ownerName != nil, server == nil {
                throw ValidationError("--name is the owner's name on the relay; without --server nothing is registered (the room's name is the argument)")
            }
            if let ownerName, !Validation.isDisplayName(ownerName) {
                throw ValidationError("invalid --name: use 1 to \(Validation.maxName) characters without control characters")
            }
            if output == "-" {
                throw ValidationError("a room file holds the room key and is not written to standard output; give -o FILE")
            }
        }

        func run() async throws {
            let address = try server.map { try ServerAddress(parsing: $0) } ?? .local
            var room = Room.create(name: name, policy: policy, lifetime: DurationText.seconds(ttl)!,
                                   memberLimit: maxMembers, server: address, now: Clock.now)
            if server != nil { try await register(&room) }
            let file = try RoomStore.save(room, to: output)
            try writeStandardOutput(json ? RoomSummary(room, file: file, invite: true).jsonLine : room.invite.text + "\n")
        }

        /// Registers the room on its relay, owned by our identity; keeps the relay's expiry.
        func register(_ room: inout Room) async throws {
            let owner = try ConnectSetup.loadIdentity(identity)
            let name = try ConnectSetup.displayName(ownerName, identity: owner)
            try await Self.register(&room, owner: owner, name: name, signName: ownerName != nil, trust: trustOptions.trust)
        }

        /// Registers `room` on its relay, owned by `owner` (whose name members see is `name`,
        /// signed if `signName`), and keeps the relay's expiry.
        /// - Throws: `Failure` with exit status 5 when the relay cannot be reached, 1 when it refuses.
        static func register(_ room: inout Room, owner: Identity, name: String, signName: Bool, trust: RelayTrust) async throws {
            do {
                let created = try await RoomRegistration.register(room, identity: owner, name: name, signName: signName,
                                                                  trust: trust, now: Clock.now.multipliedReportingOverflow(by: 1000).partialValue)
                room.expires = UInt64(max(Int64(clamping: room.created), created.expiresAt))
                room.owner = owner.signingKey.publicKey.rawRepresentation
            } catch .unreachable(let why) {
                throw Failure("cannot reach the relay at \(room.server): \(why)", hint: "is 'securechat serve' running there?",
                              status: .unreachable)
            } catch .refused(let e) {
                throw Failure("the relay refused to register the room: \(TerminalText.sanitize(e.message)) (\(e.code.rawValue))")
            }
        }
    }
}
