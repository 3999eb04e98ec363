import Testing
import SecureChatCore
import SecureChatCrypto
import SecureChatWire
@testable import SecureChatClient

/// Joining, history, sending and checking messages: scripted relay frames in, actions out.
@Suite struct ChatSessionTests {
    @Test func authenticatesAndJoinsAnOpenRoomWithAnAccessProof() throws {
        var s = Script()
        #expect(s.open().isEmpty)
        let writes = s.feed(Relay.hello()).writes
        #expect(writes.count == 2)
        guard case .auth(let auth) = writes[0], case .join(let join) = writes[1] else {
            Issue.record("expected auth then join, got \(writes.map(\.type))")
            return
        }
        #expect(auth.signingKey == People.alice.wire)
        #expect(auth.agreementKey == People.alice.agreementWire)
        #expect(auth.name == "alice")
        #expect(People.alice.signingKey.publicKey.isValidSignature(auth.signature.bytes, for: SignedPayload.auth(challenge: Relay.challenge, relayID: Relay.id, origin: Relay.origin)))
        #expect(join.roomID == Relay.room && join.afterSeq == 0)
        let access = try RoomAccess.signingKey(roomKey: Relay.key.rawRepresentation, roomID: Relay.room)
        #expect(access.publicKey.isValidSignature(try #require(join.proof).bytes,
                                                  for: SignedPayload.join(challenge: Relay.challenge, signingKey: People.alice.key)))
    }

    @Test func approvalRoomMemberJoinsWithoutProof() {
        var s = Script(target: .room(Relay.room, policy: .approval))
        s.open()
        guard case .join(let join) = s.feed(Relay.hello()).writes.last else { Issue.record("no join"); return }
        #expect(join.proof == nil)
    }

    @Test func historyIsCheckedAndShownThenLive() throws {
        var s = Script()
        s.joinOpenRoom(history: [
            Relay.message(1, from: People.bob, counter: 1, text: "hello alice"),
            Relay.message(2, from: People.alice, counter: 4, text: "from my other session"),
        ])
        let messages = s.actions.messages
        #expect(messages.map(\.text) == ["hello alice", "from my other session"])
        #expect(messages.allSatisfy { $0.fromHistory })
        #expect(messages[0].sender.name == "bob")
        #expect(messages[0].sender.fingerprint == People.bob.publicIdentity.fingerprint)
        #expect(messages[1].sender.isSelf)
        #expect(s.session.isLive)

        // Our counter continues after the one found in history.
        let send = s.record(s.session.send("next", now: Relay.now)).sends
        #expect(send.count == 1)
        let e = try openEnvelope(send[0].ciphertext)
        #expect(e.counter == 5 && e.text == "next" && e.sender == People.alice.key && e.roomID == Relay.room)

        // Live messages are not history; the same seq again is never shown twice.
        let live = s.feed(Relay.message(3, from: People.bob, counter: 2, text: "live"), Relay.message(3, from: People.bob, counter: 2, text: "live"))
        #expect(live.messages.map(\.text) == ["live"])
        #expect(live.messages.first?.fromHistory == false)
    }

    @Test func historyCanBeCheckedWithoutBeingShown() {
        var s = Script(showHistory: false)
        s.joinOpenRoom(history: [Relay.message(1, from: People.bob, counter: 1, text: "old")])
        #expect(s.actions.messages.isEmpty)
        #expect(s.feed(Relay.message(2, from: People.bob, counter: 2, text: "new")).messages.map(\.text) == ["new"])
        #expect(s.session.resumeState.senders[People.bob.key] == 2)
    }

    @Test func skippingHistoryResumesFromTheRelaysLastSeq() {
        var s = Script(afterSeq: .max, showHistory: false, resume: ResumeState(lastSeq: 0, counter: 9))
        s.open()
        guard case .join(let join) = s.feed(Relay.hello()).writes.last else { Issue.record("no join"); return }
        #expect(join.afterSeq == .max)
        s.feed(Relay.joined(lastSeq: 40), Relay.roster([(People.alice, "alice", .member), (People.bob, "bob", .member)]), Relay.synced(40))
        #expect(s.session.resumeState.lastSeq == 40)
        #expect(s.feed(Relay.message(41, from: People.bob, counter: 1, text: "after")).messages.count == 1)
    }

    @Test func sendingWaitsForTheRelaysAcknowledgement() throws {
        var s = Script()
        s.open()
        #expect(s.record(s.session.send("early", now: Relay.now)).events == [.queued(clientID: s.session.outbox[0].clientID)])
        s.feed(Relay.hello(), Relay.joined(), Relay.roster([(People.alice, "alice", .member)]))
        let sends = s.feed(Relay.synced(0)).sends
        #expect(sends.count == 1)
        #expect(sends[0].clientID.count == 22)
        let ack = s.feed(.ack(.init(roomID: Relay.room, clientID: sends[0].clientID, seq: 1)))
        #expect(ack.sent.map(\.text) == ["early"])
        #expect(ack.sent.first?.seq == 1)
        #expect(s.session.pendingSends == 0)
        let state = s.session.resumeState
        #expect(state.lastSeq == 1 && state.counter == 1 && state.senders.isEmpty)
        // A second ack for it (a resend's) is ignored.
        #expect(s.feed(.ack(.init(roomID: Relay.room, clientID: sends[0].clientID, seq: 1))).isEmpty)
    }

    @Test func badMessagesAreWarningsNeverText() throws {
        var s = Script()
        s.joinOpenRoom(history: [Relay.message(1, from: People.bob, counter: 1, text: "genuine")])
        let replay = s.feed(.message(.init(roomID: Relay.room, seq: 2, sender: People.bob.wire, clientID: "again",
                                           ciphertext: Relay.token(People.bob, counter: 1, text: "genuine"), time: 0)))
        #expect(replay.rejected.map(\.verdict.label) == ["replayed"])
        let impersonation = s.feed(Relay.message(3, from: People.bob, counter: 2, text: "I am bob", relayedAs: People.mallory))
        #expect(impersonation.rejected.map(\.verdict.label) == ["forged"])
        #expect(impersonation.rejected.first?.relayedSender.signingKey == People.mallory.key)
        let otherKey = s.feed(Relay.message(4, from: People.bob, counter: 3, text: "?", key: .generate()))
        #expect(otherKey.rejected.map(\.verdict.label) == ["undecryptable"])
        #expect(s.actions.messages.map(\.text) == ["genuine"])
    }

    @Test func tooLargeMessagesFailWithoutBeingSent() {
        var s = Script()
        s.open()
        s.feed(Relay.hello(frameBytes: 300), Relay.joined(), Relay.roster([]), Relay.synced(0))
        let out = s.record(s.session.send(String(repeating: "x", count: 400), now: Relay.now))
        #expect(out.sends.isEmpty)
        guard case .sendFailed(_, let reason)? = out.events.first else { Issue.record("no failure"); return }
        #expect(reason.contains("too large"))
    }

    /// A send refused for the rate goes again with everything after it, in order, when the
    /// relay says; then one message per 1/rate (50 ms at 20 a second) until none waits.
    @Test func aRefusedSendIsResentInOrderWithEverythingAfterIt() throws {
        var s = Script()
        s.joinOpenRoom()
        let sent = (1...3).map { s.record(s.session.send("m\($0)", now: Relay.now)).sends[0] }
        func refusal(_ id: String, _ ms: Int64) -> ServerFrame {
            .error(ErrorFrame(.rateLimited, "slow down", limit: .messagesPerSecond, roomID: Relay.room, clientID: id, retryAfterMs: ms))
        }
        #expect(s.feed(refusal(sent[1].clientID, 120)) == [.retry(after: .milliseconds(120))])
        // The third, held back behind it at the relay, starts no second timer.
        #expect(s.feed(refusal(sent[2].clientID, 0)).isEmpty)
        // What is typed meanwhile waits too.
        #expect(s.record(s.session.send("m4", now: Relay.now)).sends.isEmpty)
        let first = s.record(s.session.retryPending(now: Relay.now))
        #expect(first.sends == [sent[1]] && first.contains(.retry(after: .milliseconds(50))))
        let second = s.record(s.session.retryPending(now: Relay.now))
        #expect(second.sends == [sent[2]] && second.contains(.retry(after: .milliseconds(50))))
        let third = s.record(s.session.retryPending(now: Relay.now))
        #expect(third.sends.count == 1 && !third.contains { if case .retry = $0 { true } else { false } })
        #expect(try openEnvelope(third.sends[0].ciphertext).text == "m4")
        // A hostile retry_after is clamped to an hour.
        let fifth = s.record(s.session.send("m5", now: Relay.now)).sends[0]
        #expect(s.feed(refusal(fifth.clientID, .max)) == [.retry(after: .seconds(3600))])
    }

    /// At most the relay's burst (up to 32) unacknowledged; each ack lets the next one go.
    @Test func theSendWindowFollowsTheAcks() {
        var s = Script()
        s.open()
        var limits = Relay.limits
        limits.burst = 5
        s.feed(.hello(.init(relay: Relay.id, challenge: WireBytes(Relay.challenge), limits: limits)),
               .authenticated(.init(signingKey: People.alice.wire)), Relay.joined(), Relay.roster([(People.alice, "alice", .member)]),
               Relay.synced(0))
        var sends = [ClientFrame.Send]()
        for i in 1...8 { sends += s.record(s.session.send("w\(i)", now: Relay.now)).sends }
        #expect(sends.count == 5)
        let next = s.feed(.ack(.init(roomID: Relay.room, clientID: sends[0].clientID, seq: 1)))
        #expect(next.sends.count == 1 && (try? openEnvelope(next.sends[0].ciphertext).text) == "w6")
    }

    @Test func keyChangeUnderAKnownNameIsLoud() {
        var known = KnownKeys()
        _ = known.observe(roomID: Relay.room, name: "bob", identity: People.bob.publicIdentity, now: 1)
        var s = Script(knownKeys: known)
        s.joinOpenRoom(roster: [(People.alice, "alice", .member), (People.mallory, "bob", .member)])
        let changed = s.actions.notices.filter { $0.kind == .keyChanged }
        #expect(changed.count == 1)
        #expect(changed.first?.member?.signingKey == People.mallory.key)
        #expect(changed.first?.detail == People.bob.publicIdentity.fingerprint)
        #expect(s.actions.events.contains { if case .knownKeysChanged = $0 { true } else { false } })
    }

    @Test func verifiedMembersAreShownVerified() {
        var s = Script()
        s.joinOpenRoom()
        let out = s.record(s.session.setVerified("bob", true))
        #expect(s.session.roster.first { $0.name == "bob" }?.verified == true)
        #expect(out.events.contains { if case .knownKeysChanged(let k) = $0 { k.isVerified(People.bob.publicIdentity) } else { false } })
        #expect(out.events.contains { if case .verificationChanged(let m) = $0 { m.name == "bob" && m.verified } else { false } })
        #expect(s.feed(Relay.message(1, from: People.bob, counter: 1, text: "hi")).messages.first?.sender.verified == true)
        #expect(s.record(s.session.setVerified("nobody", true)).problems == ["no member matches \"nobody\""])
    }

    @Test func safetyNumberIsTheCoreOne() throws {
        var s = Script()
        s.joinOpenRoom()
        let bob = try #require(s.session.roster.first { $0.name == "bob" })
        #expect(s.session.safetyNumber(with: bob) == SafetyNumber.compute(People.alice.publicIdentity, People.bob.publicIdentity))
    }

    @Test func selectionByNameOrFingerprintPrefix() {
        var s = Script()
        s.joinOpenRoom(roster: [(People.alice, "alice", .owner), (People.bob, "sam", .member), (People.carol, "sam", .member)])
        let candidates = s.session.roster.map { ($0, String?.none) }
        #expect(ChatSession.select("alice", in: candidates) == .success(0))
        #expect(ChatSession.select("sam", in: candidates) == .failure(.ambiguous(2)))
        let carolFP = People.carol.publicIdentity.fingerprint
        #expect(ChatSession.select(String(carolFP.prefix(9)), in: candidates) == .success(2))
        #expect(ChatSession.select("zzzz", in: candidates) == .failure(.none))
    }
}
