import ArgumentParser

/// The short path from argv to a leaf command for the commands scripts call in loops.
///
/// `parseAsRoot()` sets up the whole command tree, reflecting over every command's properties;
/// for `securechat encrypt -r R FILE` that work is most of the process's instructions. When the
/// first words name one of these leaf commands and nothing asks for help, a version or a
/// completion script, the leaf is parsed on its own with the same definitions (so the same
/// options, defaults and `validate()` apply). Anything it does not accept — a usage error
/// included — returns `nil`, and the caller parses from the root, which renders help and
/// errors exactly as always.
enum DirectParse {
    /// Leaf commands reached in one or two words.
    private static let leaves: [[String]: ParsableCommand.Type] = [
        ["encrypt"]: Encrypt.self,
        ["decrypt"]: Decrypt.self,
        ["inspect"]: Inspect.self,
        ["invite-qr"]: InviteQR.self,
        ["keygen"]: Keygen.self,
        ["room", "create"]: RoomCommand.RoomCreate.self,
    ]

    /// Words that make the parser do something other than run a command.
    private static let rootOnly: Set<String> = [
        "-h", "--help", "-help", "help", "--version",
        "--generate-completion-script", "--experimental-dump-help",
    ]

    /// The command to run: the leaf parsed directly when possible, otherwise from the root.
    /// - Parameter arguments: argv without the program name.
    /// - Throws: whatever `parseAsRoot` throws (help, version and usage errors among them).
    static func parse(_ arguments: [String]) throws -> sending ParsableCommand {
        if let leaf = leaf(arguments) { return leaf }
        return try SecureChat.parseAsRoot(arguments)
    }

    /// - Parameter arguments: argv without the program name.
    /// - Returns: the parsed, validated leaf command, or `nil` to parse from the root.
    static func leaf(_ arguments: [String]) -> ParsableCommand? {
        guard !arguments.contains(where: rootOnly.contains) else { return nil }
        for depth in [2, 1] where arguments.count >= depth {
            if let leaf = leaves[Array(arguments.prefix(depth))] {
                return try? leaf.parse(Array(arguments.dropFirst(depth)))
            }
        }
        return nil
    }
}
