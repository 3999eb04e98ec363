import Foundation
import Testing
import TestSupport

/// `room create/list/show/delete` through the real binary.
@Suite struct RoomCLITests {
    static var linkPattern: Regex<(Substring, Substring)> { #/http://127\.0\.0\.1:5000/join/([A-Za-z0-9_-]{22})#v=2&k=[A-Za-z0-9_-]{43}\n/# }

    @Test func createPrintsTheLinkAndWritesAPrivateRoomFile() throws {
        let box = try RoomSandbox()
        let r = try box.run(["room", "create", "team"])
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
        let match = try #require(r.out.wholeMatch(of: Self.linkPattern))
        let file = box.rooms + "/\(match.1).json"
        #expect(try box.mode(of: file) == 0o600)
        #expect(try box.mode(of: box.rooms) == 0o700)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as! [String: Any]
        #expect(json["format"] as? String == "securechat-room/1")
        #expect(json["id"] as? String == String(match.1))
        #expect(json["expires"] as? String == "2023-11-15T22:13:20Z")
        #expect(json["max_members"] as? Int == 50)
        #expect((json["keys"] as? [String])?.count == 1)
        // Every room gets a fresh id and key.
        let again = try box.run(["room", "create", "team"])
        #expect(again.status == 0 && again.out != r.out)
    }

    @Test func createJSON() throws {
        let box = try RoomSandbox()
        let r = try box.run(["room", "create", "--json", "--policy", "approval", "--ttl", "2h", "--max-members", "5", "B team"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.out.hasSuffix("}\n") && r.out.filter { $0 == "\n" }.count == 1)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout)) as! [String: Any]
        let id = try #require(json["id"] as? String)
        #expect(Set(json.keys) == ["id", "name", "policy", "created", "expires", "max_members", "server", "invite", "file"])
        #expect(json["name"] as? String == "B team" && json["policy"] as? String == "approval")
        #expect(json["created"] as? String == "2023-11-14T22:13:20Z" && json["expires"] as? String == "2023-11-15T00:13:20Z")
        #expect(json["max_members"] as? Int == 5 && json["server"] as? String == "http://127.0.0.1:5000")
        #expect(json["invite"] as? String == "http://127.0.0.1:5000/join/\(id)#v=2")
        #expect(json["file"] as? String == box.rooms + "/\(id).json")
    }

    @Test func createToAFileNeverOverwrites() throws {
        let box = try RoomSandbox()
        let r = try box.run(["room", "create", "-o", "my.room"])
        #expect(r.status == 0 && r.out.wholeMatch(of: Self.linkPattern) != nil)
        #expect(try box.mode(of: box.path("my.room")) == 0o600)
        #expect(!FileManager.default.fileExists(atPath: box.rooms))
        let show = try box.run(["room", "show", "my.room"])
        #expect(show.status == 0 && show.out.contains(field("name", "untitled")))
        let again = try box.run(["room", "create", "-o", "my.room"])
        #expect(again.status == 1 && again.stdout.isEmpty)
        #expect(again.stderr == "securechat: error: my.room already exists; refusing to overwrite it\nsecurechat: hint: choose another file with -o, or remove the old one yourself\n")
    }

