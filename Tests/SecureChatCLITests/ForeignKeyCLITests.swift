import Foundation
import Testing
import TestSupport

/// An OpenSSH private key given wherever a key file is read: one clear sentence, exit 2.
@Suite struct ForeignKeyCLITests {
    static let sshKey = """
        -----BEGIN OPENSSH PRIVATE KEY-----
        b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
        QyNTUxOQAAACDkYJ4H0Gx2h9iCzWHfGp7jQzFzcSYnF4g3R8Lk8qQvhwAAAJgAAAAAAAAA
        -----END OPENSSH PRIVATE KEY-----

        """
    static let sentence = "this is an OpenSSH private key: SSH keys are not supported, only age keys (AGE-SECRET-KEY-1… identities, age1… recipients)"

    @Test(arguments: [
        ["decrypt", "-i", "id_ed25519", "x.age"],
        ["encrypt", "-i", "id_ed25519", "plain"],
        ["encrypt", "-R", "id_ed25519", "plain"],
        ["keygen", "-y", "id_ed25519"],
        ["connect", "-i", "id_ed25519", "--room", "00000000000000000000000000000000", "--send", "hi"],
        ["room", "create", "--server", "http://127.0.0.1:9", "-i", "id_ed25519"],
        ["inspect", "id_ed25519"],
    ])
    func sshKeyAsAgeKey(_ args: [String]) throws {
        let dir = try CLI.sandbox()
        try Data(Self.sshKey.utf8).write(to: dir.appendingPathComponent("id_ed25519"))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir.appendingPathComponent("id_ed25519").path)
        try Data("plain".utf8).write(to: dir.appendingPathComponent("plain"))
        // A file for an X25519 recipient, so that decrypt reads the identities.
        let made = try CLI.shell("echo hi | \"$SC\" encrypt -r \"$(\"$SC\" keygen -o - 2>/dev/null | sed -n 's/^# public key: //p')\" > x.age", cwd: dir)
        #expect(made.status == 0, "\(made.stderr)")
        let r = try CLI.run(args, env: ["XDG_DATA_HOME": dir.path], cwd: dir)
        #expect(r.status == 2, "\(args): \(r.stderr)")
        #expect(r.stderr.hasPrefix("securechat: error: ") && r.stderr.contains((args[0] == "inspect" ? "securechat: error: " : "line 1: ") + Self.sentence), "\(args): \(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test(arguments: ["--key-file id_ed25519", "--key-fd 3 3<id_ed25519"])
    func sshKeyAsRoomKey(_ source: String) throws {
        let dir = try CLI.sandbox()
        try Data(Self.sshKey.utf8).write(to: dir.appendingPathComponent("id_ed25519"))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir.appendingPathComponent("id_ed25519").path)
        let r = try CLI.shell("echo hi | \"$SC\" encrypt \(source)", cwd: dir)
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("line 1: this is an OpenSSH private key, not a room key: room keys are 44-character Fernet keys"), "\(r.stderr)")
    }
}
