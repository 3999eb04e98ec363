import Foundation
import Testing
import TestSupport

/// A fast producer against a relay whose rate limit bites: every message arrives, in the order
/// sent, no reader sees an out-of-order warning, and the relay refuses few frames; a sender
/// whose message was not delivered does not exit 0.
@Suite(.serialized) struct RateLimitCLITests {
    static func history(_ person: Person, _ link: String) throws -> [[String: Any]] {
        let r = try person.run(["connect", link, "--history", "--json"], timeout: 60)
        #expect(r.status == 0, "\(r.stderr)")
        return Person.lines(r.out)
    }

    @Test func aFastProducerKeepsItsOrderUnderTheRateLimit() throws {
        let relay = try LiveRelay(["--rate", "5", "--burst", "5", "--log-level", "info"])
        let alice = try Person("alice")
        let room = try alice.createRoom(on: relay)
        let lines = (1...60).map { "line \($0)" }
        // All 60 lines are there at once: 12 times what the relay takes in a second.
        let sender = try alice.run(["connect", "--room", room.id], stdin: lines.joined(separator: "\n") + "\n", timeout: 120)
        #expect(sender.status == 0, "\(sender.stderr)")

        let bob = try Person("bob")
        let seen = try Self.history(bob, room.link)
        #expect(seen.filter { $0["type"] as? String == "warning" }.isEmpty, "\(seen.filter { $0["type"] as? String == "warning" }.prefix(3))")
        #expect(seen.filter { $0["type"] as? String == "message" }.compactMap { $0["text"] as? String } == lines)
        // The client paces itself: a handful of refusals, not one per message per retry.
        let refusals = relay.server.stderr.components(separatedBy: "rate_limited").count - 1
        #expect(refusals <= 20, "\(refusals) rate_limited refusals for 60 messages")
    }

    @Test func aMessageTheRelayRefusesMakesTheSenderFail() throws {
        let relay = try LiveRelay(["--max-frame", "2048"])
        let alice = try Person("alice")
        let room = try alice.createRoom(on: relay)
        let big = String(repeating: "y", count: 3000)
        let sender = try alice.run(["connect", "--room", room.id], stdin: "before\n\(big)\nafter\n", timeout: 60)
        #expect(sender.status == 1, "\(sender.stderr)")
        #expect(sender.stderr.contains("the message was not sent: the message is too large"), "\(sender.stderr)")
        #expect(sender.stderr.hasSuffix("securechat: error: 1 message was not delivered\nsecurechat: hint: the reasons are above\n"), "\(sender.stderr)")
        let seen = try Self.history(try Person("bob"), room.link)
        #expect(seen.filter { $0["type"] as? String == "message" }.compactMap { $0["text"] as? String } == ["before", "after"])
    }
}
