import ArgumentParser
import SecureChatCore
#if canImport(Glibc)
import Glibc
#endif

@main
struct SecureChat: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "securechat",
        abstract: "End-to-end encrypted group chat whose pieces can be scripted.",
        discussion: """
            Keys are age identities; messages are Fernet tokens; files use the age v1 format. \
            Each command has its own help ('securechat help connect', for one) and manual page.
            """,
        version: version,
        subcommands: [Keygen.self, RoomCommand.self, InviteQR.self, Encrypt.self, Decrypt.self, Inspect.self, Serve.self, Connect.self])

    /// Every command's errors end here, rendered once (see `Diagnostics`).
    static func main() async {
        signal(SIGPIPE, SIG_IGN)
        SignalCleanup.install()
        do {
            var command = try DirectParse.parse(Array(CommandLine.arguments.dropFirst()))
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let failure as Failure {
            Diagnostics.exit(with: failure)
        } catch {
            if let failure = Failure(error) { Diagnostics.exit(with: failure) }
            // Help and --version exit 0 through the parser; usage errors are rendered like every other error.
            guard exitCode(for: error) != .success else { exit(withError: error) }
            Diagnostics.exit(with: usageFailure(error))
        }
    }

    /// The parser's message as `securechat: error: …`, with its pointer to --help as the hint.
    static func usageFailure(_ error: Error) -> Failure {
        let lines = fullMessage(for: error).split(separator: "\n").map(String.init)
        var message = lines.first ?? "invalid usage"
        if message.hasPrefix("Error: ") { message.removeFirst(7) }
        let hint = lines.first { $0.hasPrefix("  See '") }?.trimmingASCIIWhitespace()
        let status = ExitStatus(rawValue: exitCode(for: error).rawValue) ?? .usage
        return Failure(message.isEmpty ? "invalid usage" : message, hint: hint.map { $0.prefix(1).lowercased() + $0.dropFirst() }, status: status)
    }
}
