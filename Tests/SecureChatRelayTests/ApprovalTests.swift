import SecureChatCore
import SecureChatCrypto
import SecureChatGroup
@testable import SecureChatRelay
import SecureChatWire
import Testing

/// Approval rooms, from a knock to the key hand-over, and every way around it that must fail.
@Suite struct ApprovalTests {
    @Test func fromKnockToKeyHandOver() async throws {
        try await TestRelay.with { live in
            let room = TestRoom.make(.approval)
            let owner = try await live.connect("Owner"), member = try await live.connect("Member")
            try await owner.create(room, secrets: live.secrets)
            let (_, frames) = try await owner.join(room)
            guard let code = frames.compactMap({ f -> ServerFrame.Code? in if case .code(let c) = f { c } else { nil } }).first else {
                Issue.record("members are shown the join code"); return
            }
            #expect(Validation.isJoinCode(code.code))
            live.secrets.add("join code", text: "\"\(code.code)\"")
            owner.say("said before Joiner arrived", in: room, clientID: "early", secrets: live.secrets)
            _ = try await owner.ack("early")

            // A stranger with the code and the relay's address knocks.
            let joiner = try await live.connect("Joiner")
            let knocked = try await joiner.knock(code: code.code, note: "it's me, from the meetup")
            #expect(knocked.roomID == room.id)
            let notice = try await owner.until { if case .knock(let k) = $0 { k } else { nil } }
            #expect(notice.knockID == knocked.knockID && notice.member == joiner.key && notice.name == "Joiner")
            #expect(notice.agreementKey == WireBytes(joiner.agreementKey) && notice.note == "it's me, from the meetup")

            // Until approved: nothing of the room, and nothing it sends is accepted.
            joiner.send(.join(.init(roomID: room.id)))
            #expect(try await joiner.error().code == .notMember)
            joiner.say("let me in", in: room, clientID: "sneak")
            #expect(try await joiner.error().code == .notMember)
            owner.say("secret plans", in: room, clientID: "plans", secrets: live.secrets)
            _ = try await owner.ack("plans")
            await joiner.expectSilence()

            // A connection that is not in the room hears nothing of the knock.
            await member.expectSilence()
            let approval = owner.approval(of: notice, room: room)
            owner.send(.approve(approval))
            let approved = try await joiner.until { if case .approved(let a) = $0 { a } else { nil } }
            #expect(try GroupCommit(parsing: approved.commit.bytes).author == owner.signingKey)
            let key = try joiner.open(approved)
            #expect(key == room.key)
            let event = try await owner.until { if case .event(let e) = $0, e.event == .approve { e } else { nil } }
            #expect(event.member == joiner.key && event.by == owner.key)

            // Now a member: join, read the history with the key it was handed, talk.
            let (joined, history) = try await joiner.join(room)
            #expect(joined.role == .member && joined.lastSeq == 3, "two messages and the approval's commit")
            let texts = try history.compactMap { f -> String? in
                guard case .message(let m) = f else { return nil }
                return String(decoding: try Fernet(key: key).decrypt(m.ciphertext, now: 0), as: UTF8.self)
            }
            #expect(texts == ["said before Joiner arrived", "secret plans"])
            joiner.say("thanks!", in: room, secrets: live.secrets)
            #expect(try await owner.hear(in: room).text == "thanks!")
        }
    }

    @Test func pendingKnocksAreShownToMembersWhoJoinLater() async throws {
        try await TestRelay.with { live in
            let room = TestRoom.make(.approval)
            let owner = try await live.connect("Owner")
            try await owner.create(room)
            let joiner = try await live.connect("Joiner")
            let knocked = try await joiner.knock(room: room.id)
            let (_, frames) = try await owner.join(room)
            #expect(frames.contains { if case .knock(let k) = $0 { k.knockID == knocked.knockID } else { false } })
        }
    }

