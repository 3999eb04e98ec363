import Foundation
import Testing
import TestSupport

/// Every `sh` block of the README runs as written, in order, in one scratch directory, with the
/// built binary as `securechat` on PATH. (`console` blocks are set-up commands, not run here.)
@Suite struct ReadmeTests {
    @Test func everyShellBlockRuns() throws {
        let readme = try String(contentsOf: Vectors.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        var blocks = [String]()
        var current: [String]? = nil
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```sh" { current = [] } else if current != nil, line == "```" {
                blocks.append(current!.joined(separator: "\n")); current = nil
            } else { current?.append(String(line)) }
        }
        #expect(blocks.count >= 6)
        let dir = try CLI.sandbox()
        let script = blocks.enumerated().map { "echo '### block \($0.offset + 1)'\n\($0.element)" }.joined(separator: "\n")
        let r = try CLI.shell("set -euo pipefail\n" + script,
                              env: ["HOME": dir.path, "XDG_CONFIG_HOME": dir.path + "/cfg", "XDG_DATA_HOME": dir.path + "/data"],
                              cwd: dir, timeout: 300)
        #expect(r.status == 0, "README block failed:\n\(r.out.suffix(1500))\n\(r.stderr.suffix(1500))")
        #expect(r.out.contains("meet at noon"))
        #expect(r.out.contains("the plan"))
        #expect(r.out.contains("invite-alice.png"))
        #expect(r.out.contains("decrypt exited with 3"))
        #expect(r.out.contains("hello from alice"))
        #expect(r.out.components(separatedBy: "### block").count == blocks.count + 1)
    }
}
