import Foundation
import Testing
import TestSupport

/// `invite-qr` through the real binary: every image decodes back to the exact link with an
/// independent reader (zbarimg, after rsvg-convert for SVG), text output matches golden files.
/// Run with `SECURECHAT_UPDATE_GOLDEN=1` to rewrite `Golden/` after an intended change.
@Suite struct InviteQRCLITests {
    static let link = "http://127.0.0.1:5000/join/3q2-7wAAAAAAAAAAAAAAAA#v=1&k=cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4"
    static let links = [
        "http://127.0.0.1:5000/join/3q2-7wAAAAAAAAAAAAAAAA#v=1",
        link,
        "https://" + String(repeating: "relay-", count: 40) + "example.org:8443/join/3q2-7wAAAAAAAAAAAAAAAA#v=1&k=cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4",
    ]

    /// The text of the QR code in `file`, as zbarimg reads it.
    static func decode(_ file: String, in box: RoomSandbox) throws -> String {
        let r = try box.shell("zbarimg --raw -q '\(file)'")
        #expect(r.status == 0, "zbarimg found no code in \(file) (exit \(r.status))")
        return r.out.hasSuffix("\n") ? String(r.out.dropLast()) : r.out
    }

    @Test(arguments: links, ["L", "M", "Q", "H"])
    func pngDecodesToTheLink(link: String, level: String) throws {
        let box = try RoomSandbox()
        let r = try box.run(["invite-qr", "-l", level, "-o", "invite.png", link])
        #expect(r.status == 0 && r.stdout.isEmpty && r.stderr.isEmpty, "\(r.stderr)")
        #expect(try Self.decode("invite.png", in: box) == link)
    }

