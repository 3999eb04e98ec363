import Testing
import SecureChatCore
import SecureChatCrypto
import SecureChatGroup
import SecureChatWire
@testable import SecureChatClient

/// A relay that lies, and members who misbehave, against the session's group state: the
/// attacks of docs/security.md that a client must stop by itself.
@Suite struct GroupStateSessionTests {
    /// Alice (owner), Bob and Carol in an open room, seen by `me`.
    static func room(_ me: Identity = People.alice, name: String = "alice", resume: ResumeState = ResumeState(),
                     ownerPin: [UInt8]? = nil) -> Script {
        var s = Script(me, name: name, resume: resume, ownerPin: ownerPin)
        s.joinOpenRoom(role: me.key == People.alice.key ? .owner : .member,
                       roster: [(People.alice, "alice", .owner), (People.bob, "bob", .member), (People.carol, "carol", .member)])
        return s
    }

    // Finding 2: a relay hands out a room key of its choosing.
    @Test func aKeyFromAnyoneOutsideTheChainIsNeverAdopted() throws {
        var s = Self.room(People.bob, name: "bob")
        let relayKey = FernetKey.generate()
        // A rotation "by" Mallory, who is no member, sealed to Bob.
        let forged = try GroupCommitBuilder.rotate(s.chain!.state, newKey: relayKey.rawRepresentation, by: People.mallory.signingKey)
        let out = s.feed(ScriptedChain.frame(forged, seq: 1))
        #expect(out.problems.count == 1)
        #expect(!s.session.keys.contains(relayKey))
        // A rotation signed by the owner, but re-sealed by the relay with its own key, breaks the
        // signature; the same with the key id left alone is caught by the key id.
        var resealed = try GroupCommitBuilder.rotate(s.chain!.state, newKey: FernetKey.generate().rawRepresentation, by: People.alice.signingKey)
        resealed.sealed = try s.chain!.state.members.map {
            try GroupKeys.seal(relayKey.rawRepresentation, to: $0.signingKey, agreementKey: $0.agreementKey, roomID: Relay.room)
        }
        #expect(s.feed(ScriptedChain.frame(resealed, seq: 1)).problems.count == 1)
        #expect(!s.session.keys.contains(relayKey))
        // Bob still sends under the room's real key.
        let sent = s.record(s.session.send("still private", now: Relay.now)).sends
        #expect(try openEnvelope(sent[0].ciphertext, keys: [Relay.key]).text == "still private")
    }

    // Finding 11: a member's rotation that leaves keys out, or comes when it is not due.
    @Test func aMembersRotationIsRefusedUnlessTheKeyIsStale() throws {
        var s = Self.room(People.carol, name: "carol")
        let byBob = try GroupCommitBuilder.rotate(s.chain!.state, newKey: FernetKey.generate().rawRepresentation, by: People.bob.signingKey)
        let out = s.feed(ScriptedChain.frame(byBob, seq: 1))
        #expect(out.problems.first?.contains("only the owner may rotate") == true)
        #expect(s.session.keys == [Relay.key])
    }

