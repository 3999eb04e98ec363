import SecureChatCore
import SecureChatCrypto
import SecureChatWire
import Testing
@testable import SecureChatClient

/// Issue 17: what the relay (or a file, or another member) hands the session is checked where
/// it is used, and nothing in it can crash the session, name a path or pass for a member.
/// Issue 17, "no arithmetic on untrusted numbers can trap": numbers from the relay's frames and
/// from state files, at the ends of their ranges, never crash the session.
@Suite struct SessionNumberTests {
    /// A resume-state file may say anything: a counter at the top of its range makes the next
    /// message unsendable, never a crash.
    @Test(arguments: [UInt64.max, UInt64.max - 1])
    func anExhaustedCounterFailsTheSend(_ counter: UInt64) {
        var s = Script(resume: ResumeState(lastSeq: 0, counter: counter))
        s.joinOpenRoom()
        let out = s.record(s.session.send("one more", now: Relay.now))
        if counter == .max {
            #expect(out.sends.isEmpty)
            #expect(out.events.contains { if case .sendFailed(_, let why) = $0 { why.contains("counter") } else { false } })
        } else {
            #expect(out.sends.count == 1)
        }
    }

    /// `hello` limits of any value: the session keeps working (a frame limit it cannot meet
    /// fails the send with a reason).
    @Test(arguments: [Int.min, -1, 0, 1, 1024, Int.max])
    func absurdFrameLimitsDoNotTrap(_ frameBytes: Int) {
        var s = Script()
        s.open()
        s.feed(Relay.hello(frameBytes: frameBytes), .authenticated(.init(signingKey: People.alice.wire)), Relay.joined(),
               Relay.roster([(People.alice, "alice", .member)]), Relay.synced(0))
        let out = s.record(s.session.send("hello", now: Relay.now))
        #expect(out.sends.count + out.events.filter { if case .sendFailed = $0 { true } else { false } }.count == 1)
    }

    /// Sequence numbers and times from the relay at the ends of their range.
    @Test func extremeSequenceNumbersAndTimesDoNotTrap() {
        var s = Script()
        s.joinOpenRoom()
        for seq in [Int64.max, Int64.max - 1, Int64.min, -1, 0] {
            s.feed(.message(.init(roomID: Relay.room, seq: seq, sender: People.bob.wire, clientID: "c",
                                  ciphertext: Relay.token(People.bob, counter: UInt64(bitPattern: seq) | 1, text: "x"), time: Int64.min)))
            s.feed(.event(.init(roomID: Relay.room, event: .leave, member: People.bob.wire, time: Int64.min)))
            s.feed(.code(.init(roomID: Relay.room, code: "123456", expiresAt: Int64.min)))
        }
        s.feed(.joined(.init(roomID: Relay.room, role: .member, policy: .open, name: nil, expiresAt: .min, maxMembers: .min, lastSeq: .min)))
        _ = s.session.resumeState
    }
}
