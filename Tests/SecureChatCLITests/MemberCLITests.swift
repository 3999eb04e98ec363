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
}
