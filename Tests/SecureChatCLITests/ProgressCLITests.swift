import Foundation
import Testing
import TestSupport

/// Progress of long work goes to standard error on a terminal only, is erased when the work
/// ends, and `--quiet` turns it off.
@Suite struct ProgressCLITests {
    static let key = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
    /// Input that takes more than the second progress waits for: a pipe that pauses.
    static let slowInput = "(head -c 1048576 /dev/zero; sleep 2; head -c 1048576 /dev/zero)"

    /// Runs `command` with standard output and error on a pseudo-terminal (as `script` gives them).
    func onTerminal(_ command: String, in dir: URL) throws -> CLIResult {
        try CLI.shell("script -qfec \(Self.quote(command)) /dev/null", env: ["SECURECHAT_KEY": Self.key, "TERM": "xterm"], cwd: dir, timeout: 60)
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    @Test func encryptAndDecryptShowProgressOnATerminal() throws {
        let dir = try CLI.sandbox()
        let shown = try onTerminal("\(Self.slowInput) | \"$SC\" encrypt -o token.txt", in: dir)
        #expect(shown.status == 0, "\(shown.out)")
        #expect(shown.out.contains("\r\u{1B}[Kencrypting standard input: "), "\(shown.out.debugDescription)")
        #expect(shown.out.contains(" MiB"), "\(shown.out.debugDescription)")
        // The line is erased at the end, so nothing of it stays on the screen.
        #expect(shown.out.hasSuffix("\r\u{1B}[K"), "\(shown.out.suffix(80).debugDescription)")

        let decrypted = try onTerminal("(cat token.txt; sleep 2) | \"$SC\" decrypt -o plain", in: dir)
        #expect(decrypted.status == 0, "\(decrypted.out)")
        #expect(decrypted.out.contains("\r\u{1B}[Kdecrypting standard input: "), "\(decrypted.out.debugDescription)")
        #expect(try Data(contentsOf: dir.appendingPathComponent("plain")).count == 2 << 20)
    }

    @Test func quietOrNotATerminalShowsNothing() throws {
        let dir = try CLI.sandbox()
        let quiet = try onTerminal("\(Self.slowInput) | \"$SC\" encrypt --quiet -o a.txt", in: dir)
        #expect(quiet.status == 0 && !quiet.out.contains("encrypting"), "\(quiet.out.debugDescription)")
        let piped = try CLI.shell("\(Self.slowInput) | \"$SC\" encrypt -o b.txt", env: ["SECURECHAT_KEY": Self.key, "TERM": "xterm"], cwd: dir)
        #expect(piped.status == 0 && piped.stderr.isEmpty, "\(piped.stderr.debugDescription)")
    }
}
