import Foundation
import Testing
import TestSupport

/// `encrypt`/`decrypt --room ID|FILE` and `--invite LINK`: room files as the key source.
@Suite struct RoomKeyCLITests {
    static let newKey = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
    static let oldKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    static let id = "3q2-7wAAAAAAAAAAAAAAAA"
    static let warning = """
        securechat: warning: the room key in --invite is visible to other users of this machine (ps, shell history)
        securechat: hint: keep it in a room file or key file and pass --room or --key-file

        """

    static func roomFile(policy: String = "open", keys: [String]) -> String {
        """
        {"format": "securechat-room/1", "id": "\(id)", "name": "rotated", "policy": "\(policy)",
         "created": "2023-11-14T22:13:20Z", "expires": "2023-11-15T22:13:20Z", "max_members": 50,
         "server": "http://127.0.0.1:5000", "keys": [\(keys.map { "\"\($0)\"" }.joined(separator: ", "))]}
        """
    }

    @Test func roomCreateIntoEncryptAndDecrypt() throws {
        let box = try RoomSandbox()
        let r = try box.shell("""
            id=$("$SC" room create --json team | jq -r .id)
            printf 'by id' | "$SC" encrypt --room "$id" | "$SC" decrypt --room "$id"; echo
            "$SC" room create -o team.room > link
            printf 'by file' | "$SC" encrypt --room team.room | "$SC" decrypt --room "$PWD/team.room"; echo
            printf 'by invite' | "$SC" encrypt --invite "$(cat link)" | "$SC" decrypt --room team.room; echo
            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.out == "by id\nby file\nby invite\n")
        #expect(r.stderr == Self.warning)
    }

    @Test func everyKeyOfARoomIsTriedAndTheNewestEncrypts() throws {
        let box = try RoomSandbox()
        try box.write(Self.roomFile(keys: [Self.newKey, Self.oldKey]), to: box.path("rotated.room"))
        let old = try box.run(["encrypt"], stdin: "before the rotation", env: ["SECURECHAT_KEY": Self.oldKey])
        let dec = try CLI.run(["decrypt", "--room", "rotated.room"], stdin: old.stdout, env: box.env, cwd: box.dir)
        #expect(dec.status == 0 && dec.out == "before the rotation", "\(dec.stderr)")

        let new = try box.run(["encrypt", "--room", "rotated.room"], stdin: "after")
        #expect(try CLI.run(["decrypt"], stdin: new.stdout, env: ["SECURECHAT_KEY": Self.newKey]).out == "after")
        #expect(try CLI.run(["decrypt"], stdin: new.stdout, env: ["SECURECHAT_KEY": Self.oldKey]).status == 3)
        // The same room by id, from the rooms directory.
        try box.write(Self.roomFile(keys: [Self.newKey, Self.oldKey]), to: box.rooms + "/\(Self.id).json")
        #expect(try CLI.run(["decrypt", "--room", Self.id], stdin: old.stdout, env: box.env).out == "before the rotation")
    }

    @Test func approvalInvitesCarryNoKey() throws {
        let box = try RoomSandbox()
        let room = try box.create(["--policy", "approval", "door"])
        let r = try box.run(["decrypt", "--invite", room.invite], stdin: "gAAAAAB")
        #expect(r.status == 1 && r.stdout.isEmpty)
        #expect(r.stderr == "securechat: error: the invite for room \(room.id) carries no key: it is an approval room's\nsecurechat: hint: a member lets you in, and the key arrives then\n")
        // A joiner's room file before it is let in: approval, no key yet.
        try box.write(Self.roomFile(policy: "approval", keys: []), to: box.path("knocked.room"))
        let k = try box.run(["encrypt", "--room", "knocked.room"], stdin: "x")
        #expect(k.status == 1)
        #expect(k.stderr == "securechat: error: room \(Self.id) has no key yet\nsecurechat: hint: a member of an approval room lets you in, and the key arrives then\n")
    }

    @Test(arguments: [
        (["--invite", "http://127.0.0.1:5000/join/\(id)#v=1&k=\(newKey)"], Int32(2),
         "securechat: error: invalid invite link: the room key must be 43 characters of base64url, got 44\n"),
        (["--invite", "http://127.0.0.1:5000/join/\(id)#v=3"], 2,
         "securechat: error: invalid invite link: unknown invite version \"3\"; this securechat reads versions 1 and 2\n"),
        (["--invite", ""], 2, "securechat: error: invalid invite link: it is empty\n"),
        (["--room", id, "--key-file", "k"], 64, "securechat: error: give only one of --key-file, --key-fd, --room and --invite\n"),
        (["--room", id, "--invite", "x"], 64, "securechat: error: give only one of --key-file, --key-fd, --room and --invite\n"),
    ])
    func badKeySources(args: [String], status: Int32, stderr: String) throws {
        let box = try RoomSandbox()
        for command in ["encrypt", "decrypt"] {
            let r = try box.run([command] + args, stdin: "x")
            #expect(r.status == status && r.stdout.isEmpty)
            #expect(r.stderr.hasPrefix(stderr), "\(r.stderr)")
        }
    }
}