    @Test func denialAndTimeoutAndWithdrawal() async throws {
        try await TestRelay.with({ $0.knockTimeout = 0.5 }) { live in
            let room = TestRoom.make(.approval)
            let owner = try await live.connect("Owner")
            try await owner.create(room)
            try await owner.join(room)

            let denied = try await live.connect("Denied")
            let k1 = try await denied.knock(room: room.id)
            owner.send(.deny(.init(roomID: room.id, knockID: k1.knockID, reason: "not today")))
            let no = try await denied.until { if case .denied(let d) = $0 { d } else { nil } }
            #expect(no.reason == "not today")
            let denyEvent = try await owner.until { if case .event(let e) = $0, e.event == .deny { e } else { nil } }
            #expect(denyEvent.member == denied.key)
            // The knock is over: approving it now does nothing.
            owner.send(.deny(.init(roomID: room.id, knockID: k1.knockID)))
            #expect(try await owner.error().code == .knockNotFound)

            let ignored = try await live.connect("Ignored")
            _ = try await ignored.knock(room: room.id)
            #expect(try await ignored.error(timeout: .seconds(5)).code == .knockTimeout)
            let expired = try await owner.until { if case .event(let e) = $0, e.event == .knockExpired { e } else { nil } }
            #expect(expired.member == ignored.key)

            let leaver = try await live.connect("Leaver")
            let k3 = try await leaver.knock(room: room.id)
            let notice = try await owner.until { if case .knock(let k) = $0, k.knockID == k3.knockID { k } else { nil } }
            leaver.close()
            let withdrawn = try await owner.until { if case .event(let e) = $0, e.event == .withdraw { e } else { nil } }
            #expect(withdrawn.member == leaver.key)
            owner.send(.approve(owner.approval(of: notice, room: room)))
            #expect(try await owner.error().code == .knockNotFound)
        }
    }

    @Test func forgedApprovalsFail() async throws {
        try await TestRelay.with { live in
            let room = TestRoom.make(.approval)
            let owner = try await live.connect("Owner")
            try await owner.create(room, secrets: live.secrets)
            try await owner.join(room)
            let joiner = try await live.connect("Joiner"), accomplice = try await live.connect("Accomplice")
            let knocked = try await joiner.knock(room: room.id)
            _ = try await accomplice.knock(room: room.id)
            let notice = try await owner.until { if case .knock(let k) = $0, k.knockID == knocked.knockID { k } else { nil } }

            // Another knocker (not a member) approves the joiner: refused.
            accomplice.send(.approve(accomplice.approval(of: notice, room: room, apply: false)))
            #expect(try await accomplice.error().code == .notMember)
            // An add commit for someone other than the knocker, or for another room, does not transfer.
            let forAccomplice = try GroupCommitBuilder.add(room.group, joiner: accomplice.signingKey, joinerAgreementKey: accomplice.agreementKey,
                                                           key: room.key.rawRepresentation, by: owner.identity.signingKey)
            owner.send(.approve(.init(roomID: room.id, knockID: notice.knockID, commit: WireBytes(forAccomplice.bytes))))
            #expect(try await owner.error().code == .badCommit)
            var elsewhere = try GroupCommitBuilder.add(room.group, joiner: joiner.signingKey, joinerAgreementKey: joiner.agreementKey,
                                                       key: room.key.rawRepresentation, by: owner.identity.signingKey)
            elsewhere.roomID = "another-room"
            try elsewhere.sign(with: owner.identity.signingKey)
            owner.send(.approve(.init(roomID: room.id, knockID: notice.knockID, commit: WireBytes(elsewhere.bytes))))
            #expect(try await owner.error().code == .badCommit)
            // A commit signed by someone other than the approving connection.
            let outsider = Identity.generate()
            let stolen = try GroupCommitBuilder.add(room.group, joiner: joiner.signingKey, joinerAgreementKey: joiner.agreementKey,
                                                    key: room.key.rawRepresentation, by: outsider.signingKey)
            owner.send(.approve(.init(roomID: room.id, knockID: notice.knockID, commit: WireBytes(stolen.bytes))))
            #expect(try await owner.error().code == .badCommit)
            // A knock id from another room.
            let other = TestRoom.make(.approval)
            try await owner.create(other)
            try await owner.join(other)
            var misfiled = owner.approval(of: notice, room: other, apply: false)
            misfiled.knockID = knocked.knockID
            owner.send(.approve(misfiled))
            #expect(try await owner.error().code == .knockNotFound)

            // None of that reached the joiner or the accomplice, and the joiner is still outside.
            await joiner.expectSilence()
            await accomplice.expectSilence()
            joiner.send(.join(.init(roomID: room.id)))
            #expect(try await joiner.error().code == .notMember)
        }
    }

