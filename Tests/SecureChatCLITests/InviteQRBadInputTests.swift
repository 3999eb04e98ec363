import Foundation
import Testing
import TestSupport

/// `invite-qr` refusing bad input: the exact error, the exit status, and no output at all.
@Suite struct InviteQRBadInputTests {
    static let link = InviteQRCLITests.link
    static let tooLongForH = String(repeating: "x", count: 1274)
    static let tooLongForL = String(repeating: "x", count: 2954)

    @Test(arguments: [
        ([String](), "", Int32(2), "securechat: error: invalid invite link: it is empty\n"),
        (["-"], " \n", 2, "securechat: error: invalid invite link: it is empty\n"),
        (["--raw"], "", 2, "securechat: error: nothing to encode; the link is empty\n"),
        (["ftp://127.0.0.1/join/3q2-7wAAAAAAAAAAAAAAAA#v=1"], "", 2, "securechat: error: invalid invite link: unsupported scheme \"ftp\"; use http or https\n"),
        ([], "http://127.0.0.1:5000/join/3q2-7wAAAAAAAAAAAAAAAA#v=3", 2, "securechat: error: invalid invite link: unknown invite version \"3\"; this securechat reads versions 1 and 2\n"),
        (["--raw", "-l", "H", tooLongForH], "", 2,
         "securechat: error: link is 1274 bytes; a QR code at level H holds at most 1273\nsecurechat: hint: a lower error-correction level holds more: -l L takes up to 2953 bytes\n"),
        (["--raw", "-l", "L"], tooLongForL, 2, "securechat: error: link is 2954 bytes; a QR code at level L holds at most 2953\nsecurechat: hint: shorten the link\n"),
        (["-t", "jpg", link], "", 64, "securechat: error: unknown format 'jpg'; use one of png, svg, utf8, ansi, ascii\n"),
        (["-o", "invite.gif", link], "", 64, "securechat: error: cannot tell the format from the name 'invite.gif'; give -t with one of png, svg, utf8, ansi, ascii\n"),
        (["-l", "X", link], "", 64, "securechat: error: The value 'X' is invalid for '-l <level>'"),
        (["-s", "0", "-o", "x.png", link], "", 64, "securechat: error: module size 0 is out of range; use 1 to 100 pixels per module\n"),
        (["-m", "101", "-t", "utf8", link], "", 64, "securechat: error: margin 101 is out of range; use 0 to 100 modules\n"),
        (["--foreground", "blue", "-t", "svg", link], "", 64,
         "securechat: error: invalid color \"blue\"; expected RRGGBB or RRGGBBAA in hexadecimal, like 1a2b3c or 1a2b3c80\n"),
        (["--background", "ffffff", link], "", 64, "securechat: error: --foreground and --background apply to png and svg only\n"),
        (["--room", "3q2-7wAAAAAAAAAAAAAAAA", link], "", 64, "securechat: error: give a LINK or --room, not both\n"),
        (["-o", "/nonexistent/dir/invite.png", link], "", 1, "securechat: error: cannot write /nonexistent/dir/invite.png: directory /nonexistent/dir does not exist\n"),
        (["-o", "afile/invite.png", link], "", 1, "securechat: error: cannot write afile/invite.png: Not a directory\n"),
    ])
    func rejects(args: [String], stdin: String, status: Int32, stderr: String) throws {
        let box = try RoomSandbox()
        try box.write("", to: box.path("afile"))
        let before = try FileManager.default.contentsOfDirectory(atPath: box.dir.path)
        let r = try box.run(["invite-qr"] + args, stdin: stdin)
        #expect(r.status == status && r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix(stderr), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: box.dir.path) == before)
    }

    /// A failure after the output file was named leaves nothing behind, not even a temporary.
    @Test func noPartialFile() throws {
        let box = try RoomSandbox()
        let r = try box.run(["invite-qr", "--raw", "-l", "H", "-o", "invite.png"], stdin: Self.tooLongForH)
        #expect(r.status == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: box.dir.path).isEmpty)
    }

    @Test func expiredRoomWarns() throws {
        let box = try RoomSandbox()
        let room = try box.create(["--ttl", "1h", "old"])
        let r = try box.run(["invite-qr", "--room", room.id, "-t", "ascii"], env: ["SECURECHAT_NOW": "1700003600"])
        #expect(r.status == 0 && !r.stdout.isEmpty)
        #expect(r.stderr == "securechat: warning: room \(room.id) expired at 2023-11-14T23:13:20Z; its invite no longer works\n")
    }
}
