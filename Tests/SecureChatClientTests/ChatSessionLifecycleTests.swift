import Testing
import SecureChatCore
import SecureChatCrypto
import SecureChatGroup
import SecureChatWire
@testable import SecureChatClient

/// Connection loss and resume, knocking and approval, removal and key rotation, endings.
@Suite struct ChatSessionLifecycleTests {
    @Test func unreachableRelayEndsAtOnce() {
        var s = Script()
        #expect(s.record(s.session.connectionClosed(reason: "connection refused")).finish == .unreachable("connection refused"))
    }

    @Test func lostConnectionsBackOffFromOneToThirtySeconds() {
        var s = Script()
        s.joinOpenRoom()
        var delays = [Duration]()
        for _ in 0..<7 {
            for case .reconnect(let d) in s.record(s.session.connectionClosed(reason: "gone")) { delays.append(d) }
            s.open()
        }
        #expect(delays == [1, 2, 4, 8, 16, 30, 30].map { .seconds($0) })
        // A connection that syncs again starts the backoff over.
        s.feed(Relay.hello(), Relay.joined(), Relay.roster([]), Relay.synced(0))
        #expect(s.record(s.session.connectionClosed(reason: "gone")).contains(.reconnect(after: .seconds(1))))
    }

    @Test func aSlowReaderIsToldWhyTheConnectionWasLost() {
        var s = Script()
        s.joinOpenRoom()
        let error = s.feed(.error(ErrorFrame(.slowReader, "too slow")))
        #expect(error.problems.isEmpty)
        let lost = s.record(s.session.connectionClosed(reason: "the relay closed the connection")).events.compactMap {
            if case .connectionLost(let reason, _) = $0 { reason } else { nil }
        }
        #expect(lost == ["the relay cut the connection off because this client did not read its messages fast enough (slow_reader)"])
        // The next loss, without the error, is reported as it is.
        s.open()
        let again = s.record(s.session.connectionClosed(reason: "the relay closed the connection")).events.compactMap {
            if case .connectionLost(let reason, _) = $0 { reason } else { nil }
        }
        #expect(again == ["the relay closed the connection"])
    }

    @Test func resumeFromTheLastSeqAndResendUnacknowledged() throws {
        var s = Script()
        s.joinOpenRoom(history: [Relay.message(1, from: People.bob, counter: 1, text: "one")])
        let a = s.record(s.session.send("unacked", now: Relay.now)).sends[0]
        let b = s.record(s.session.send("committed, ack lost", now: Relay.now)).sends[0]
        s.feed(Relay.message(2, from: People.bob, counter: 2, text: "two"))
        s.record(s.session.connectionClosed(reason: "relay restarted"))
        #expect(s.record(s.session.send("typed while away", now: Relay.now)).events.count == 1)

        s.open()
        guard case .join(let join) = s.feed(Relay.hello()).writes.last else { Issue.record("no join"); return }
        #expect(join.afterSeq == 2)
        let replay = s.feed(Relay.joined(lastSeq: 3), Relay.roster([(People.alice, "alice", .member)]),
                            .message(.init(roomID: Relay.room, seq: 3, sender: People.alice.wire, clientID: b.clientID,
                                           ciphertext: b.ciphertext, time: 0)),
                            Relay.synced(3))
        // The message that was committed counts as acknowledged and is not sent again.
        #expect(replay.sent.map(\.text) == ["committed, ack lost"])
        #expect(replay.messages.isEmpty)
        let resent = replay.sends
        #expect(resent.count == 2)
        #expect(resent[0] == a)
        let third = try openEnvelope(resent[1].ciphertext)
        #expect(third.text == "typed while away" && third.counter == 3)
        // Nothing is shown twice: the relay's answers to the resend show each message once.
        let acks = s.feed(.ack(.init(roomID: Relay.room, clientID: a.clientID, seq: 4)),
                          .ack(.init(roomID: Relay.room, clientID: a.clientID, seq: 4)))
        #expect(acks.sent.map(\.text) == ["unacked"])
    }