    // Finding 12: a member who leaves keeps reading.
    @Test func afterALeaveTheOthersRotateAndHoldTheirMessagesUntilThen() throws {
        var s = Self.room(People.bob, name: "bob")
        let leave = try GroupCommitBuilder.leave(s.chain!.state, by: People.carol.signingKey)
        let out = s.feed(s.chain!.append(leave, seq: 1))
        #expect(out.notices.map(\.kind) == [.leave])
        // Bob's client rotates at once, sealed to Alice and itself only.
        guard case .commit(let frame)? = out.writes.first else { Issue.record("no rotation after the leave"); return }
        let rotate = try GroupCommit(parsing: frame.commit.bytes)
        #expect(rotate.kind == .rotate && Set(rotate.sealed.map(\.member)) == [People.alice.key, People.bob.key])
        // Meanwhile nothing is sent under the key Carol still holds.
        #expect(s.record(s.session.send("after carol left", now: Relay.now)).sends.isEmpty)
        // The rotation lands: the held message goes out under the new key.
        let landed = s.feed(s.chain!.append(rotate, seq: 2))
        let newKey = try FernetKey(rawRepresentation: #require(try GroupKeys.openSealed(rotate, member: People.alice.key,
                                                                                         privateKey: People.alice.agreementKey)))
        let sends = landed.sends
        #expect(sends.count == 1)
        #expect(throws: FernetError.authenticationFailed) { try Fernet(key: Relay.key).decrypt(sends[0].ciphertext, now: 0) }
        #expect(try openEnvelope(sends[0].ciphertext, keys: [newKey]).text == "after carol left")
    }

    // Finding 13: a lying roster steals a rotation.
    @Test func rotationsAreSealedToTheChainsKeysNotTheRostersKeys() throws {
        var s = Script()
        s.joinOpenRoom(role: .owner, roster: [(People.alice, "alice", .owner), (People.bob, "bob", .member), (People.carol, "carol", .member)])
        // A new connection's roster where the relay has put Mallory's agreement key under Bob's name and key.
        s.feed(.roster(.init(roomID: Relay.room, members: [
            .init(member: People.alice.wire, agreementKey: People.alice.agreementWire, name: "alice", role: .owner, online: true),
            .init(member: People.bob.wire, agreementKey: People.mallory.agreementWire, name: "bob", role: .member, online: true),
        ])))
        guard case .commit(let frame)? = s.record(s.session.remove("carol")).writes.first else { Issue.record("no removal"); return }
        let remove = try GroupCommit(parsing: frame.commit.bytes)
        #expect(try GroupKeys.openSealed(remove, member: People.bob.key, privateKey: People.bob.agreementKey) != nil)
        #expect(throws: GroupRuleError.sealedKeyUnopenable) {
            try GroupKeys.openSealed(remove, member: People.bob.key, privateKey: People.mallory.agreementKey)
        }
        #expect(s.session.roster.first { $0.name == "bob" }?.fingerprint == People.bob.publicIdentity.fingerprint)
    }

    // Finding 15: a refused rotation is never retried.
    @Test func aRefusedRemovalIsRetriedUntilTheRelayHasIt() throws {
        var s = Self.room()
        guard case .commit(let first)? = s.record(s.session.remove("bob")).writes.first else { Issue.record("no removal"); return }
        let refused = s.feed(.error(ErrorFrame(.rateLimited, "slow down", limit: .messagesPerSecond, roomID: Relay.room)))
        guard case .retry? = refused.first else { Issue.record("no retry: \(refused)"); return }
        guard case .commit(let again)? = s.record(s.session.retryPending(now: Relay.now + 1)).writes.first else {
            Issue.record("not sent again"); return
        }
        #expect(try GroupCommit(parsing: again.commit.bytes).subject == People.bob.key)
        // A lost connection too: after the reconnect the removal goes out again.
        s.record(s.session.connectionClosed(reason: "gone"))
        s.open()
        s.feed(Relay.hello(), Relay.joined(role: .owner), Relay.roster([(People.alice, "alice", .owner)]))
        let resent = s.feed(Relay.synced(0)).writes.compactMap { if case .commit(let c) = $0 { c } else { nil } }
        #expect(resent.count == 1)
        #expect(try GroupCommit(parsing: try #require(resent.first).commit.bytes).kind == .remove)
        _ = first
    }

    // Retired keys and senders who are not members.
    @Test func oldKeysAndNonMembersAreReported() throws {
        var s = Self.room(People.bob, name: "bob")
        let newKey = FernetKey.generate()
        let remove = try GroupCommitBuilder.remove(s.chain!.state, member: People.carol.key, newKey: newKey.rawRepresentation,
                                                   by: People.alice.signingKey)
        s.feed(s.chain!.append(remove, seq: 1, time: Int64(Relay.now)))
        // In flight when the removal landed: still accepted.
        let inFlight = s.feed(Relay.message(2, from: People.alice, counter: 1, text: "sent just before"))
        #expect(inFlight.messages.map(\.text) == ["sent just before"])
        // Long after, under the old key: reported.
        let late = ServerFrame.message(.init(roomID: Relay.room, seq: 3, sender: People.carol.wire, clientID: "x",
                                             ciphertext: Relay.token(People.carol, counter: 9, text: "I still have the old key"),
                                             time: Int64(Relay.now) + 3600))
        #expect(s.feed(late).rejected.map(\.verdict.label) == ["retired_key"])
        // Mallory, never a member, under the current key (she got it somehow): reported.
        let mallory = s.feed(Relay.message(4, from: People.mallory, counter: 1, text: "hi", key: newKey))
        #expect(mallory.rejected.map(\.verdict.label) == ["not_member"])
    }

    // The owner pin and rollback.
    @Test func aRoomFoundedByAnotherOwnerIsRefused() {
        var s = Script(People.bob, name: "bob", ownerPin: People.carol.key)
        s.joinOpenRoom(roster: [(People.alice, "alice", .owner), (People.bob, "bob", .member)])
        guard case .untrustedRelay? = s.actions.finish else { Issue.record("accepted a room the pin does not name"); return }
    }

    @Test func aRelayCannotRollTheChainBack() throws {
        var s = Self.room(People.bob, name: "bob")
        let leave = try GroupCommitBuilder.leave(s.chain!.state, by: People.carol.signingKey)
        s.feed(s.chain!.append(leave, seq: 1))
        let kept = s.session.resumeState
        #expect(kept.groupEpoch == 3)
        // A later session is shown the chain as it was before the leave.
        var later = Script(People.bob, name: "bob", resume: kept)
        later.joinOpenRoom(roster: [(People.alice, "alice", .owner), (People.bob, "bob", .member), (People.carol, "carol", .member)])
        guard case .untrustedRelay(let why)? = later.actions.finish else { Issue.record("accepted an older chain"); return }
        #expect(why.contains("older"))
    }

    // Finding 14: a look-alike name passed as a known member.
    @Test func aNameThatLooksLikeAMembersWithAnotherKeyIsFlagged() throws {
        var s = Self.room()
        s.feed(.event(.init(roomID: Relay.room, event: .join, member: People.mallory.wire, name: "b\u{043E}b\u{00A0}", time: 1)))
        let join = try GroupCommitBuilder.join(s.chain!.state, key: Relay.key.rawRepresentation,
                                               agreementKey: People.mallory.agreementKey.publicKey.rawRepresentation, by: People.mallory.signingKey)
        let out = s.feed(s.chain!.append(join, seq: 1))
        let warning = try #require(out.notices.first { $0.kind == .lookalike })
        #expect(warning.detail == "bob" && warning.member?.signingKey == People.mallory.key)
        // Wherever Mallory is shown, the look-alike is named.
        #expect(s.session.roster.first { $0.signingKey == People.mallory.key }?.looksLike == "bob")
        #expect(s.session.roster.first { $0.signingKey == People.bob.key }?.looksLike == nil)
        let said = s.feed(Relay.message(2, from: People.mallory, counter: 1, text: "it's me, bob"))
        #expect(said.messages.first?.sender.looksLike == "bob")
    }

    // Review of the group state, 2: the chain shown must pass through the commit kept last time,
    // not merely reach its epoch (a longer fork would otherwise do).
    @Test func aLongerForkIsRefusedAtTheKeptEpoch() throws {
        var s = Self.room(People.bob, name: "bob")
        let leave = try GroupCommitBuilder.leave(s.chain!.state, by: People.carol.signingKey)
        s.feed(s.chain!.append(leave, seq: 1))
        let kept = s.session.resumeState
        // Another history from epoch 2: the owner rotates instead, and then again, past the kept epoch.
        var fork = ScriptedChain(owner: People.alice, members: [People.alice, People.bob, People.carol], policy: .open)
        let r1 = try GroupCommitBuilder.rotate(fork.state, newKey: FernetKey.generate().rawRepresentation, by: People.alice.signingKey)
        fork.append(r1, seq: 1)
        let r2 = try GroupCommitBuilder.rotate(fork.state, newKey: FernetKey.generate().rawRepresentation, by: People.alice.signingKey)
        fork.append(r2, seq: 2)
        var later = Script(People.bob, name: "bob", resume: kept)
        later.chain = fork
        later.joinOpenRoom(roster: [(People.alice, "alice", .owner), (People.bob, "bob", .member), (People.carol, "carol", .member)])
        guard case .untrustedRelay? = later.actions.finish else { Issue.record("accepted a fork longer than the kept chain"); return }
        #expect(!later.actions.events.contains { if case .roomKeysChanged = $0 { true } else { false } })
    }

    // Review 5: messages before the chain are not judged against nothing.
    @Test func messagesBeforeTheChainAreIgnored() {
        var s = Script(People.bob, name: "bob")
        s.open()
        s.feed(Relay.hello())
        #expect(s.feed(Relay.message(1, from: People.mallory, counter: 1, text: "before any chain")).isEmpty)
    }

    // Review 7: while a removal is on its way, nothing is sent under the key the member still holds.
    @Test func messagesWaitForAPendingRemoval() throws {
        var s = Self.room()
        guard case .commit(let frame)? = s.record(s.session.remove("carol")).writes.first else { Issue.record("no removal"); return }
        #expect(s.record(s.session.send("after carol", now: Relay.now)).sends.isEmpty)
        let remove = try GroupCommit(parsing: frame.commit.bytes)
        let landed = s.feed(s.chain!.append(remove, seq: 1))
        #expect(landed.sends.count == 1)
    }

    // Review 11: a chain for another room, or with another policy than the link's, is refused.
    @Test func aChainForAnotherRoomOrPolicyIsRefused() {
        var s = Script(People.bob, name: "bob", target: .room(Relay.room, policy: .approval), keys: [Relay.key])
        s.chain = ScriptedChain(owner: People.alice, members: [People.alice, People.bob], policy: .open)
        s.joinOpenRoom(roster: [(People.alice, "alice", .owner), (People.bob, "bob", .member)])
        guard case .untrustedRelay? = s.actions.finish else { Issue.record("accepted an open room's chain for an approval link"); return }
    }

    @Test func theOwnerCannotLeave() {
        var s = Self.room()
        #expect(s.record(s.session.leave(now: Relay.now)).problems.first?.contains("own this room") == true)
        var b = Self.room(People.bob, name: "bob")
        guard case .commit(let c)? = b.record(b.session.leave(now: Relay.now)).writes.first else { Issue.record("no leave"); return }
        #expect((try? GroupCommit(parsing: c.commit.bytes))?.kind == .leave)
    }
}
