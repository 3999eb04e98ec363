import Testing
import SecureChatCore
import SecureChatCrypto
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

    @Test func aJoinEventWithoutKeysRefreshesTheRoster() {
        var s = Script()
        s.joinOpenRoom()
        let out = s.feed(.event(.init(roomID: Relay.room, event: .join, member: People.carol.wire, name: "carol", time: 1)))
        #expect(out.contains(.reconnect(after: .zero)))
        #expect(out.notices.map(\.kind) == [.join])
        #expect(!out.events.contains { if case .connectionLost = $0 { true } else { false } })
        s.open()
        guard case .join(let join) = s.feed(Relay.hello()).writes.last else { Issue.record("no join"); return }
        #expect(join.afterSeq == 0)
        s.feed(Relay.joined(), Relay.roster([(People.alice, "alice", .member), (People.carol, "carol", .member)]), Relay.synced(0))
        #expect(s.session.roster.first { $0.name == "carol" }?.fingerprint == People.carol.publicIdentity.fingerprint)
    }

    // MARK: knocking

    @Test func approvalRoomWithoutKeyKnocksThenJoinsWhenApproved() throws {
        var s = Script(People.bob, name: "bob", target: .room(Relay.room, policy: .approval), keys: [])
        s.open()
        let writes = s.feed(Relay.hello()).writes
        guard case .knock(let knock) = writes.last else { Issue.record("no knock: \(writes.map(\.type))"); return }
        #expect(knock.roomID == Relay.room && knock.name == "bob")
        #expect(s.feed(.knocked(.init(roomID: Relay.room, knockID: "k1", expiresAt: 5))).events == [.waitingForApproval(roomID: Relay.room, expiresAt: 5)])

        let (enc, ct) = try RoomKeySeal.seal(Relay.key, to: People.bob.agreementKey.publicKey, roomID: Relay.room)
        let signature = try People.alice.signingKey.signature(for: SignedPayload.approve(roomID: Relay.room, joiner: People.bob.key, enc: enc, ct: ct))
        let approved = s.feed(.approved(.init(roomID: Relay.room, enc: WireBytes(enc), ct: WireBytes(ct), approver: People.alice.wire,
                                              signature: WireBytes(signature))))
        #expect(approved.events.first == .roomKeysChanged([Relay.key]))
        #expect(approved.notices.map(\.kind) == [.approved])
        guard case .join(let join) = approved.writes.last else { Issue.record("no join after approval"); return }
        #expect(join.afterSeq == 0)
        s.feed(Relay.joined(policy: .approval, lastSeq: 1), Relay.roster([(People.alice, "alice", .owner), (People.bob, "bob", .member)]))
        #expect(s.feed(Relay.message(1, from: People.alice, counter: 1, text: "welcome")).messages.map(\.text) == ["welcome"])
    }

    @Test func approvalWithABadSignatureIsRefused() throws {
        var s = Script(People.bob, name: "bob", target: .code("123456"), keys: [])
        s.open()
        guard case .knock(let knock) = s.feed(Relay.hello()).writes.last else { Issue.record("no knock"); return }
        #expect(knock.code == "123456" && knock.roomID == nil)
        s.feed(.knocked(.init(roomID: Relay.room, knockID: "k1", expiresAt: 5)))
        #expect(s.session.roomID == Relay.room)
        let (enc, ct) = try RoomKeySeal.seal(Relay.key, to: People.bob.agreementKey.publicKey, roomID: Relay.room)
        let wrong = try People.mallory.signingKey.signature(for: SignedPayload.approve(roomID: Relay.room, joiner: People.bob.key, enc: enc, ct: ct))
        let out = s.feed(.approved(.init(roomID: Relay.room, enc: WireBytes(enc), ct: WireBytes(ct), approver: People.alice.wire,
                                         signature: WireBytes(wrong))))
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

    @Test func approvingSealsTheRoomKeyToTheKnocker() throws {
        var s = Script()
        s.joinOpenRoom(role: .owner)
        let notice = s.feed(.knock(.init(roomID: Relay.room, knockID: "k9", member: People.carol.wire, agreementKey: People.carol.agreementWire,
                                         name: "carol", note: "hi, it's carol", time: 3)))
        #expect(notice.notices.first?.kind == .knock && notice.notices.first?.detail == "hi, it's carol")
        #expect(s.session.knocks.map(\.member.name) == ["carol"])
        guard case .approve(let a)? = s.record(s.session.approve("carol")).writes.first else { Issue.record("no approve"); return }
        #expect(a.knockID == "k9")
        #expect(RoomKeySeal.open(enc: a.enc.bytes, ct: a.ct.bytes, identity: People.carol, roomID: Relay.room) == Relay.key)
        #expect(People.alice.signingKey.publicKey.isValidSignature(a.signature.bytes,
            for: SignedPayload.approve(roomID: Relay.room, joiner: People.carol.key, enc: a.enc.bytes, ct: a.ct.bytes)))
        let event = s.feed(.event(.init(roomID: Relay.room, event: .approve, member: People.carol.wire, name: "carol", by: People.alice.wire, time: 4)))
        #expect(s.session.knocks.isEmpty)
        #expect(s.session.roster.map(\.name).contains("carol"))
        #expect(event.notices.last?.kind == .approve)
        #expect(s.record(s.session.deny("carol")).problems == ["no knock matches \"carol\""])
    }

    @Test func removalRotatesTheKeyToTheRemainingMembers() throws {
        var s = Script()
        s.joinOpenRoom(role: .owner, roster: [(People.alice, "alice", .owner), (People.bob, "bob", .member), (People.carol, "carol", .member)])
        guard case .remove(let r)? = s.record(s.session.remove("bob")).writes.first else { Issue.record("no remove"); return }
        #expect(r.member == People.bob.wire)
        let confirmed = s.feed(.event(.init(roomID: Relay.room, event: .remove, member: People.bob.wire, by: People.alice.wire, time: 5)))
        guard case .rotate(let rotate)? = confirmed.writes.first else { Issue.record("no rotation"); return }
        #expect(Set(rotate.sealedKeys.map(\.member)) == [People.alice.wire, People.carol.wire])
        #expect(People.alice.signingKey.publicKey.isValidSignature(rotate.signature.bytes,
            for: SignedPayload.rotate(roomID: Relay.room, accessKey: rotate.accessKey?.bytes)))
        let carolsCopy = try #require(rotate.sealedKeys.first { $0.member == People.carol.wire })
        let newKey = try #require(RoomKeySeal.open(enc: carolsCopy.enc.bytes, ct: carolsCopy.ct.bytes, identity: People.carol, roomID: Relay.room))
        #expect(newKey != Relay.key)
        #expect(People.alice.signingKey.publicKey.isValidSignature(carolsCopy.signature.bytes,
            for: SignedPayload.rotateKey(roomID: Relay.room, member: People.carol.key, enc: carolsCopy.enc.bytes, ct: carolsCopy.ct.bytes)))
        // The access key follows the new room key, so the old key no longer admits anyone.
        let access = try RoomAccess.signingKey(roomKey: newKey.rawRepresentation, roomID: Relay.room)
        #expect(rotate.accessKey?.bytes == access.publicKey.rawRepresentation)

        // The relay stores the rotation and hands each member its copy, the owner included.
        let mine = try #require(rotate.sealedKeys.first { $0.member == People.alice.wire })
        let rotated = s.feed(.rotated(.init(roomID: Relay.room, seq: 1, by: People.alice.wire, accessKey: rotate.accessKey,
                                            enc: mine.enc, ct: mine.ct, signature: mine.signature, time: 6)))
        #expect(rotated.events.first == .roomKeysChanged([newKey, Relay.key]))
        let next = s.record(s.session.send("after", now: Relay.now)).sends[0]
        #expect(throws: FernetError.authenticationFailed) { try Fernet(key: Relay.key).decrypt(next.ciphertext, now: 0) }
        #expect(try openEnvelope(next.ciphertext, keys: [newKey]).text == "after")
    }

    @Test func aRemovedMemberCannotReadWhatFollowsTheRotation() {
        var s = Script(People.bob, name: "bob")
        s.joinOpenRoom(roster: [(People.alice, "alice", .owner), (People.bob, "bob", .member)])
        let newKey = FernetKey.generate()
        let out = s.feed(.rotated(.init(roomID: Relay.room, seq: 1, by: People.alice.wire, accessKey: nil, enc: nil, ct: nil, signature: nil, time: 6)),
                         Relay.message(2, from: People.alice, counter: 1, text: "secret", key: newKey))
        #expect(out.notices.map(\.kind) == [.rotatedWithoutUs])
        #expect(out.messages.isEmpty)
        #expect(out.rejected.map(\.verdict.label) == ["undecryptable"])
    }

    @Test func aRotationFromBeforeWeJoinedIsNoAlarm() {
        var s = Script(People.carol, name: "carol")
        s.joinOpenRoom(history: [.rotated(.init(roomID: Relay.room, seq: 1, by: People.alice.wire, accessKey: nil, enc: nil, ct: nil,
                                                signature: nil, time: 6))])
        #expect(s.actions.notices.map(\.kind) == [.rotate])
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

    @Test func roomKeySealInfoIsTheWireOne() {
        #expect(RoomKeySeal.info(roomID: Relay.room) == SignedPayload.roomKeyInfo(roomID: Relay.room))
    }
}
