import Foundation
import Testing
import TestSupport
import SecureChatCore
import SecureChatCrypto
import SecureChatWire
#if canImport(Glibc)
import Glibc
#endif

/// What a hostile member can put in front of `securechat connect`: numbers, text and ids that
/// are well-formed for the protocol but chosen to crash, confuse or misdirect the client.
@Suite(.serialized) struct HostileInputCLITests {
    /// A message signed by `person` with the given envelope time, sent by a raw peer.
    static func sendDated(_ peer: RawPeer, from person: Person, key: FernetKey, counter: UInt64, time: UInt64, text: String) throws {
        let me = try person.identity.signingKey
        let envelope = Envelope(sender: me.publicKey.rawRepresentation, roomID: peer.roomID, counter: counter, time: time,
                                body: Array(text.utf8))
        let token = Fernet(key: key).encrypt(try envelope.signed(by: me), now: 0)
        peer.send(.send(.init(roomID: peer.roomID, clientID: "dated-\(counter)", ciphertext: token)))
    }

    /// Issue 17, finding 3: an envelope time of 2^64-1 (or anything past what a clock can show)
    /// crashed every text reader for the room's whole life. Each time must render, clamped.
    @Test func envelopeTimesOfEveryRangeRender() async throws {
        let relay = try LiveRelay()
        let alice = try Person("alice"), mallory = try Person("mallory")
        let room = try alice.createRoom(on: relay)
        let key = try #require(try InviteLink(parsing: room.link).key)
        let m = try await RawPeer(port: relay.port, identity: try mallory.identity, name: "mallory", roomID: room.id, key: key)
        try await m.enterGroup(key: key)
        defer { m.close() }
        // (envelope time, the clock a reader in UTC shows)
        let table: [(UInt64, String)] = [
            (0, "00:00"),
            (1_700_000_000, "22:13"),
            (253_402_300_799, "23:59"),          // 9999-12-31T23:59:59Z, the last time shown
            (253_402_300_800, "--:--"),
            (UInt64(Int32.max) << 20, "--:--"),
            (UInt64(Int64.max), "--:--"),
            (UInt64(Int64.max) + 1, "--:--"),    // Int64.min as a time_t
            (UInt64.max - 1, "--:--"),
            (UInt64.max, "--:--"),
        ]
        for (i, (time, _)) in table.enumerated() {
            try Self.sendDated(m, from: mallory, key: key, counter: UInt64(i + 1), time: time, text: "dated \(i)")
        }
        for i in table.indices {
            _ = try await m.waitFor { if case .ack(let a) = $0, a.clientID == "dated-\(i + 1)" { a.seq } else { nil } }
        }

        let history = try alice.run(["connect", "--room", room.id, "--history"])
        #expect(history.status == 0, "\(history.status) \(history.stderr)")
        let lines = history.out.split(separator: "\n").map(String.init)
        #expect(lines.count == table.count, "\(history.out)")
        for (i, (time, clock)) in table.enumerated() where i < lines.count {
            #expect(lines[i].hasPrefix("[\(clock)] mallory (") && lines[i].hasSuffix("): dated \(i)"), "time \(time): \(lines[i])")
        }

        // JSON keeps the exact number for programs.
        let json = try alice.run(["connect", "--room", room.id, "--history", "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let times = json.out.split(separator: "\n").compactMap { $0.firstMatch(of: /"time":(\d+)/).map { UInt64($0.1) } }
        #expect(times == table.map { Optional($0.0) })

        // A listener (which replays the history first, having a state file) meets it live too.
        let listener = try alice.spawn(["connect", "--room", room.id, "--listen", "--count", String(table.count + 2)])
        try listener.waitFor("securechat: listening", stderr: true)
        try Self.sendDated(m, from: mallory, key: key, counter: 100, time: .max, text: "live and late")
        try Self.sendDated(m, from: mallory, key: key, counter: 101, time: 1_700_000_000, text: "still here")
        #expect(listener.wait(timeout: 30) == 0, "\(listener.stderr)")
        #expect(listener.stdout.contains("[--:--] mallory (") && listener.stdout.contains("): still here"), "\(listener.stdout)")
    }

    // MARK: finding 7

    /// OSC 52 (clipboard write), a title change, a screen clear, an 8-bit CSI and a bidi
    /// override, around a visible marker.
    static let hostile = "\u{1B}]52;c;cHduZWQ=\u{07}\u{1B}]0;owned\u{07}\u{1B}[2J\u{9B}31m\u{202E}MARKER\u{1B}[0m\r\u{08}"

    /// No ESC, no C0 control but the line feed, no DEL, no C1 control, no bidi control.
    static func isClean(_ text: String) -> Bool {
        !text.unicodeScalars.contains { s in
            (s.value < 0x20 && s.value != 0x0a) || (0x7f...0x9f).contains(s.value) || [0x200e, 0x200f, 0x061c].contains(s.value)
                || (0x202a...0x202e).contains(s.value) || (0x2066...0x2069).contains(s.value)
        }
    }

    static let roomKey = try! FernetKey(encoded: "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=")

    static func link(_ relay: FakeRelay) -> String {
        "\(relay.url)/join/AAAAAAAAAAAAAAAAAAAAAA#v=1&k=cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4"
    }

    /// Issue 17, finding 7: a relay's error messages went to the terminal raw. Here the real
    /// client meets a relay that puts escape sequences in every error it sends.
    @Test func aHostileRelaysErrorsReachTheTerminalClean() throws {
        let alice = try Person("alice")
        let relay = try FakeRelay(mode: "live", text: Self.hostile, member: try alice.identity, roomKey: Self.roomKey)
        let sent = try alice.run(["connect", Self.link(relay), "--send", "hi"], timeout: 30)
        #expect(sent.status == 1, "\(sent.stderr)")
        #expect(sent.stderr.contains("securechat: error: the message was not sent: "), "\(sent.stderr)")
        #expect(sent.stderr.contains("MARKER"))
        #expect(Self.isClean(sent.stderr), "\(sent.stderr.debugDescription)")
        #expect(Self.isClean(sent.out))

        let refusing = try FakeRelay(mode: "refuse", text: Self.hostile)
        let refused = try alice.run(["connect", Self.link(refusing), "--history"], timeout: 30)
        #expect(refused.status == 6, "\(refused.stderr)")
        #expect(refused.stderr.contains("MARKER") && Self.isClean(refused.stderr), "\(refused.stderr.debugDescription)")

        let denying = try FakeRelay(mode: "deny", text: Self.hostile)
        let denied = try alice.run(["connect", "--code", "123456", "--server", denying.url, "--listen"], timeout: 30)
        #expect(denied.status == 6, "\(denied.stderr)")
        #expect(denied.stderr.contains("MARKER") && Self.isClean(denied.stderr), "\(denied.stderr.debugDescription)")
    }

    /// Names, notes and the room name from a hostile relay, as lines for people (clean) and as
    /// JSON for programs (exact, escaped by the encoder).
    @Test func hostileNamesAndNotesAreCleanForPeopleAndExactInJSON() throws {
        let alice = try Person("alice")
        let relay = try FakeRelay(mode: "live", text: Self.hostile, member: try alice.identity, roomKey: Self.roomKey)
        let plain = try alice.spawn(["connect", Self.link(relay), "--listen"])
        try plain.waitFor("knocks")
        plain.signal(SIGTERM)
        #expect(plain.wait() == 0)
        #expect(plain.stdout.contains("MARKER") && Self.isClean(plain.stdout), "\(plain.stdout.debugDescription)")
        #expect(Self.isClean(plain.stderr), "\(plain.stderr.debugDescription)")

        let json = try alice.spawn(["connect", Self.link(relay), "--listen", "--json"])
        try json.waitFor("\"knock\"")
        json.signal(SIGTERM)
        #expect(json.wait() == 0)
        #expect(!json.stdout.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0x9b || $0.value == 0x202e })
        let knock = try #require(Person.lines(json.stdout).first { $0["event"] as? String == "knock" })
        #expect(knock["detail"] as? String == Self.hostile && knock["name"] as? String == Self.hostile)
        #expect(Self.isClean(json.stderr), "\(json.stderr.debugDescription)")
    }

    /// Finding 2: a relay could hand a client a room key of its choosing (a rotation checked only
    /// against the signer the relay named) and read what it sent next. The real client now keeps
    /// the chain's key: the relay's key is never adopted, stored or used.
    @Test func aRelaysOwnRoomKeyIsNeverAdopted() throws {
        let alice = try Person("alice")
        let relay = try FakeRelay(mode: "inject", text: "relay", member: try alice.identity, roomKey: Self.roomKey)
        let sent = try alice.run(["connect", Self.link(relay), "--send", "for the room only"], timeout: 30)
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(sent.stderr.contains("breaks the room's rules"), "\(sent.stderr)")
        let tokens = try String(contentsOf: relay.recorded, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(tokens.count == 1)
        for token in tokens {
            #expect(throws: FernetError.authenticationFailed) { try Fernet(key: relay.relayKey).decrypt(token, now: 0) }
            #expect((try? Fernet(key: Self.roomKey).decrypt(token, now: 0)) != nil)
        }
        let roomFile = try String(contentsOfFile: alice.rooms + "/AAAAAAAAAAAAAAAAAAAAAA.json", encoding: .utf8)
        #expect(!roomFile.contains(relay.relayKey.encoded))
    }

    /// Review of the group state, 1: a relay answered a join code with the id of a room the client
    /// already keeps, approved the client itself with a key of its own, and the client replaced
    /// that room's file (its owner pin and keys) with the relay's. Now such a room is left alone.
    @Test func aJoinCodeAnsweredWithAKeptRoomChangesNothing() throws {
        let alice = try Person("alice")
        let id = "BBBBBBBBBBBBBBBBBBBBBA"
        let relay = try FakeRelay(mode: "code", text: "relay", member: try alice.identity, roomID: id)
        let pin = Base64.encode(Identity.generate().signingKey.publicKey.rawRepresentation, alphabet: .url, padded: false)
        let file = """
            {"created": "2026-01-01T00:00:00Z", "expires": "2099-01-01T00:00:00Z", "format": "securechat-room/1", "id": "\(id)",
             "keys": ["\(Self.roomKey.encoded)"], "max_members": 50, "name": "ours", "owner": "\(pin)", "policy": "approval",
             "server": "http://127.0.0.1:9"}
            """
        let path = alice.rooms + "/\(id).json"
        try FileManager.default.createDirectory(atPath: alice.rooms, withIntermediateDirectories: true)
        try Data(file.utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o600)
        let r = try alice.run(["connect", "--code", "123456", "--server", relay.url, "--history"], timeout: 30)
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("which you keep with another owner"), "\(r.stderr)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == file)
    }
}
