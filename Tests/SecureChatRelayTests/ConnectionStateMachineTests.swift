import SecureChatCore
import SecureChatCrypto
import SecureChatGroup
@testable import SecureChatRelay
import SecureChatWire
import Testing

/// The connection's protocol rules, without sockets: frames in, actions out.
@Suite struct ConnectionStateMachineTests {
    let challenge = SecureRandom.bytes(32)
    let me = Identity.generate()
    var settings: ConnectionStateMachine.Settings { .init(RelayLimits()) }

    static let relayID = "relay-1"
    static let origin = "ws://relay.example:5000"

    func auth(_ identity: Identity, challenge: [UInt8]? = nil, claiming: [UInt8]? = nil, version: Int? = 2,
              origin: String = Self.origin) -> ClientFrame {
        let payload = SignedPayload.auth(challenge: challenge ?? self.challenge, relayID: Self.relayID, origin: origin)
        let sig = try! identity.signingKey.signature(for: payload)
        return .auth(.init(signingKey: WireBytes(claiming ?? identity.signingKey.publicKey.rawRepresentation),
                           agreementKey: WireBytes(identity.agreementKey.publicKey.rawRepresentation), name: "Me",
                           signature: WireBytes(sig), protocol: version))
    }

    func authenticated() -> ConnectionStateMachine {
        var m = ConnectionStateMachine(challenge: challenge, relayID: Self.relayID, origins: [Self.origin], settings: settings)
        _ = m.receive(auth(me), now: 0)
        return m
    }

    func errorCode(_ a: ConnectionStateMachine.Action) -> ErrorCode? {
        switch a {
        case .reply(.error(let e)), .fail(let e): e.code
        default: nil
        }
    }

    let token = "gAAAAAB" + String(repeating: "x", count: 100) + "=="

    @Test func onlyAuthAndPingBeforeAuthentication() {
        var m = ConnectionStateMachine(challenge: challenge, relayID: Self.relayID, origins: [Self.origin], settings: settings)
        #expect(m.receive(.ping(.init()), now: 0) == .reply(.pong(.init())))
        #expect(errorCode(m.receive(.join(.init(roomID: "r")), now: 0)) == .notAuthenticated)
        #expect(errorCode(m.receive(.send(.init(roomID: "r", clientID: "c", ciphertext: token)), now: 0)) == .notAuthenticated)
        #expect(m.phase == .awaitingAuth)
        let peer = Peer(signingKey: me.signingKey.publicKey.rawRepresentation, agreementKey: me.agreementKey.publicKey.rawRepresentation,
                        name: "Me")
        #expect(m.receive(auth(me), now: 0) == .authenticated(peer))
        #expect(m.phase == .authenticated && m.peer == peer)
        #expect(errorCode(m.receive(auth(me), now: 0)) == .alreadyAuthenticated)
    }

    @Test func anImpostorCannotAuthenticateAsSomeoneElse() {
        let victim = Identity.generate()
        var m = ConnectionStateMachine(challenge: challenge, relayID: Self.relayID, origins: [Self.origin], settings: settings)
        let action = m.receive(auth(me, claiming: victim.signingKey.publicKey.rawRepresentation), now: 0)
        #expect(errorCode(action) == .badSignature)
        guard case .fail = action else { Issue.record("a bad auth signature must close the connection"); return }
        #expect(m.phase == .closed && m.peer == nil)
        #expect(m.receive(auth(me), now: 0) == .none)
    }

    @Test func aSignatureForAnotherChallengeIsRefused() {
        var m = ConnectionStateMachine(challenge: challenge, relayID: Self.relayID, origins: [Self.origin], settings: settings)
        #expect(errorCode(m.receive(auth(me, challenge: SecureRandom.bytes(32)), now: 0)) == .badSignature)
    }

    /// A sign-in made for another relay's origin, or for another relay id, is refused, and the
    /// refusal names the origin this relay expected.
    @Test func aSignatureForAnotherOriginOrRelayIsRefused() {
        var m = ConnectionStateMachine(challenge: challenge, relayID: Self.relayID, origins: [Self.origin], settings: settings)
        let a = m.receive(auth(me, origin: "ws://evil.example:5000"), now: 0)
        guard case .fail(let e) = a else { Issue.record("expected fail, got \(a)"); return }
        #expect(e.code == .badSignature && e.message.contains(Self.origin))
        var other = ConnectionStateMachine(challenge: challenge, relayID: "relay-2", origins: [Self.origin], settings: settings)
        #expect(errorCode(other.receive(auth(me), now: 0)) == .badSignature)
        var several = ConnectionStateMachine(challenge: challenge, relayID: Self.relayID, origins: ["wss://a.example:443", Self.origin],
                                             settings: settings)
        guard case .authenticated = several.receive(auth(me), now: 0) else { Issue.record("any listed origin signs in"); return }
    }

