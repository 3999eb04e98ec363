import Testing
@testable import SecureChatClient

/// What two processes of one identity make of the shared client state file.
@Suite struct ResumeStateTests {
    let a: [UInt8] = [UInt8](repeating: 1, count: 32), b: [UInt8] = [UInt8](repeating: 2, count: 32)

    @Test func readersMergeTheirPositionAndCounters() {
        let stored = ResumeState(lastSeq: 10, counter: 3, senders: [a: 4])
        let mine = ResumeState(lastSeq: 12, counter: 2, senders: [a: 3, b: 7])
        #expect(mine.merged(into: stored, position: true) == ResumeState(lastSeq: 12, counter: 3, senders: [a: 4, b: 7]))
    }

    @Test func aSenderMovesOnlyItsCounter() {
        let stored = ResumeState(lastSeq: 10, counter: 3, senders: [a: 4])
        let sender = ResumeState(lastSeq: 50, counter: 9, senders: [a: 20, b: 1])
        #expect(sender.merged(into: stored, position: false) == ResumeState(lastSeq: 10, counter: 9, senders: [a: 4]))
    }

    @Test func aFullReplayKeepsOnlyOurCounter() {
        #expect(ResumeState(lastSeq: 10, counter: 3, senders: [a: 4]).forFullReplay == ResumeState(lastSeq: 0, counter: 3))
    }

    @Test func theGroupCheckpointOnlyMovesForward() {
        let stored = ResumeState(lastSeq: 10, counter: 3, groupEpoch: 5, groupHead: a)
        #expect(ResumeState(counter: 1, groupEpoch: 4, groupHead: b).merged(into: stored, position: false).groupEpoch == 5)
        let later = ResumeState(counter: 1, groupEpoch: 6, groupHead: b).merged(into: stored, position: false)
        #expect(later.groupEpoch == 6 && later.groupHead == b)
        #expect(stored.forFullReplay.groupEpoch == 5 && stored.forFullReplay.groupHead == a)
    }

    @Test func ourCounterNeverGoesBack() throws {
        // A session that restored counter 7 continues at 8 even with nothing of ours in the history.
        var s = Script(afterSeq: .max, showHistory: false, resume: ResumeState(counter: 7))
        s.open()
        s.feed(Relay.hello(), Relay.joined(lastSeq: 3), Relay.roster([]), Relay.synced(3))
        let send = s.record(s.session.send("x", now: Relay.now)).sends
        #expect(try openEnvelope(send[0].ciphertext).counter == 8)
    }
}