    @Test func listShowDelete() throws {
        let box = try RoomSandbox()
        let a = try box.create(["alpha"])
        let b = try box.create(["--policy", "approval", "--ttl", "1h", "beta"])
        let list = try box.run(["room", "list"], env: ["SECURECHAT_NOW": "1700003600"])
        #expect(list.status == 0)
        let rows = Set(list.out.split(separator: "\n").dropFirst().map(String.init))
        #expect(list.out.hasPrefix("ID                      POLICY    EXPIRES                         NAME\n"))
        #expect(rows == ["\(a.id)  open      2023-11-15T22:13:20Z            alpha",
                         "\(b.id)  approval  2023-11-14T23:13:20Z (expired)  beta"])
        let json = try box.run(["room", "list", "--json"])
        let lines = json.out.split(separator: "\n")
        #expect(lines.count == 2 && !json.out.contains("\"keys\"") && !json.out.contains("\"invite\""))
        #expect(Set(lines.map { (try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["id"] as! String }) == [a.id, b.id])

        let show = try box.run(["room", "show", a.id])
        #expect(show.status == 0)
        #expect(show.out.contains(field("invite", "(carries the key; shown with --show-key)") + field("keys", "1 (shown with --show-key)")))
        #expect(!show.out.contains(a.invite.split(separator: "=").last!))
        let withKey = try box.run(["room", "show", "--show-key", a.id])
        #expect(withKey.out.contains(field("invite", a.invite) + field("key", "")))
        let approval = try box.run(["room", "show", "--json", b.id])
        let object = try JSONSerialization.jsonObject(with: Data(approval.stdout)) as! [String: Any]
        #expect(object["invite"] as? String == b.invite && object["keys"] == nil)

        #expect(try box.run(["room", "delete", a.id]).status == 0)
        #expect(try box.run(["room", "list", "--json"]).out.split(separator: "\n").count == 1)
        let gone = try box.run(["room", "show", a.id])
        #expect(gone.status == 1)
        #expect(gone.stderr == "securechat: error: no room \(a.id) in \(box.rooms)\nsecurechat: hint: 'securechat room list' shows your rooms\n")
        #expect(try box.run(["room", "delete", a.id]).status == 1)
    }

    @Test func listSkipsUnusableFiles() throws {
        let box = try RoomSandbox()
        let good = try box.create(["good"])
        let bad = box.rooms + "/AAAAAAAAAAAAAAAAAAAAAA.json"
        try box.write("{", to: bad)
        let r = try box.run(["room", "list", "--json"])
        #expect(r.status == 0 && r.out.contains(good.id) && r.out.split(separator: "\n").count == 1)
        #expect(r.stderr == "securechat: warning: room file \(bad): not a room file: it is not a JSON object (skipped)\n")
    }

    /// A room file that is missing, corrupt, readable by others or not what its name says.
    @Test func badRoomFiles() throws {
        let box = try RoomSandbox()
        let room = try box.create(["team"])
        let file = box.rooms + "/\(room.id).json"
        let content = try String(contentsOfFile: file, encoding: .utf8)
        let other = "AAAAAAAAAAAAAAAAAAAAAA"
        let cases: [(setUp: () throws -> Void, arg: String, status: Int32, stderr: String)] = [
            ({}, other, 1, "securechat: error: no room \(other) in \(box.rooms)\nsecurechat: hint: 'securechat room list' shows your rooms\n"),
            ({}, "nope", 1, "securechat: error: no room \"nope\": it is neither a room id nor a room file\nsecurechat: hint: 'securechat room list' shows your rooms' ids\n"),
            ({ try box.write("not json", to: file) }, room.id, 2, "securechat: error: room file \(file): not a room file: it is not a JSON object\n"),
            ({ try box.write(content.replacingOccurrences(of: "securechat-room/1", with: "x"), to: file) }, room.id, 2,
             "securechat: error: room file \(file): unsupported room file format \"x\"; this securechat reads \"securechat-room/1\"\n"),
            ({ try box.write(content, to: file, mode: 0o644) }, room.id, 1,
             "securechat: error: room file \(file) is accessible by other users (mode 644); refusing to use it, since it holds the room keys\nsecurechat: hint: chmod 600 \(file)\n"),
            ({ try box.write(content, to: file, mode: 0o640) }, room.id, 1,
             "securechat: error: room file \(file) is accessible by other users (mode 640); refusing to use it, since it holds the room keys\nsecurechat: hint: chmod 600 \(file)\n"),
            ({ try box.write(content, to: box.rooms + "/\(other).json") }, other, 2,
             "securechat: error: room file \(box.rooms)/\(other).json holds room \(room.id), not \(other)\n"),
        ]
        for c in cases {
            try c.setUp()
            for command in [["room", "show"], ["invite-qr", "--room"], ["encrypt", "--room"], ["decrypt", "--room"]] {
                let r = try box.run(command + [c.arg], stdin: "x")
                #expect(r.status == c.status && r.stderr == c.stderr && r.stdout.isEmpty, "\(command) \(c.arg): \(r.stderr)")
            }
        }
    }

    @Test(arguments: [
        (["--ttl", "2 hours"], "securechat: error: invalid --ttl '2 hours': use seconds or a number with s, m, h or d (e.g. 2h)\n"),
        (["--ttl", "0"], "securechat: error: --ttl must be more than 0 and at most 3650d\n"),
        (["--ttl", "3651d"], "securechat: error: --ttl must be more than 0 and at most 3650d\n"),
        (["--max-members", "1"], "securechat: error: --max-members must be from 2 to 100000\n"),
        (["--server", "ftp://relay"], "securechat: error: invalid --server 'ftp://relay': unsupported scheme \"ftp\"; use http or https\n"),
        (["--server", "https://relay/chat"], "securechat: error: invalid --server 'https://relay/chat': unexpected path after the host; a server address is http(s)://HOST[:PORT]\n"),
        (["--policy", "secret"], "securechat: error: The value 'secret' is invalid for '--policy <policy>'. Please provide one of 'open' and 'approval'.\n"),
        (["bad\u{1B}[2Jname"], "securechat: error: invalid room name: the name contains a control character\n"),
        ([""], "securechat: error: invalid room name: the name is empty\n"),
        (["-o", "-"], "securechat: error: a room file holds the room key and is not written to standard output; give -o FILE\n"),
    ])
    func createRejectsBadOptions(args: [String], stderr: String) throws {
        let box = try RoomSandbox()
        let r = try box.run(["room", "create"] + args)
        #expect(r.status == 64 && r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix(stderr), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: box.rooms))
    }

    /// One line of `room show`: the label, padded to the value column.
    func field(_ label: String, _ value: String) -> String {
        label + ":" + String(repeating: " ", count: 13 - label.count) + value + (value.isEmpty ? "" : "\n")
    }

    @Test func deleteNeedsARoomID() throws {
        let box = try RoomSandbox()
        let r = try box.run(["room", "delete", "my.room"])
        #expect(r.status == 64 && r.stderr.hasPrefix("securechat: error: 'my.room' is not a room id (22 characters of A-Z a-z 0-9 - _)\n"))
    }
}
