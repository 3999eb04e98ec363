import ArgumentParser
import SecureChatCore
#if canImport(Glibc)
import Glibc
#endif

extension RoomCommand {
    struct RoomDelete: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete",
            abstract: "Delete a room's file (and with it your copy of the keys).",
            discussion: """
                Removes ROOM_ID.json from the rooms directory, even when it does not parse. \
                Prints nothing on success.
                """)

        @Argument(help: ArgumentHelp("The room's id.", valueName: "id"))
        var room: String

        func validate() throws {
            if RoomID(room) == nil {
                throw ValidationError("'\(room)' is not a room id (22 characters of A-Z a-z 0-9 - _)")
            }
        }

        func run() throws {
            let file = try RoomStore.existingPath(for: RoomID(room)!)
            guard unlink(file) == 0 else {
                throw Failure("cannot delete \(file): \(String(cString: strerror(errno)))")
            }
        }
    }
}
