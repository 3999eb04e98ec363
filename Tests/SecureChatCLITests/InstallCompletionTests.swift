import Foundation
import Testing
import TestSupport

/// The committed completions really complete, and scripts/install puts everything where man,
/// bash, zsh and fish look, and scripts/uninstall removes exactly that.
@Suite struct InstallCompletionTests {
    static let harness = """
        source /usr/share/bash-completion/bash_completion 2>/dev/null || true
        source completions/securechat.bash
        t() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
              _securechat securechat "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"; echo "${COMPREPLY[*]}"; }
        """

    @Test func bashCompletesCommandsOptionsValuesAndRoomIDs() throws {
        let data = try CLI.sandbox()
        let made = try CLI.run(["room", "create", "x", "--json"], env: ["XDG_DATA_HOME": data.path])
        let id = try #require((try JSONSerialization.jsonObject(with: Data(made.stdout)) as? [String: Any])?["id"] as? String)
        let r = try CLI.shell(Self.harness + """

            t securechat room cr
            t securechat enc
            t securechat encrypt --key-fi
            t securechat invite-qr -l ''
            t securechat room create --policy ''
            t securechat room show ''
            """, env: ["XDG_DATA_HOME": data.path], cwd: Vectors.repositoryRoot)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.out.split(separator: "\n").map(String.init) == ["create", "encrypt", "--key-file", "L M Q H", "open approval", id])
    }

    @Test func installAndUninstallIntoAPrefix() throws {
        let prefix = try CLI.sandbox().appendingPathComponent("usr")
        let r = try CLI.shell("""
            set -e
            SECURECHAT_BIN="$SC" scripts/install "$1" 2>/dev/null
            "$1/bin/securechat" --version
            MANPATH="$1/share/man" man -w securechat-room-create
            ls "$1/share/bash-completion/completions/securechat" "$1/share/zsh/site-functions/_securechat" "$1/share/fish/vendor_completions.d/securechat.fish" | wc -l
            scripts/uninstall "$1" 2>/dev/null
            find "$1" -type f | wc -l
            """.replacingOccurrences(of: "$1", with: prefix.path), cwd: Vectors.repositoryRoot)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines.first?.range(of: #"^\d+\.\d+\.\d+$"#, options: .regularExpression) != nil)
        #expect(lines[1].hasSuffix("share/man/man1/securechat-room-create.1"))
        #expect(lines[2] == "3" && lines[3] == "0")
    }
}
