import Foundation
import Testing
import TestSupport

/// What members see of each other as people come and go: fingerprints and names.
@Suite struct MemberCLITests {
    /// A join is shown with the joiner's fingerprint at once, never as `????-????`.
    @Test func aJoinShowsTheJoinersFingerprint() throws {
        let relay = try LiveRelay()
        let alice = try Person("alice")
        let room = try alice.createRoom(on: relay)
        let listener = try alice.spawn(["connect", "--room", room.id, "--name", "alice", "--listen"])
        try listener.waitFor("listening", stderr: true, timeout: 30)
        let bob = try Person("bob")
        let joined = try bob.run(["connect", room.link, "--name", "bob", "--send", "hi"])
        #expect(joined.status == 0, "\(joined.stderr)")
        let fingerprint = try bob.identity.publicIdentity.fingerprint.prefix(9)
        try listener.waitFor("bob (\(fingerprint)) joined")
        try listener.waitFor("bob (\(fingerprint)): hi")
        #expect(!listener.stdout.contains("????"), "\(listener.stdout)")
    }

    /// The owner's `room create --name` is what members see; a later `--name` replaces it, signed,
    /// and is announced; without `--name` the room's name for a member stays.
    @Test func namesBelongToTheirMembers() throws {
        let relay = try LiveRelay()
        let alice = try Person("alice")
        let made = try alice.run(["room", "create", "--server", relay.url, "--name", "Alice Owner", "--json"])
        #expect(made.status == 0, "\(made.stderr)")
        let room = try #require(Person.lines(made.out).first)
        let link = try #require(room["invite"] as? String), id = try #require(room["id"] as? String)
        #expect(try alice.run(["connect", "--room", id, "--send", "hello"]).status == 0)

        let bob = try Person("bob")
        let history = try bob.run(["connect", link, "--history", "--json", "--name", "bob"])
        let first = Person.lines(history.out).first { $0["type"] as? String == "message" }
        #expect(first?["sender"] as? String == "Alice Owner", "\(history.out)")

        let listener = try bob.spawn(["connect", "--room", id, "--listen"])
        try listener.waitFor("listening", stderr: true)
        let renamed = try alice.run(["connect", "--room", id, "--name", "Alice B", "--send", "renamed"])
        #expect(renamed.status == 0, "\(renamed.stderr)")
        let fingerprint = try alice.identity.publicIdentity.fingerprint.prefix(9)
        try listener.waitFor("Alice Owner is now called Alice B (\(fingerprint))")
        try listener.waitFor("Alice B (\(fingerprint)): renamed")
    }
}
