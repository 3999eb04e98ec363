import Foundation
import Testing
import TestSupport
import SecureChatCore
import SecureChatCrypto
import SecureChatWire
#if canImport(Glibc)
import Glibc
#endif

/// `securechat connect` between real processes: a real relay on port 0 and two or three
/// clients, each person with their own files, driven through pipes and a pseudo-terminal.
@Suite(.serialized) struct ConnectCLITests {
    @Test func scriptedConversation() throws {
        let relay = try LiveRelay()
        let alice = try Person("alice"), bob = try Person("bob"), carol = try Person("carol")
        let room = try alice.createRoom(on: relay, ["team"])

        let listener = try alice.spawn(["connect", "--room", room.id, "--listen", "--count", "3", "--json"])
        try listener.waitFor("securechat: listening", stderr: true)
        // Bob sends from a script; carol types lines into a pipe and ends her input.
        let sent = try bob.run(["connect", room.link, "--send", "hi all", "--json"])
        #expect(sent.status == 0, "\(sent.stderr)")
        let ack = try #require(Person.lines(sent.out).first)
        // Seq 1 is Bob's entry into the room's group state, which his client commits first.
        #expect(ack["type"] as? String == "sent" && ack["text"] as? String == "hi all" && ack["seq"] as? Int == 2)
        let typed = try carol.run(["connect", room.link], stdin: "hello bob\nsecond line from carol\n")
        #expect(typed.status == 0, "\(typed.stderr)")

        #expect(listener.wait(timeout: 30) == 0, "\(listener.stderr)")
        let heard = Person.lines(listener.stdout).filter { $0["type"] as? String == "message" }
        #expect(heard.map { $0["text"] as? String } == ["hi all", "hello bob", "second line from carol"])
        #expect(heard.map { $0["sender"] as? String } == ["bob", "carol", "carol"])
        #expect(heard.map { $0["seq"] as? Int } == [2, 4, 5], "commits (Carol's entry at 3) share the numbering")
        let bobFingerprint = try bob.identity.publicIdentity.fingerprint
        #expect(heard.first?["fingerprint"] as? String == bobFingerprint)
        #expect(heard.allSatisfy { $0["verified"] as? Bool == false && $0["history"] as? Bool == false })

        // The whole history, as plain lines, in order, with names and short fingerprints.
        let history = try bob.run(["connect", "--room", room.id, "--history"])
        #expect(history.status == 0, "\(history.stderr)")
        let lines = history.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].hasSuffix("] bob (you): hi all"))
        #expect(lines[1].hasSuffix("] carol (\(try carol.identity.publicIdentity.fingerprint.prefix(9))): hello bob"))
        // A second listen resumes after what the first one printed: nothing twice.
        _ = try bob.run(["connect", "--room", room.id, "--send", "one more"])
        let again = try alice.run(["connect", "--room", room.id, "--listen", "--count", "1", "--json"], timeout: 30)
        #expect(Person.lines(again.out).compactMap { $0["text"] as? String } == ["one more"])
    }

    @Test func sendFileAndJSONAreExact() throws {
        let relay = try LiveRelay()
        let alice = try Person("alice"), bob = try Person("bob")
        let room = try alice.createRoom(on: relay)
        let text = "line one\n  indented \"quoted\" ünïcode 👋\nlast"
        try Data((text + "\n").utf8).write(to: bob.dir.appendingPathComponent("msg.txt"))
        #expect(try bob.run(["connect", room.link, "--send-file", "msg.txt"]).status == 0)
        #expect(try bob.run(["connect", room.link, "--send-file", "-"], stdin: "from stdin").status == 0)
        let history = try alice.run(["connect", "--room", room.id, "--history", "--json"])
        #expect(Person.lines(history.out).compactMap { $0["text"] as? String } == [text, "from stdin"])
        let last = try alice.run(["connect", "--room", room.id, "--history", "--count", "1"])
        #expect(last.out.split(separator: "\n").count == 1 && last.out.contains("from stdin"))
    }

    @Test func approvalByCode() throws {
        let relay = try LiveRelay()
        let alice = try Person("alice"), dave = try Person("dave"), erin = try Person("erin")
        let room = try alice.createRoom(on: relay, ["--policy", "approval", "club"])
        #expect(!room.link.contains("k="))

        let owner = try alice.spawn(["connect", "--room", room.id])
        try owner.waitFor("*** join code: ")
        let code = String(try #require(owner.stdout.firstMatch(of: /join code: (\d{6})/)).1)

        let knocker = try dave.spawn(["connect", "--code", code, "--server", relay.url, "--note", "it's dave", "--listen", "--count", "1"])
        try knocker.waitFor("waiting for a member of the room to let you in", stderr: true)
        try owner.waitFor("dave (\(try dave.identity.publicIdentity.fingerprint.prefix(9))) knocks: \"it's dave\"")
        owner.type("/approve dave\n")
        try owner.waitFor("dave (\(try dave.identity.publicIdentity.fingerprint.prefix(9))) was let in by alice (you)")
        owner.type("welcome dave\n")
        #expect(knocker.wait() == 0, "\(knocker.stderr)")
        #expect(knocker.stdout.contains("alice (\(try alice.identity.publicIdentity.fingerprint.prefix(9))): welcome dave"))

        // The room key arrived sealed to dave and is in his room file: he is a member now.
        let file = try String(contentsOfFile: dave.rooms + "/\(room.id).json", encoding: .utf8)
        #expect(file.contains("\"policy\" : \"approval\"") && file.contains("\"keys\" : ["))
        let history = try dave.run(["connect", "--room", room.id, "--history"])
        #expect(history.status == 0 && history.out.contains("welcome dave"), "\(history.stderr)")

        // Erin is turned away, and says so with exit status 6.
        let turnedAway = try erin.spawn(["connect", room.link, "--listen"])
        try owner.waitFor("erin (")
        owner.type("/deny erin not today\n")
        #expect(turnedAway.wait() == 6)
        #expect(turnedAway.stderr.contains("securechat: error: a member turned your knock away: \"not today\""))
        #expect(!FileManager.default.fileExists(atPath: erin.rooms + "/\(room.id).json"))

        // A wrong code is refused by the relay.
        let wrong = try erin.run(["connect", "--code", code == "000000" ? "000001" : "000000", "--server", relay.url, "--listen"])
        #expect(wrong.status == 7, "\(wrong.stderr)")
        owner.endInput()
        #expect(owner.wait() == 0)
    }

    @Test func removalRotatesTheKeySoTheRemovedMemberCannotRead() async throws {
        let relay = try LiveRelay()
        let alice = try Person("alice"), bob = try Person("bob"), carol = try Person("carol")
        let room = try alice.createRoom(on: relay)
        #expect(try bob.run(["connect", room.link, "--send", "bob was here"]).status == 0)
        #expect(try carol.run(["connect", room.link, "--send", "carol too"]).status == 0)

        let bobListening = try bob.spawn(["connect", "--room", room.id, "--listen"])
        try bobListening.waitFor("securechat: listening", stderr: true)
        let owner = try alice.spawn(["connect", "--room", room.id])
        try owner.waitFor("carol too")
        owner.type("/remove bob\n")
        try owner.waitFor("the room key was replaced by alice (you)")
        owner.type("after bob left\n")
        owner.endInput()
        #expect(owner.wait() == 0, "\(owner.stderr)")
        #expect(bobListening.wait() == 6)
        #expect(bobListening.stderr.contains("securechat: error: the owner removed you from the room"))
        #expect(!bobListening.stdout.contains("after bob left"))

        // Carol got the new key (and kept the old one): all of history reads.
        let carolReads = try carol.run(["connect", "--room", room.id, "--history", "--json"])
        #expect(Person.lines(carolReads.out).compactMap { $0["text"] as? String } == ["bob was here", "carol too", "after bob left"])
        let carolFile = try String(contentsOfFile: carol.rooms + "/\(room.id).json", encoding: .utf8)
        #expect(carolFile.components(separatedBy: "=\"").count - 1 == 2)

        // Bob's old key no longer admits him...
        let refused = try bob.run(["connect", "--room", room.id, "--history"])
        #expect(refused.status == 6, "\(refused.stderr)")
        // ...and cannot open what was sent after the rotation, as the relay stores it.
        let peer = try await RawPeer(port: relay.port, identity: try carol.identity, name: "carol", roomID: room.id, key: nil)
        defer { peer.close() }
        let last = try #require(peer.messages.last)
        try Data((last.ciphertext + "\n").utf8).write(to: bob.dir.appendingPathComponent("last.token"))
        try Data((last.ciphertext + "\n").utf8).write(to: carol.dir.appendingPathComponent("last.token"))
        let bobTries = try bob.run(["decrypt", "--room", room.id, "last.token"])
        #expect(bobTries.status == 3, "\(bobTries.stderr)")
        let carolOpens = try carol.run(["decrypt", "--room", room.id, "last.token"])
        #expect(carolOpens.status == 0)
        #expect(carolOpens.stdout.count > 0)
    }

    /// Finding 12 of docs/security.md: a member who left kept reading, because only removals
    /// changed the key. Now the remaining clients rotate after a leave, before they send.
    @Test func aMemberWhoLeavesCannotReadWhatFollows() async throws {
        let relay = try LiveRelay()
        let alice = try Person("alice"), bob = try Person("bob"), carol = try Person("carol")
        let room = try alice.createRoom(on: relay)
        #expect(try bob.run(["connect", room.link, "--send", "bob was here"]).status == 0)
        #expect(try carol.run(["connect", room.link, "--send", "carol too"]).status == 0)

        let leaving = try carol.spawn(["connect", "--room", room.id])
        try leaving.waitFor("carol too")
        leaving.type("/leave\n")
        #expect(leaving.wait() == 0, "\(leaving.stderr)")

        // Bob's next message waits for a new key, which his client makes and seals to Alice and him.
        let sent = try bob.run(["connect", "--room", room.id, "--send", "after carol left"])
        #expect(sent.status == 0, "\(sent.stderr)")
        let peer = try await RawPeer(port: relay.port, identity: try alice.identity, name: "alice", roomID: room.id, key: nil)
        defer { peer.close() }
        let last = try #require(peer.messages.last)
        try Data((last.ciphertext + "\n").utf8).write(to: carol.dir.appendingPathComponent("last.token"))
        try Data((last.ciphertext + "\n").utf8).write(to: bob.dir.appendingPathComponent("last.token"))
        let carolTries = try carol.run(["decrypt", "--room", room.id, "last.token"])
        #expect(carolTries.status == 3, "\(carolTries.stderr)")
        let bobOpens = try bob.run(["decrypt", "--room", room.id, "last.token"])
        #expect(bobOpens.status == 0 && bobOpens.out.contains("after carol left"), "\(bobOpens.stderr)")
        let aliceReads = try alice.run(["connect", "--room", room.id, "--history", "--json"])
        #expect(Person.lines(aliceReads.out).compactMap { $0["text"] as? String } == ["bob was here", "carol too", "after carol left"])
    }

    @Test func relayKilledAndRestartedLosesNothingAndRepeatsNothing() throws {
        try Self.conversationAcrossARelayRestart(try LiveRelay())
    }

    /// Two people talking through `relay`, which is killed (SIGKILL) mid-conversation and started
    /// again on its database: a message typed meanwhile goes out after, nothing is repeated,
    /// and the history holds everything in order.
    static func conversationAcrossARelayRestart(_ relay: LiveRelay) throws {
        let alice = try Person("alice"), bob = try Person("bob")
        let room = try alice.createRoom(on: relay)
        #expect(try bob.run(["connect", room.link, "--send", "before"]).status == 0)

        let listener = try alice.spawn(["connect", "--room", room.id, "--listen", "--json"])
        try listener.waitFor("securechat: listening", stderr: true)
        let talker = try bob.spawn(["connect", "--room", room.id])
        talker.type("first\n")
        try listener.waitFor("\"first\"")
        relay.kill()
        try listener.waitFor("connection lost", stderr: true)
        try talker.waitFor("connection lost", stderr: true)
        talker.type("while the relay was down\n")
        try talker.waitFor("the message goes out once the connection is back", stderr: true)
        try relay.restart()
        try listener.waitFor("\"while the relay was down\"", timeout: 40)
        try talker.waitFor("reconnected; nothing was missed", stderr: true)
        talker.type("after\n")
        talker.endInput()
        #expect(talker.wait(timeout: 40) == 0, "\(talker.stderr)")
        try listener.waitFor("\"after\"")
        listener.signal(SIGINT)
        #expect(listener.wait() == 0)
        let texts = Person.lines(listener.stdout).compactMap { $0["text"] as? String }
        #expect(texts == ["first", "while the relay was down", "after"])
        let seqs = Person.lines(listener.stdout).compactMap { $0["seq"] as? Int }
        #expect(seqs == [3, 4, 5], "Bob's entry into the group state is seq 1")
        let all = try alice.run(["connect", "--room", room.id, "--history", "--json"])
        #expect(Person.lines(all.out).compactMap { $0["text"] as? String } == ["before", "first", "while the relay was down", "after"])
    }

    @Test func forgedAndReplayedMessagesAreFlagged() async throws {
        let relay = try LiveRelay()
        let alice = try Person("alice"), bob = try Person("bob"), mallory = try Person("mallory")
        let room = try alice.createRoom(on: relay)
        let link = try InviteLink(parsing: room.link)
        let key = try #require(link.key)
        #expect(try alice.run(["connect", room.link, "--send", "pay bob 10"]).status == 0)
        let listener = try bob.spawn(["connect", room.link, "--listen", "--json"])
        // The first --listen does not print what came before it.
        try listener.waitFor("securechat: listening", stderr: true)

        // Mallory, a member, signs a message as if alice had sent it.
        let m = try await RawPeer(port: relay.port, identity: try mallory.identity, name: "mallory", roomID: room.id, key: key)
        defer { m.close() }
        let aliceKey = try alice.identity.signingKey.publicKey.rawRepresentation
        var forged = try Envelope(sender: aliceKey, roomID: room.id, counter: 99, time: 0, body: Array("pay mallory 1000".utf8)).unsignedBytes()
        forged += try mallory.identity.signingKey.signature(for: Array("securechat/v1/envelope".utf8) + [0] + forged)
        m.send(.send(.init(roomID: room.id, clientID: "forged-1", ciphertext: Fernet(key: key).encrypt(forged, now: 0))))
        // And replays alice's genuine message as her own.
        let original = try #require(m.messages.first)
        m.send(.send(.init(roomID: room.id, clientID: "replay-1", ciphertext: original.ciphertext)))
        try await Self.acknowledged(m, "forged-1", "replay-1")

        // The relay itself (or anyone with alice's connection) delivering her message again.
        let a = try await RawPeer(port: relay.port, identity: try alice.identity, name: "alice", roomID: room.id, key: key)
        defer { a.close() }
        a.send(.send(.init(roomID: room.id, clientID: "replay-2", ciphertext: original.ciphertext)))
        // A genuine envelope of another room, replayed here.
        var elsewhere = try Envelope(sender: aliceKey, roomID: "BBBBBBBBBBBBBBBBBBBBBB", counter: 100, time: 0,
                                     body: Array("elsewhere text".utf8)).unsignedBytes()
        elsewhere += try alice.identity.signingKey.signature(for: Array("securechat/v1/envelope".utf8) + [0] + elsewhere)
        a.send(.send(.init(roomID: room.id, clientID: "elsewhere-1", ciphertext: Fernet(key: key).encrypt(elsewhere, now: 0))))
        try await Self.acknowledged(a, "replay-2", "elsewhere-1")
        #expect(try alice.run(["connect", room.link, "--send", "genuine"]).status == 0)

        try listener.waitFor("genuine")
        listener.signal(SIGTERM)
        #expect(listener.wait() == 0)
        let out = Person.lines(listener.stdout)
        #expect(out.filter { $0["type"] as? String == "message" }.compactMap { $0["text"] as? String } == ["genuine"])
        let warnings = out.filter { $0["type"] as? String == "warning" }
        #expect(warnings.compactMap { $0["verdict"] as? String } == ["forged", "forged", "replayed", "wrong_room"])
        #expect(warnings.compactMap { $0["sender"] as? String } == ["mallory", "mallory", "alice", "alice"])
        #expect(!listener.stdout.contains("pay mallory") && !listener.stdout.contains("elsewhere text"))

        // The same, as a person reads it: warnings, never the forged text.
        let plain = try bob.run(["connect", "--room", room.id, "--history"])
        #expect(plain.out.contains("!!! ") && plain.out.contains("a forged message: its signature does not verify"))
        #expect(plain.out.contains("a replayed message (counter 1 was already used by its sender)"))
        #expect(!plain.out.contains("pay mallory"))
    }

    /// Waits until the relay has committed these sends (it cannot tell them from real messages).
    static func acknowledged(_ peer: RawPeer, _ ids: String...) async throws {
        for id in ids { _ = try await peer.waitFor { if case .ack(let k) = $0, k.clientID == id { k.seq } else { nil } } }
    }

    @Test func escapeSequencesAreNeutralised() throws {
        let relay = try LiveRelay()
        let alice = try Person("alice"), bob = try Person("bob")
        let room = try alice.createRoom(on: relay)
        let hostile = "\u{1B}]0;pwned\u{07}\u{1B}[2J\u{1B}[31mred\u{1B}[0m \u{9B}1A\u{202E}txt.exe\rline"
        #expect(try bob.run(["connect", room.link, "--send", hostile]).status == 0)
        let plain = try alice.run(["connect", room.link, "--history"])
        #expect(plain.status == 0)
        #expect(!plain.out.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0x9b || $0.value == 0x07 || $0.value == 0x202e || $0.value == 0x0d })
        #expect(plain.out.hasSuffix("): red txt.exeline\n"))
        // JSON keeps the exact text for programs, with the dangerous characters escaped.
        let json = try alice.run(["connect", "--room", room.id, "--history", "--json"])
        #expect(!json.out.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0x9b || $0.value == 0x202e })
        #expect(Person.lines(json.out).first?["text"] as? String == hostile)
        // On a terminal too: only the client's own line editing, never the sender's sequences.
        let tty = try alice.onTerminal("$SC connect --room \(room.id)")
        try tty.waitFor("red txt.exeline", plain: true)
        tty.type("/quit\r")
        #expect(tty.wait() == 0)
        #expect(!tty.stdout.contains("pwned") && !tty.stdout.contains("\u{1B}[2J") && !tty.stdout.contains("\u{1B}[31m"))
    }

    @Test func interactiveOnATerminal() throws {
        let relay = try LiveRelay()
        let alice = try Person("alice"), bob = try Person("bob")
        let room = try alice.createRoom(on: relay)
        #expect(try bob.run(["connect", room.link, "--send", "hello alice"]).status == 0)
        let tty = try alice.onTerminal("$SC connect --room \(room.id)")
        try tty.waitFor("hello alice", plain: true)
        try tty.waitFor("/help lists the commands", plain: true)
        // Half a line typed, a message arrives, the line is finished: it is sent whole.
        tty.type("abc")
        try tty.waitFor("> abc", plain: true)
        #expect(try bob.run(["connect", "--room", room.id, "--send", "interruption"]).status == 0)
        try tty.waitFor("interruption", plain: true)
        tty.type("def\r")
        try tty.waitFor("alice (you): abcdef", plain: true)
        tty.type("/who\r")
        try tty.waitFor("not verified", plain: true)
        tty.type("/verify bob\r")
        try tty.waitFor("safety number with bob: ", plain: true)
        let number = SafetyNumber.compute(try alice.identity.publicIdentity, try bob.identity.publicIdentity)
        try tty.waitFor(number, plain: true)
        tty.type("/verify bob yes\r")
        try tty.waitFor("bob (\(try bob.identity.publicIdentity.fingerprint.prefix(9)) ✓) is now verified", plain: true)
        tty.type("/who\r")
        try tty.waitFor("  verified", plain: true)
        tty.type("/history 1\r")
        let deadline = Date().addingTimeInterval(20)
        while tty.screen.components(separatedBy: "alice (you): abcdef").count < 3, Date() < deadline { usleep(20_000) }
        #expect(tty.screen.components(separatedBy: "alice (you): abcdef").count == 3)
        tty.type("/nonsense\r")
        try tty.waitFor("unknown command /nonsense", plain: true)
        tty.type("/quit\r")
        #expect(tty.wait() == 0, "\(tty.stdout)")
        let history = try bob.run(["connect", "--room", room.id, "--history", "--json"])
        #expect(Person.lines(history.out).compactMap { $0["text"] as? String } == ["hello alice", "interruption", "abcdef"])
        // Verified members are remembered, and shown verified to scripts too.
        let listed = try alice.run(["connect", "--room", room.id, "--history", "--json"])
        #expect(Person.lines(listed.out).first?["verified"] as? Bool == true)
    }

    @Test func exitStatusesSayWhatWentWrong() throws {
        let alice = try Person("alice")
        // Nothing listens on the port.
        let closed = try alice.run(["connect", "http://127.0.0.1:9/join/AAAAAAAAAAAAAAAAAAAAAA#v=1&k=cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4",
                                    "--send", "x"])
        #expect(closed.status == 5)
        #expect(closed.stderr.hasPrefix("securechat: error: cannot reach the relay at http://127.0.0.1:9: connection refused\n"), "\(closed.stderr)")
        let malformed = try alice.run(["connect", "http://127.0.0.1:9/join/nope#v=1", "--send", "x"])
        #expect(malformed.status == 2)
        #expect(malformed.stderr.contains("invalid"), "\(malformed.stderr)")
        let usage = try alice.run(["connect", "--listen"])
        #expect(usage.status == 64)

        let relay = try LiveRelay()
        let unknown = try alice.run(["connect", "\(relay.url)/join/AAAAAAAAAAAAAAAAAAAAAA#v=1&k=cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4",
                                     "--history"])
        #expect(unknown.status == 7)
        #expect(unknown.stderr.contains("has no room AAAAAAAAAAAAAAAAAAAAAA"))

        // An open room's link with a key that is not the room's: the relay does not let it in.
        let room = try alice.createRoom(on: relay)
        let wrongKey = String(room.link.prefix { $0 != "#" }) + "#v=1&k=cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4"
        let stranger = try Person("stranger")
        #expect(try stranger.run(["connect", wrongKey, "--history"]).status == 6)
    }

    @Test func roomCreateRegistersOnTheRelay() throws {
        let relay = try LiveRelay()
        let alice = try Person("alice")
        let r = try alice.run(["room", "create", "--server", relay.url, "--ttl", "2h", "--json", "plans"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout)) as? [String: Any])
        #expect((json["invite"] as? String)?.hasPrefix(relay.url + "/join/") == true)
        // The link pins the owner: only Alice's key may have founded the room's group state.
        let pin = Base64.encode(try alice.identity.signingKey.publicKey.rawRepresentation, alphabet: .url, padded: false)
        #expect((json["invite"] as? String)?.contains("#v=2&o=\(pin)&k=") == true)
        // The owner joins as owner; a second registration of the same id is refused by the relay.
        let owner = try alice.run(["connect", "--room", json["id"] as! String, "--send", "first"])
        #expect(owner.status == 0, "\(owner.stderr)")
        // Without a reachable relay nothing is written.
        let down = try alice.run(["room", "create", "--server", "http://127.0.0.1:9", "nowhere"])
        #expect(down.status == 5)
        #expect(down.stderr.contains("cannot reach the relay at http://127.0.0.1:9"))
        let files = try FileManager.default.contentsOfDirectory(atPath: alice.rooms)
        #expect(files.count == 1)
        // The relay refuses a lifetime over its maximum.
        let long = try alice.run(["room", "create", "--server", relay.url, "--ttl", "60d"])
        #expect(long.status == 1 && long.stderr.contains("ttl_too_long"), "\(long.stderr)")
    }

    @Test func aChangedKeyIsLoud() throws {
        let relay = try LiveRelay()
        let alice = try Person("alice"), bob = try Person("bob")
        let room = try alice.createRoom(on: relay)
        #expect(try bob.run(["connect", room.link, "--send", "it's me"]).status == 0)
        let first = try alice.run(["connect", "--room", room.id, "--history"])
        #expect(!first.out.contains("WARNING"))
        let known = try String(contentsOfFile: alice.dir.path + "/data/securechat/known-keys.json", encoding: .utf8)
        let bobFingerprint = try bob.identity.publicIdentity.fingerprint
        #expect(known.contains(bobFingerprint))

        // Someone else, also calling themselves bob.
        let impostor = try Person("bob")
        #expect(try impostor.run(["connect", room.link, "--send", "it's me, really"]).status == 0)
        let second = try alice.run(["connect", "--room", room.id, "--history"])
        let other = try impostor.identity.publicIdentity.fingerprint
        #expect(second.stderr.contains("securechat: warning: the key of bob changed: it was \(bobFingerprint), it is now \(other)."),
                "\(second.stderr)")
        // Where events are part of the output, it is one of them.
        let plain = try alice.run(["connect", "--room", room.id], stdin: "")
        #expect(plain.out.contains("!!! WARNING: the key of bob changed: it was \(other), it is now \(bobFingerprint)."), "\(plain.out)")
        #expect(plain.out.contains("compare safety numbers with /verify bob"))
    }

    @Test func identityIsOfferedOnATerminalOnly() throws {
        let relay = try LiveRelay()
        let alice = try Person("alice")
        let room = try alice.createRoom(on: relay)
        let newcomer = try Person("newcomer")
        let missing = newcomer.dir.path + "/config/securechat/identity.txt"
        let script = try CLI.run(["connect", room.link, "--send", "hi"],
                                 env: newcomer.env.merging(["SECURECHAT_IDENTITY": missing]) { $1 }, cwd: newcomer.dir)
        #expect(script.status == 1)
        #expect(script.stderr == "securechat: error: no identity at \(missing)\nsecurechat: hint: make one with 'securechat keygen', or pass -i FILE\n")
        #expect(!FileManager.default.fileExists(atPath: missing))

        let tty = try newcomer.onTerminal("SECURECHAT_IDENTITY=\(missing) $SC connect '\(room.link)' --send hello")
        try tty.waitFor("Make one now? [Y/n]")
        tty.type("y\r")
        #expect(tty.wait() == 0, "\(tty.stdout)")
        #expect(tty.stdout.contains("Fingerprint: "))
        #expect(FileManager.default.fileExists(atPath: missing))
        let history = try alice.run(["connect", "--room", room.id, "--history", "--json"])
        #expect(Person.lines(history.out).first?["sender"] as? String == "newcomer")
    }

    @Test func anExpiredRoomEndsTheSession() throws {
        let relay = try LiveRelay()
        let alice = try Person("alice")
        let room = try alice.createRoom(on: relay, ["--ttl", "2s"])
        let listener = try alice.spawn(["connect", "--room", room.id, "--listen", "--json"])
        #expect(listener.wait(timeout: 30) == 7, "\(listener.stderr)")
        #expect(Person.lines(listener.stdout).last?["event"] as? String == "expire")
        #expect(listener.stderr.contains("securechat: error: room \(room.id) has expired"))
        let later = try alice.run(["connect", "--room", room.id, "--history"])
        #expect(later.status == 7)
    }
}