    @Test(arguments: [[String](), ["-l", "H", "-s", "5", "-m", "2", "--foreground", "1a237e", "--background", "#fff9c4"]])
    func svgDecodesToTheLink(options: [String]) throws {
        let box = try RoomSandbox()
        let r = try box.run(["invite-qr", "-o", "invite.svg"] + options, stdin: Self.link + "\n")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try String(contentsOfFile: box.path("invite.svg"), encoding: .utf8).hasPrefix("<?xml"))
        let png = try box.shell("rsvg-convert -b white -o invite.png invite.svg")
        #expect(png.status == 0, "\(png.stderr)")
        #expect(try Self.decode("invite.png", in: box) == Self.link)
    }

    @Test func sameInputSameBytes() throws {
        let box = try RoomSandbox()
        for args in [["-t", "png"], ["-t", "svg"], ["-t", "utf8"], ["-t", "ascii", "--inverted"], ["-t", "png", "--foreground", "00000080"]] {
            let a = try box.run(["invite-qr", "-o", "-"] + args, stdin: Self.link)
            let b = try box.run(["invite-qr", "-o", "-", Self.link] + args)
            #expect(a.status == 0 && !a.stdout.isEmpty && a.stdout == b.stdout, "\(args)")
        }
        #expect(try box.run(["invite-qr", "-t", "png", Self.link]).stdout.starts(with: [0x89, 0x50, 0x4e, 0x47]))
    }

    static let golden: [(name: String, args: [String])] = [
        ("utf8", []), ("utf8-inverted", ["--inverted"]),
        ("ascii", ["-t", "ascii"]), ("ascii-inverted", ["-t", "ascii", "--inverted"]),
        ("utf8-level-h-margin-1", ["-l", "h", "-m", "1"]),
    ]

    @Test(arguments: golden)
    func textMatchesGolden(name: String, args: [String]) throws {
        let r = try RoomSandbox().run(["invite-qr"] + args + [Self.link])
        #expect(r.status == 0, "\(r.stderr)")
        try Self.compare(r.out, golden: name)
        if !args.contains("-t") {
            #expect(r.out.split(separator: "\n").allSatisfy { $0.count <= 80 })
        }
    }

    /// The ASCII goldens are not merely stable: drawn as a bitmap, zbarimg reads the link.
    @Test(arguments: [("ascii", false), ("ascii-inverted", true)])
    func asciiGoldenScans(name: String, inverted: Bool) throws {
        let box = try RoomSandbox()
        let text = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Golden/invite-qr-\(name).txt"), encoding: .utf8)
        let rows = text.split(separator: "\n").map { line in
            stride(from: 0, to: line.count, by: 2).map { (line.dropFirst($0).prefix(2) == "##") == inverted ? "1" : "0" }
        }
        let scale = 4
        var pbm = "P1\n\(rows[0].count * scale) \(rows.count * scale)\n"
        for row in rows {
            let line = row.flatMap { Array(repeating: $0, count: scale) }.joined(separator: " ") + "\n"
            pbm += String(repeating: line, count: scale)
        }
        try box.write(pbm, to: box.path("code.pbm"))
        #expect(try Self.decode("code.pbm", in: box) == Self.link)
    }

    /// On a terminal: utf8 by default, ANSI colours when asked, not with NO_COLOR, and never PNG.
    @Test func onATerminal() throws {
        let box = try RoomSandbox()
        let plain = try onTerminal("printf '%s\\n' '\(Self.link)' | \"$SC\" invite-qr", sandbox: box)
        #expect(plain.status == 0)
        try Self.compare(plain.output, golden: "utf8")
        // A key-carrying link typed as an argument gets a warning on the terminal.
        let argv = try onTerminal("\"$SC\" invite-qr '\(Self.link)'", sandbox: box)
        #expect(argv.output.contains("this link carries the room key, and other users can see command-line arguments"))
        for inverted in [false, true] {
            let flag = inverted ? " --inverted" : ""
            let ansi = try onTerminal("printf '%s\\n' '\(Self.link)' | \"$SC\" invite-qr -t ansi\(flag)", sandbox: box)
            try Self.compare(ansi.output, golden: inverted ? "ansi-inverted" : "ansi")
            for setting in ["NO_COLOR=1", "TERM=dumb"] {
                let noColor = try onTerminal("printf '%s\\n' '\(Self.link)' | \(setting) \"$SC\" invite-qr -t ansi\(flag)", sandbox: box)
                try Self.compare(noColor.output, golden: inverted ? "utf8-inverted" : "utf8")
            }
        }
        // Piped, ansi is utf8 too.
        try Self.compare(try box.run(["invite-qr", "-t", "ansi", Self.link]).out, golden: "utf8")
        let png = try onTerminal("printf '%s\\n' '\(Self.link)' | NO_COLOR=1 \"$SC\" invite-qr -t png -o -", sandbox: box)
        #expect(png.status == 1)
        #expect(png.output == "securechat: error: refusing to write PNG data to the terminal\nsecurechat: hint: use -o FILE.png, or pipe the output\n")
    }

    static func compare(_ text: String, golden name: String) throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Golden/invite-qr-\(name).txt")
        if ProcessInfo.processInfo.environment["SECURECHAT_UPDATE_GOLDEN"] == "1" {
            try Data(text.utf8).write(to: file)
            return
        }
        let golden = try #require(FileManager.default.contents(atPath: file.path), "missing \(file.lastPathComponent); run with SECURECHAT_UPDATE_GOLDEN=1")
        #expect(Array(text.utf8) == Array(golden), "output differs from \(file.lastPathComponent)")
    }

    @Test func pipelinesFromRoomCreate() throws {
        let box = try RoomSandbox()
        let r = try box.shell("""
            "$SC" room create team | "$SC" invite-qr -o by-stdin.png
            "$SC" room create --json --policy approval door | jq -r .invite | "$SC" invite-qr -t svg > by-json.svg
            id=$("$SC" room create --json --ttl 2h other | jq -r .id)
            "$SC" invite-qr --room "$id" -l H -o by-room.png
            "$SC" room show --show-key --json "$id" | jq -r .invite
            rsvg-convert -b white -o by-json.png by-json.svg
            for f in by-stdin by-json by-room; do zbarimg --raw -q $f.png; done
            """)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.out.split(separator: "\n").map(String.init)
        try #require(lines.count == 4)
        #expect(lines[1].wholeMatch(of: #/http://127\.0\.0\.1:5000/join/[A-Za-z0-9_-]{22}#v=2&k=[A-Za-z0-9_-]{43}/#) != nil)
        #expect(lines[2].wholeMatch(of: #/http://127\.0\.0\.1:5000/join/[A-Za-z0-9_-]{22}#v=2/#) != nil)
        #expect(lines[3] == lines[0])
    }
}