    @Test func aJoinIsShownWhenItsCommitArrivesWithTheChainsKeys() throws {
        var s = Script()
        s.joinOpenRoom()
        // The relay's event only names the joiner; nothing changes until the commit.
        let event = s.feed(.event(.init(roomID: Relay.room, event: .join, member: People.carol.wire, agreementKey: People.mallory.agreementWire,
                                        name: "carol", time: 1)))
        #expect(event.notices.isEmpty)
        #expect(!s.session.roster.contains { $0.signingKey == People.carol.key })
        let join = try GroupCommitBuilder.join(s.chain!.state, key: Relay.key.rawRepresentation,
                                               agreementKey: People.carol.agreementKey.publicKey.rawRepresentation, by: People.carol.signingKey)
        let out = s.feed(s.chain!.append(join, seq: 1))
        #expect(out.notices.map(\.kind) == [.join])
        // The fingerprint is from the keys the joiner signed, not the ones the relay named.
        #expect(s.session.roster.first { $0.name == "carol" }?.fingerprint == People.carol.publicIdentity.fingerprint)
    }

    // MARK: knocking

    @Test func approvalRoomWithoutKeyKnocksThenJoinsWhenApproved() throws {
        var s = Script(People.bob, name: "bob", target: .room(Relay.room, policy: .approval), keys: [], ownerPin: People.alice.key)
        s.open()
        let writes = s.feed(Relay.hello()).writes
        guard case .knock(let knock) = writes.last else { Issue.record("no knock: \(writes.map(\.type))"); return }
        #expect(knock.roomID == Relay.room && knock.name == "bob")
        #expect(People.bob.signingKey.publicKey.isValidSignature(knock.binding.bytes,
                                                                 for: SignedPayload.agreementKey(People.bob.agreementWire.bytes)))
        #expect(s.feed(.knocked(.init(roomID: Relay.room, knockID: "k1", expiresAt: 5))).events == [.waitingForApproval(roomID: Relay.room, expiresAt: 5)])

        let chain = ScriptedChain(owner: People.alice, members: [People.alice, People.bob], policy: .approval)
        s.chain = chain
        guard case .commit(let add) = chain.frames.last else { Issue.record("no add commit"); return }
        let approved = s.feed(.approved(.init(roomID: Relay.room, commit: add.commit)))
        #expect(approved.notices.map(\.kind) == [.approved])
        guard case .join(let join) = approved.writes.last else { Issue.record("no join after approval"); return }
        #expect(join.afterSeq == 0)
        // The key is taken from the chain the join brings, which holds the approval.
        let entered = s.feed(Relay.joined(policy: .approval, lastSeq: 1), Relay.roster([(People.alice, "alice", .owner), (People.bob, "bob", .member)]))
        #expect(entered.events.contains(.roomKeysChanged([Relay.key])))
        #expect(s.feed(Relay.message(1, from: People.alice, counter: 1, text: "welcome")).messages.map(\.text) == ["welcome"])
    }

    @Test func approvalWithABadSignatureIsRefused() throws {
        var s = Script(People.bob, name: "bob", target: .code("123456"), keys: [])
        s.open()
        guard case .knock(let knock) = s.feed(Relay.hello()).writes.last else { Issue.record("no knock"); return }
        #expect(knock.code == "123456" && knock.roomID == nil)
        s.feed(.knocked(.init(roomID: Relay.room, knockID: "k1", expiresAt: 5)))
        #expect(s.session.roomID == Relay.room)
        let chain = ScriptedChain(owner: People.alice, members: [People.alice, People.bob], policy: .approval)
        guard case .commit(let add) = chain.frames.last else { Issue.record("no add commit"); return }
        var forged = try GroupCommit(parsing: add.commit.bytes)
        forged.signature = try People.mallory.signingKey.signature(for: forged.content)
        let out = s.feed(.approved(.init(roomID: Relay.room, commit: WireBytes(forged.bytes))))
        guard case .notAdmitted? = out.finish else { Issue.record("accepted a bad approval"); return }
    }

    @Test func aMemberWhoIsNotYetInKnocksWhenTheRelaySaysSo() {
        var s = Script(People.bob, name: "bob", target: .room(Relay.room, policy: .approval), keys: [Relay.key])
        s.open()
        s.feed(Relay.hello())
        let out = s.feed(.error(ErrorFrame(.notMember, "knock", roomID: Relay.room)))
        guard case .knock? = out.writes.first else { Issue.record("did not knock"); return }
    }

    /// A member the owner removed is told so by the relay, on `join` or on `knock`: the session
    /// ends as removed (exit status 6) instead of knocking again and waiting (issue 17, finding 16).
    @Test func aRemovedMemberStopsInsteadOfKnockingAgain() {
        var s = Script(People.bob, name: "bob", target: .room(Relay.room, policy: .approval), keys: [Relay.key])
        s.open()
        s.feed(Relay.hello())
        let out = s.feed(.error(ErrorFrame(.removed, "you were removed from this room", roomID: Relay.room)))
        #expect(out.writes.isEmpty)
        #expect(out.finish == .removed)

        var knocking = Script(People.bob, name: "bob", target: .code("123456"), keys: [])
        knocking.open()
        knocking.feed(Relay.hello())
        #expect(knocking.feed(.error(ErrorFrame(.removed, "you were removed from this room", roomID: Relay.room))).finish == .removed)
    }

    @Test(arguments: [
        (ServerFrame.denied(.init(roomID: Relay.room, reason: "no")), ChatOutcome.denied("no")),
        (.error(ErrorFrame(.knockTimeout, "late", roomID: Relay.room)), .knockTimedOut),
        (.error(ErrorFrame(.badCode, "no such code")), .badCode),
        (.error(ErrorFrame(.roomExpired, "expired", roomID: Relay.room)), .roomExpired),
    ])
    func knockEndings(frame: ServerFrame, outcome: ChatOutcome) {
        var s = Script(People.bob, name: "bob", target: .code("123456"), keys: [])
        s.open()
        s.feed(Relay.hello(), .knocked(.init(roomID: Relay.room, knockID: "k1", expiresAt: 5)))
        #expect(s.feed(frame).finish == outcome)
    }

    @Test(arguments: [
        (ServerFrame.error(ErrorFrame(.badProof, "no", roomID: Relay.room)), "notAdmitted"),
        (.error(ErrorFrame(.roomNotFound, "no", roomID: Relay.room)), "roomNotFound"),
        (.error(ErrorFrame(.roomExpired, "no", roomID: Relay.room)), "roomExpired"),
        (.error(ErrorFrame(.unsupportedVersion, "v2 only")), "refused"),
    ])
    func joinEndings(frame: ServerFrame, outcome: String) {
        var s = Script()
        s.open()
        s.feed(Relay.hello())
        let got = s.feed(frame).finish.map { String(describing: $0) } ?? "none"
        #expect(got.hasPrefix(outcome))
    }

    @Test func liveEndings() {
        var s = Script()
        s.joinOpenRoom()
        #expect(s.feed(.event(.init(roomID: Relay.room, event: .expire, time: 9))).finish == .roomExpired)
        var t = Script()
        t.joinOpenRoom()
        #expect(t.feed(.removed(.init(roomID: Relay.room, by: People.bob.wire))).finish == .removed)
        // Nothing after the end.
        #expect(t.feed(Relay.message(1, from: People.bob, counter: 1, text: "late")).isEmpty)
    }

    // MARK: approving, removing, rotating

    static func knockNotice(_ who: Identity, name: String, id: String = "k9", binding: [UInt8]? = nil) -> ServerFrame {
        let agreement = who.agreementKey.publicKey.rawRepresentation
        let signed = binding ?? (try! who.signingKey.signature(for: SignedPayload.agreementKey(agreement)))
        return .knock(.init(roomID: Relay.room, knockID: id, member: who.wire, agreementKey: WireBytes(agreement), binding: WireBytes(signed),
                            name: name, note: "hi, it's \(name)", time: 3))
    }

    @Test func approvingSealsTheRoomKeyToTheKnocker() throws {
        var s = Script(target: .room(Relay.room, policy: .approval))
        s.joinOpenRoom(role: .owner)
        let notice = s.feed(Self.knockNotice(People.carol, name: "carol"))
        #expect(notice.notices.first?.kind == .knock && notice.notices.first?.detail == "hi, it's carol")
        #expect(s.session.knocks.map(\.member.name) == ["carol"])
        guard case .approve(let a)? = s.record(s.session.approve("carol")).writes.first else { Issue.record("no approve"); return }
        #expect(a.knockID == "k9")
        let add = try GroupCommit(parsing: a.commit.bytes)
        #expect(add.kind == .add && add.author == People.alice.key && add.subject == People.carol.key && add.isSignatureValid)
        #expect(try GroupKeys.openSealed(add, member: People.carol.key, privateKey: People.carol.agreementKey) == Relay.key.rawRepresentation)
        // Carol is a member once the relay has the commit; the relay's event alone changes nothing.
        s.feed(.event(.init(roomID: Relay.room, event: .approve, member: People.carol.wire, name: "carol", by: People.alice.wire, time: 4)))
        #expect(!s.session.roster.map(\.name).contains("carol"))
        let committed = s.feed(s.chain!.append(add, seq: 1))
        #expect(s.session.roster.map(\.name).contains("carol"))
        #expect(committed.notices.last?.kind == .approve)
        s.feed(.event(.init(roomID: Relay.room, event: .approve, member: People.carol.wire, name: "carol", by: People.alice.wire, time: 4)))
    }

    @Test func aKnockWhoseAgreementKeyTheKnockerDidNotSignIsIgnored() {
        var s = Script(target: .room(Relay.room, policy: .approval))
        s.joinOpenRoom(role: .owner)
        // A relay that swaps in its own agreement key cannot sign for the knocker.
        let swapped = ServerFrame.knock(.init(roomID: Relay.room, knockID: "k9", member: People.carol.wire, agreementKey: People.mallory.agreementWire,
                                              binding: WireBytes(try! People.mallory.signingKey.signature(
                                                for: SignedPayload.agreementKey(People.mallory.agreementWire.bytes))),
                                              name: "carol", note: nil, time: 3))
        let out = s.feed(swapped)
        #expect(out.problems.count == 1)
        #expect(s.session.knocks.isEmpty)
    }

    @Test func removalCarriesTheNewKeyToTheRemainingMembers() throws {
        var s = Script()
        s.joinOpenRoom(role: .owner, roster: [(People.alice, "alice", .owner), (People.bob, "bob", .member), (People.carol, "carol", .member)])
        guard case .commit(let frame)? = s.record(s.session.remove("bob")).writes.first else { Issue.record("no remove"); return }
        let remove = try GroupCommit(parsing: frame.commit.bytes)
        #expect(remove.kind == .remove && remove.subject == People.bob.key)
        #expect(Set(remove.sealed.map(\.member)) == [People.alice.key, People.carol.key])
        let newKey = try FernetKey(rawRepresentation: #require(try GroupKeys.openSealed(remove, member: People.carol.key,
                                                                                         privateKey: People.carol.agreementKey)))
        #expect(newKey != Relay.key)
        // The access key follows the new room key, so the old key no longer admits anyone.
        #expect(remove.accessKey == (try RoomAccess.signingKey(roomKey: newKey.rawRepresentation, roomID: Relay.room)).publicKey.rawRepresentation)

        // The relay stores the commit and sends it to every member, the owner included.
        let applied = s.feed(s.chain!.append(remove, seq: 1))
        #expect(applied.events.contains(.roomKeysChanged([newKey, Relay.key])))
        let next = s.record(s.session.send("after", now: Relay.now)).sends[0]
        #expect(throws: FernetError.authenticationFailed) { try Fernet(key: Relay.key).decrypt(next.ciphertext, now: 0) }
        #expect(try openEnvelope(next.ciphertext, keys: [newKey]).text == "after")
    }

    @Test func aRemovedMemberCannotReadWhatFollowsTheRemoval() throws {
        var s = Script(People.bob, name: "bob")
        s.joinOpenRoom(roster: [(People.alice, "alice", .owner), (People.bob, "bob", .member)])
        let newKey = FernetKey.generate()
        let remove = try GroupCommitBuilder.remove(s.chain!.state, member: People.bob.key, newKey: newKey.rawRepresentation,
                                                   by: People.alice.signingKey)
        let out = s.feed(s.chain!.append(remove, seq: 1), Relay.message(2, from: People.alice, counter: 1, text: "secret", key: newKey))
        #expect(out.notices.map(\.kind) == [.remove, .rotate])
        #expect(out.messages.isEmpty)
        #expect(out.rejected.map(\.verdict.label) == ["undecryptable"])
    }

    @Test func onlyTheOwnerRemoves() {
        var s = Script()
        s.joinOpenRoom(role: .member)
        #expect(s.record(s.session.remove("bob")).problems == ["only the room's owner can remove members"])
    }

    @Test func codeIsKeptForTheInterface() {
        var s = Script()
        s.joinOpenRoom()
        #expect(s.feed(.code(.init(roomID: Relay.room, code: "482913", expiresAt: 99))).events == [.codeChanged(code: "482913", expiresAt: 99)])
        #expect(s.session.code?.code == "482913")
    }
}