    @Test func theApprovedKeyGoesOnlyToTheJoiner() async throws {
        try await TestRelay.with { live in
            let room = TestRoom.make(.approval)
            let owner = try await live.connect("Owner"), member = try await live.connect("Member")
            try await owner.create(room)
            try await owner.join(room)
            let j1 = try await live.connect("J1"), j2 = try await live.connect("J2")
            let k1 = try await j1.knock(room: room.id)
            _ = try await j2.knock(room: room.id)
            let notice = try await owner.until { if case .knock(let k) = $0, k.knockID == k1.knockID { k } else { nil } }
            owner.send(.approve(owner.approval(of: notice, room: room)))
            _ = try await j1.until { if case .approved(let a) = $0 { a } else { nil } }
            // Members see an event naming the joiner, never the sealed key.
            let e = try await owner.until { if case .event(let e) = $0, e.event == .approve { e } else { nil } }
            #expect(e.member == j1.key)
            await j2.expectSilence()
            await member.expectSilence()
        }
    }

    @Test func codesKnockOnlyAndAreLimitedPerAddress() async throws {
        try await TestRelay.with({ $0.limits.wrongCodes = 5; $0.limits.knocksPerMinute = 100 }) { live in
            let room = TestRoom.make(.approval)
            let owner = try await live.connect("Owner")
            try await owner.create(room)
            let (_, frames) = try await owner.join(room)
            guard let code = frames.compactMap({ f -> String? in if case .code(let c) = f { c.code } else { nil } }).first else {
                Issue.record("no code"); return
            }
            // Brute force: every wrong guess is refused, and after five the address is blocked,
            // even for the right code.
            let guesser = try await live.connect("Guesser")
            var guess = 0
            var wrong = 0
            while wrong < 5 {
                let g = String(format: "%06d", guess)
                guess += 1
                if g == code { continue }
                guesser.send(.knock(guesser.knockFrame(code: g)))
                #expect(try await guesser.error().code == .badCode)
                wrong += 1
            }
            guesser.send(.knock(guesser.knockFrame(code: code)))
            let blocked = try await guesser.error()
            #expect(blocked.code == .rateLimited && blocked.limit == .wrongCodes)
            // Another connection from the same address is blocked too.
            let again = try await live.connect("Again")
            again.send(.knock(again.knockFrame(code: code)))
            #expect(try await again.error().code == .rateLimited)
            // No knock reached the members.
            await owner.expectSilence()
        }
    }

    @Test func codesChangeEveryInterval() async throws {
        try await TestRelay.with({ $0.codeInterval = 1 }) { live in
            let room = TestRoom.make(.approval)
            let owner = try await live.connect("Owner")
            try await owner.create(room)
            let (_, frames) = try await owner.join(room)
            let first = frames.compactMap { f -> ServerFrame.Code? in if case .code(let c) = f { c } else { nil } }.first
            var next = try await owner.until(timeout: .seconds(5)) { if case .code(let c) = $0 { c } else { nil } }
            #expect(next.roomID == room.id && Validation.isJoinCode(next.code))
            #expect(first != nil && next.expiresAt > first!.expiresAt)
            // The newest code lets a stranger knock. (On a busy machine the code may change again
            // between reading and knocking; then the one after it must work.)
            let joiner = try await live.connect("Joiner")
            for attempt in 1...3 {
                joiner.send(.knock(joiner.knockFrame(code: next.code)))
                let answer = try await joiner.next()
                if case .knocked(let k) = answer {
                    #expect(k.roomID == room.id)
                    return
                }
                guard case .error(let e) = answer, e.code == .badCode, attempt < 3 else {
                    Issue.record("knock with the current code: \(answer)")
                    return
                }
                next = try await owner.until(timeout: .seconds(5)) { if case .code(let c) = $0 { c } else { nil } }
            }
        }
    }

    @Test func knockRules() async throws {
        try await TestRelay.with({ $0.limits.knocksPerMinute = 3 }) { live in
            let open = TestRoom.make(.open), approval = TestRoom.make(.approval)
            let owner = try await live.connect("Owner")
            try await owner.create(open)
            try await owner.create(approval)
            let k = try await live.connect("Knocker")
            k.send(.knock(k.knockFrame(room: open.id)))
            #expect(try await k.error().code == .wrongPolicy)
            owner.send(.knock(owner.knockFrame(room: approval.id)))
            #expect(try await owner.error().code == .alreadyMember)
            k.send(.knock(k.knockFrame(room: "no-such-room")))
            #expect(try await k.error().code == .roomNotFound)
            k.send(.knock(k.knockFrame(room: approval.id)))
            let fourth = try await k.error()
            #expect(fourth.code == .rateLimited && fourth.limit == .knocksPerMinute)
        }
    }
}