    @Test func anotherProtocolVersionIsRefused() {
        var m = ConnectionStateMachine(challenge: challenge, relayID: Self.relayID, origins: [Self.origin], settings: settings)
        let a = m.receive(auth(me, version: 1), now: 0)
        guard case .fail(let e) = a else { Issue.record("expected fail, got \(a)"); return }
        #expect(e.code == .unsupportedVersion)
    }

    @Test func authDeadline() {
        var waiting = ConnectionStateMachine(challenge: challenge, relayID: Self.relayID, origins: [Self.origin], settings: settings)
        #expect(errorCode(waiting.authDeadlinePassed()) == .authTimeout)
        var done = authenticated()
        let action = done.authDeadlinePassed()
        #expect(action == .none)
    }

    @Test func roomFramesNeedAJoinedRoom() {
        var m = authenticated()
        let junk = WireBytes([UInt8](repeating: 1, count: 40))
        let frames: [ClientFrame] = [
            .send(.init(roomID: "r", clientID: "c", ciphertext: token)),
            .approve(.init(roomID: "r", knockID: "k", commit: junk)),
            .deny(.init(roomID: "r", knockID: "k")),
            .commit(.init(roomID: "r", commit: junk)),
        ]
        for f in frames { #expect(errorCode(m.receive(f, now: 0)) == .notMember, "\(f.type)") }
        // A pending knock changes nothing.
        m.didKnock(room: "r", knockID: "k")
        for f in frames { #expect(errorCode(m.receive(f, now: 0)) == .notMember, "\(f.type) while knocking") }
        m.knockEnded("k")
        m.didJoin("r")
        #expect(m.receive(frames[0], now: 0) == .send(.init(roomID: "r", clientID: "c", ciphertext: token)))
        #expect(m.receive(frames[2], now: 0) == .deny(.init(roomID: "r", knockID: "k")))
        // Joined to r is not joined to s.
        #expect(errorCode(m.receive(.send(.init(roomID: "s", clientID: "c", ciphertext: token)), now: 0)) == .notMember)
        m.didLeave("r")
        #expect(errorCode(m.receive(frames[0], now: 0)) == .notMember)
    }

    @Test func sendErrorsNameTheClientID() {
        var m = authenticated()
        guard case .reply(.error(let e)) = m.receive(.send(.init(roomID: "r", clientID: "c-9", ciphertext: token)), now: 0) else {
            Issue.record("expected an error"); return
        }
        #expect(e.roomID == "r" && e.clientID == "c-9")
    }

    @Test(arguments: [
        (ClientFrame.join(.init(roomID: "bad room")), ErrorCode.malformedFrame),
        (.join(.init(roomID: "r", afterSeq: -1)), .malformedFrame),
        (.join(.init(roomID: "r", proof: WireBytes([1]))), .malformedFrame),
        (.knock(.init(binding: WireBytes([]))), .malformedFrame),
        (.knock(.init(roomID: "r", code: "123456", binding: WireBytes([]))), .malformedFrame),
        (.knock(.init(code: "12345", binding: WireBytes([]))), .badCode),
        (.knock(.init(roomID: "r", name: "a\u{0}b", binding: WireBytes([]))), .malformedFrame),
        (.knock(.init(roomID: "r", note: String(repeating: "n", count: 281), binding: WireBytes([]))), .malformedFrame),
        (.knock(.init(roomID: "r", binding: WireBytes([UInt8](repeating: 0, count: 64)))), .badSignature),
        (.createRoom(.init(roomID: "r", policy: .open, commit: WireBytes([]), signature: WireBytes([UInt8](repeating: 0, count: 64)))), .wrongPolicy),
    ])
    func malformedRequests(frame: ClientFrame, code: ErrorCode) {
        var m = authenticated()
        #expect(errorCode(m.receive(frame, now: 0)) == code)
    }

    @Test func sendChecksIDsAndCiphertextShape() {
        var m = authenticated()
        m.didJoin("r")
        #expect(errorCode(m.receive(.send(.init(roomID: "r", clientID: "with space", ciphertext: token)), now: 0)) == .malformedFrame)
        #expect(errorCode(m.receive(.send(.init(roomID: "r", clientID: "c", ciphertext: "plain text, not a token")), now: 0))
            == .malformedFrame)
    }

    func createFrame(_ policy: RoomPolicy, ttl: UInt64? = nil, maxMembers: UInt32? = nil, signer: Identity? = nil,
                     founder: Identity? = nil) -> ClientFrame {
        let roomKey = FernetKey.generate().rawRepresentation
        let access: [UInt8]? = policy == .open ? try! RoomAccess.signingKey(roomKey: roomKey, roomID: "r").publicKey.rawRepresentation : nil
        let payload = SignedPayload.createRoom(roomID: "r", policy: policy, ttlSeconds: ttl ?? 86400, maxMembers: maxMembers ?? 50,
                                               accessKey: access)
        let sig = try! (signer ?? me).signingKey.signature(for: payload)
        let owner = founder ?? me
        let genesis = try! GroupCommitBuilder.create(roomID: "r", policy: policy, key: roomKey, owner: owner.signingKey,
                                                     ownerAgreementKey: owner.agreementKey.publicKey.rawRepresentation)
        return .createRoom(.init(roomID: "r", policy: policy, ttlSeconds: ttl, maxMembers: maxMembers, accessKey: access.map { WireBytes($0) },
                                 commit: WireBytes(genesis.bytes), signature: WireBytes(sig)))
    }

    @Test func createRoomChecksLimitsAndTheCreatorsSignature() {
        var m = authenticated()
        guard case .createRoom(_, let ttl, let max, _) = m.receive(createFrame(.open), now: 0) else { Issue.record("refused"); return }
        #expect(ttl == 86400 && max == 50)
        #expect(errorCode(m.receive(createFrame(.approval, signer: .generate()), now: 0)) == .badSignature)
        // The room's group state must be founded by the creator itself.
        #expect(errorCode(m.receive(createFrame(.approval, founder: .generate()), now: 0)) == .badCommit)
        guard case .reply(.error(let long)) = m.receive(createFrame(.approval, ttl: 31 * 86400), now: 0) else { Issue.record("accepted"); return }
        #expect(long.code == .ttlTooLong && long.limit == .ttlSeconds)
        guard case .reply(.error(let big)) = m.receive(createFrame(.approval, maxMembers: 51), now: 0) else { Issue.record("accepted"); return }
        #expect(big.code == .roomFull && big.limit == .membersPerRoom)
    }

    @Test func commitsMustBeTheConnectionsOwn() throws {
        var m = authenticated()
        m.didJoin("r")
        let key = FernetKey.generate().rawRepresentation
        let state = try GroupState(genesis: try GroupCommitBuilder.create(roomID: "r", policy: .approval, key: key, owner: me.signingKey,
                                                                          ownerAgreementKey: me.agreementKey.publicKey.rawRepresentation),
                                   pinnedOwner: nil)
        let mine = try GroupCommitBuilder.rotate(state, newKey: FernetKey.generate().rawRepresentation, by: me.signingKey)
        guard case .commit = m.receive(.commit(.init(roomID: "r", commit: WireBytes(mine.bytes))), now: 0) else { Issue.record("refused"); return }
        let other = Identity.generate()
        let theirs = try GroupCommitBuilder.leave(state, by: other.signingKey)
        #expect(errorCode(m.receive(.commit(.init(roomID: "r", commit: WireBytes(theirs.bytes))), now: 0)) == .badCommit)
        var tampered = mine
        tampered.keyID = [UInt8](repeating: 9, count: 32)
        #expect(errorCode(m.receive(.commit(.init(roomID: "r", commit: WireBytes(tampered.bytes))), now: 0)) == .badCommit)
        #expect(errorCode(m.receive(.commit(.init(roomID: "r", commit: WireBytes([1, 2, 3]))), now: 0)) == .badCommit)
        // An add belongs in approve, not in commit.
        let add = try GroupCommitBuilder.add(state, joiner: other.signingKey.publicKey.rawRepresentation,
                                             joinerAgreementKey: other.agreementKey.publicKey.rawRepresentation, key: key, by: me.signingKey)
        #expect(errorCode(m.receive(.commit(.init(roomID: "r", commit: WireBytes(add.bytes))), now: 0)) == .badCommit)
    }

    @Test func theTokenBucketAllowsTheBurstThenTheRate() {
        var m = authenticated()
        m.didJoin("r")
        let send = ClientFrame.send(.init(roomID: "r", clientID: "c", ciphertext: token))
        var accepted = 0
        for _ in 0..<100 where m.receive(send, now: 10) == send.asAction { accepted += 1 }
        #expect(accepted == 40)
        guard case .reply(.error(let e)) = m.receive(send, now: 10) else { Issue.record("not limited"); return }
        #expect(e.code == .rateLimited && e.limit == .messagesPerSecond && e.clientID == "c")
        // One second later, 20 more; pings are free.
        #expect(m.receive(.ping(.init()), now: 10) == .reply(.pong(.init())))
        accepted = 0
        for _ in 0..<100 where m.receive(send, now: 11) == send.asAction { accepted += 1 }
        #expect(accepted == 20)
    }

    /// A send refused for the rate holds back every later send of the connection to that room
    /// until it comes again, so the relay never commits a later message of the sender first.
    @Test func aRefusedSendHoldsBackTheOnesAfterIt() {
        var m = authenticated()
        m.didJoin("r")
        m.didJoin("other")
        func send(_ id: String, room: String = "r") -> ClientFrame { .send(.init(roomID: room, clientID: id, ciphertext: token)) }
        for i in 0..<40 { #expect(m.receive(send("m\(i)"), now: 10) == send("m\(i)").asAction) }
        guard case .reply(.error(let refused)) = m.receive(send("a"), now: 10) else { Issue.record("not limited"); return }
        #expect(refused.code == .rateLimited && refused.clientID == "a" && refused.retryAfterMs == 50)
        #expect(m.heldSends == ["r": "a"])
        // Tokens are back, but "b" comes after the refused "a": refused too, with no token taken.
        guard case .reply(.error(let held)) = m.receive(send("b"), now: 11) else { Issue.record("b went first"); return }
        #expect(held.code == .rateLimited && held.clientID == "b" && held.retryAfterMs == 0)
        // Another room is not held back.
        #expect(m.receive(send("x", room: "other"), now: 11) == send("x", room: "other").asAction)
        // "a" again ends the hold; then "b" goes.
        #expect(m.receive(send("a"), now: 11) == send("a").asAction)
        #expect(m.heldSends.isEmpty)
        #expect(m.receive(send("b"), now: 11) == send("b").asAction)
        // Leaving the room ends a hold too.
        for i in 0..<40 { _ = m.receive(send("n\(i)"), now: 11) }
        #expect(m.heldSends["r"] != nil)
        m.didLeave("r")
        #expect(m.heldSends.isEmpty)
    }

    @Test func tokenBucketSaysHowLongToWait() {
        var b = TokenBucket(rate: 4, capacity: 1)
        let took = b.take(now: 0)
        #expect(took && b.wait(now: 0) == 0.25)
        #expect(b.wait(now: 0.125) == 0.125 && b.wait(now: 1) == 0)
    }

    @Test func oversizedFramesNameTheLimit() {
        var m = authenticated()
        guard case .reply(.error(let e)) = m.receiveOversized(bytes: 70_000, now: 0) else { Issue.record("no error"); return }
        #expect(e.code == .frameTooLarge && e.limit == .frameBytes && e.message.contains("65536"))
        #expect(errorCode(m.receiveUndecodable(.unknownType("fly"), now: 0)) == .unknownType)
    }
}

extension ClientFrame {
    var asAction: ConnectionStateMachine.Action {
        if case .send(let s) = self { return .send(s) }
        return .none
    }
}

@Suite struct LimitPrimitivesTests {
    @Test func tokenBucketRefills() {
        var b = TokenBucket(rate: 2, capacity: 3)
        #expect((0..<5).filter { _ in b.take(now: 0) }.count == 3)
        let early = b.take(now: 0.4), onTime = b.take(now: 0.5)
        #expect(!early && onTime)
        #expect((0..<10).filter { _ in b.take(now: 100) }.count == 3)
        // A clock that goes backwards refills nothing.
        let backwards = b.take(now: 50)
        #expect(!backwards)
    }

    @Test func slidingWindowForgets() {
        var w = SlidingWindow(window: 60, limit: 2)
        w.record("a", now: 0); w.record("a", now: 1)
        let a59 = w.allows("a", now: 59), b59 = w.allows("b", now: 59), a60 = w.allows("a", now: 60.5)
        #expect(!a59 && b59 && a60)
    }

    @Test func aConnectionThatStopsReadingIsCutOff() {
        let c = RelayConnection(id: 1, address: "x", challenge: [], settings: .init(RelayLimits()), outbox: 4, channel: nil)
        for _ in 0..<4 { c.send(.pong(.init())) }
        #expect(!c.isDead)
        c.send(.pong(.init()))
        #expect(c.isDead)
        #expect(c.machine.withLockedValue { $0.phase } == .closed)
    }

    @Test func joinCodesAreSixDigitsAndUnique() {
        let book = KnockBook()
        let rooms = (0..<2000).map { "room\($0)" }
        let codes = book.rotateCodes(rooms: rooms, expiresAt: 10)
        #expect(codes.count == 2000)
        #expect(Set(codes.map(\.code)).count == 2000)
        #expect(codes.allSatisfy { Validation.isJoinCode($0.code) })
        #expect(book.room(forCode: codes[7].code) == "room7")
        // Not sequential, not clustered: a few thousand uniform draws spread over the range.
        let values = codes.map { Int($0.code)! }
        #expect(values.min()! < 100_000 && values.max()! > 900_000)
        let next = book.rotateCodes(rooms: ["room7"], expiresAt: 20)
        #expect(book.room(forCode: codes[8].code) == nil || next[0].code == codes[8].code)
    }
}
