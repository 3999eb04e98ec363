import ArgumentParser
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
            See 'securechat help <command>' and the securechat(1) manual.
            """,
        version: version,
        subcommands: [Encrypt.self, Decrypt.self, Serve.self])

    /// Every command's errors end here, rendered once (see `Diagnostics`).
    static func main() async {
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let failure as Failure {
            Diagnostics.exit(with: failure)
        } catch {
            if let failure = Failure(error) { Diagnostics.exit(with: failure) }
            exit(withError: error)
        }
    }
}
