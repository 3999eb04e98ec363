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
}
