import SecureChatCore
import SecureChatCrypto
import SecureChatGroup
import SecureChatWire

/// Names and presence from the relay, trust on first use, knocks and approvals, removals. Who is
/// a member, and each member's agreement key, come from the group state (ChatSession+Group).
extension ChatSession {
    /// A member as the interface shows it; one never seen is "unknown" without a fingerprint.
    func view(_ key: [UInt8]) -> Member {
        let p = people[key]
        let agreement = p?.agreementKey ?? knownAgreementKey(for: key)
        let identity = agreement.flatMap { PublicIdentity(signing: key, agreement: $0) }
        let name = p?.name ?? "unknown"
        let lookalike = identity.flatMap { id in roomID.flatMap { knownKeys.lookalike(roomID: $0, name: name, identity: id)?.name } }
        return Member(signingKey: key, agreementKey: agreement, name: name, role: p?.role ?? .member,
                      online: p?.online ?? false, fingerprint: identity?.fingerprint,
                      verified: identity.map(knownKeys.isVerified) ?? false, isSelf: key == me, looksLike: lookalike)
    }

    /// A member seen in an earlier session has its full identity in the known keys.
    func knownAgreementKey(for key: [UInt8]) -> [UInt8]? {
        knownKeys.entries.first { $0.identity.signingKey.rawRepresentation == key }?.identity.agreementKey.rawRepresentation
    }

    /// The relay's roster: names and who is online. Its agreement keys and roles are not
    /// trusted; the chain's replace them (and the chain follows the roster on every join).
    mutating func roster(_ r: ServerFrame.Roster, now: UInt64) -> [Action] {
        for m in r.members {
            let stated = group?.member(m.member.bytes)
            var p = people[m.member.bytes] ?? Person(name: m.name)
            if p.nameVersion == 0 { p.name = m.name }
            p.online = m.online
            if group == nil || stated == nil { p.agreementKey = stated?.agreementKey }
            people[m.member.bytes] = p
            _ = applySignedName(m.member.bytes, name: m.name, version: m.nameVersion, signature: m.nameSignature)
        }
        let claim = claimOwnName(now: now)
        if group == nil { return claim }
        return [.emit(.rosterChanged(roster))] + claim
    }

    /// Trust on first use: records the member's identity under its name in this room. Returns a
    /// loud notice when the identity differs from the one first seen, and whether the records changed.
    mutating func observe(_ key: [UInt8], now: UInt64) -> (Notice?, Bool)? {
        guard key != me, let roomID, let p = people[key], let a = p.agreementKey,
              let identity = PublicIdentity(signing: key, agreement: a) else { return nil }
        switch knownKeys.observe(roomID: roomID, name: p.name, identity: identity, now: now) {
        case .known: return (nil, false)
        case .new: return (nil, true)
        case .changed(let previous):
            return (Notice(kind: .keyChanged, member: view(key), time: Int64(clamping: now), detail: previous.fingerprint), true)
        case .looksLike(let name, _):
            return (Notice(kind: .lookalike, member: view(key), time: Int64(clamping: now), detail: name), true)
        }
    }

    mutating func knockNotice(_ k: ServerFrame.KnockNotice) -> [Action] {
        guard !pendingKnocks.contains(where: { $0.knockID == k.knockID }) else { return [] }
        // The knocker's own signature on its agreement key: a relay that swapped in a key of its
        // own would be sealed the room key on approval.
        guard let signer = try? Curve25519.Signing.PublicKey(rawRepresentation: k.member.bytes),
              signer.isValidSignature(k.binding.bytes, for: SignedPayload.agreementKey(k.agreementKey.bytes)) else {
            return [.emit(.problem("a knock whose agreement key is not signed by the knocker was ignored"))]
        }
        if people[k.member.bytes] == nil {
            people[k.member.bytes] = Person(name: k.name, agreementKey: k.agreementKey.bytes)
        } else {
            people[k.member.bytes]?.agreementKey = k.agreementKey.bytes
        }
        var who = view(k.member.bytes)
        who.name = k.name
        let knock = PendingKnock(knockID: k.knockID, member: who, note: k.note, time: k.time)
        pendingKnocks.append(knock)
        return [.emit(.knocksChanged(pendingKnocks)), .emit(.notice(Notice(kind: .knock, member: who, time: k.time, detail: k.note)))]
    }

    mutating func knocked(_ k: ServerFrame.Knocked) -> [Action] {
        guard phase == .knocking else { return [] }
        // The relay names the room of a knock by code; the id becomes a file name later.
        guard Validation.isRoomID(k.roomID) else { return finish(.notAdmitted("the relay named an invalid room id")) }
        if roomID == nil {
            roomID = k.roomID
            verifier = EnvelopeVerifier(roomID: k.roomID, keys: verifier.keys, highestCounters: config.resume.senders)
        }
        knockID = k.knockID
        return [.emit(.waitingForApproval(roomID: k.roomID, expiresAt: k.expiresAt))]
    }

    /// We were let in: the `add` commit must admit us with a key we can open; the key is adopted
    /// once the commit is part of the chain the join brings.
    mutating func approved(_ a: ServerFrame.Approved, now: UInt64) -> [Action] {
        guard phase == .knocking, a.roomID == roomID, let roomID else { return [] }
        guard let c = try? GroupCommit(parsing: a.commit.bytes), c.kind == .add, c.roomID == roomID, c.subject == me,
              c.isSignatureValid, (try? GroupKeys.openSealed(c, member: me, privateKey: config.identity.agreementKey)) != nil else {
            phase = .finished
            return [.finish(.notAdmitted("the approval did not verify: its signature or sealed room key is not valid"))]
        }
        knockID = nil
        phase = .joining
        return [.emit(.notice(Notice(kind: .approved, by: view(c.author), time: Int64(clamping: now)))),
                .write(.join(.init(roomID: roomID, afterSeq: lastSeq)))]
    }

    /// The relay's events: names, and the knocks it ended. Membership changes are shown when
    /// their commits arrive, never on the relay's word.
    mutating func event(_ e: ServerFrame.Event, now: UInt64) -> [Action] {
        let member = e.member?.bytes
        if let member, let name = e.name, [.join, .approve].contains(e.event), (people[member]?.nameVersion ?? 0) == 0 {
            people[member, default: Person(name: name)].name = name
        }
        switch e.event {
        case .name:
            return renamed(e)
        case .join, .approve, .leave, .remove:
            return [.emit(.rosterChanged(roster))]
        case .deny, .withdraw, .knockExpired:
            if let member { pendingKnocks.removeAll { $0.member.signingKey == member } }
            let kind = Notice.Kind(rawValue: e.event.rawValue) ?? .deny
            var who = member.map(view)
            if let name = e.name, who != nil { who!.name = name }
            return [.emit(.knocksChanged(pendingKnocks)),
                    .emit(.notice(Notice(kind: kind, member: who, by: e.by.map { view($0.bytes) }, time: e.time)))]
        case .expire:
            phase = .finished
            return [.emit(.notice(Notice(kind: .expire, time: e.time))), .finish(.roomExpired)]
        }
    }

    // MARK: intents

    /// Lets in the knock of `who` (a name, a fingerprint prefix or a knock id): an `add` commit
    /// with the current room key sealed to the joiner's agreement key, signed by us.
    public mutating func approve(_ who: String) -> [Action] {
        guard phase == .live, let roomID, let group, let key = key(withID: group.keyID) else {
            return [.emit(.problem("not in the room yet"))]
        }
        let knock: PendingKnock
        switch Self.select(who, in: pendingKnocks.map { ($0.member, $0.knockID) }) {
        case .failure(let why): return [.emit(.problem(why.message(for: who, what: "knock")))]
        case .success(let i): knock = pendingKnocks[i]
        }
        guard let a = knock.member.agreementKey,
              let commit = try? GroupCommitBuilder.add(group, joiner: knock.member.signingKey, joinerAgreementKey: a,
                                                       key: key.rawRepresentation, by: config.identity.signingKey) else {
            return [.emit(.problem("could not seal the room key to \(knock.member.name)"))]
        }
        return [.write(.approve(.init(roomID: roomID, knockID: knock.knockID, commit: WireBytes(commit.bytes))))]
    }

    public mutating func deny(_ who: String, reason: String? = nil) -> [Action] {
        guard phase == .live, let roomID else { return [.emit(.problem("not in the room yet"))] }
        switch Self.select(who, in: pendingKnocks.map { ($0.member, $0.knockID) }) {
        case .failure(let why): return [.emit(.problem(why.message(for: who, what: "knock")))]
        case .success(let i): return [.write(.deny(.init(roomID: roomID, knockID: pendingKnocks[i].knockID, reason: reason)))]
        }
    }

    /// Removes a member (owner only): a `remove` commit that carries the new room key, sealed to
    /// everyone who stays; retried until the relay has it.
    public mutating func remove(_ who: String) -> [Action] {
        guard phase == .live, roomID != nil else { return [.emit(.problem("not in the room yet"))] }
        guard group?.owner == me else { return [.emit(.problem("only the room's owner can remove members"))] }
        let others = roster.filter { !$0.isSelf }
        switch Self.select(who, in: others.map { ($0, nil) }) {
        case .failure(let why): return [.emit(.problem(why.message(for: who, what: "member")))]
        case .success(let i):
            removing = others[i].signingKey
            return groupDuties()
        }
    }

    /// Marks `who` verified (or not) after comparing safety numbers.
    public mutating func setVerified(_ who: String, _ verified: Bool) -> [Action] {
        switch Self.select(who, in: roster.filter { !$0.isSelf }.map { ($0, nil) }) {
        case .failure(let why): return [.emit(.problem(why.message(for: who, what: "member")))]
        case .success(let i):
            guard let identity = roster.filter({ !$0.isSelf })[i].publicIdentity else {
                return [.emit(.problem("\(who)'s keys are not known yet"))]
            }
            if verified { knownKeys.markVerified(identity) } else { knownKeys.unmarkVerified(identity) }
            return [.emit(.knownKeysChanged(knownKeys)), .emit(.rosterChanged(roster)),
                    .emit(.verificationChanged(view(identity.signingKey.rawRepresentation)))]
        }
    }

    // MARK: choosing a member by what the user typed

    public enum SelectionError: Error, Equatable {
        case none
        case ambiguous(Int)

        func message(for who: String, what: String) -> String {
            switch self {
            case .none: "no \(what) matches \"\(TerminalText.sanitize(who))\""
            case .ambiguous(let n): "\(n) \(what)s match \"\(TerminalText.sanitize(who))\": give a fingerprint prefix instead"
            }
        }
    }

    /// The one candidate whose name is `who`, or whose fingerprint (or knock id) starts with it.
    static func select(_ who: String, in candidates: [(Member, String?)]) -> Result<Int, SelectionError> {
        let byName = candidates.indices.filter { candidates[$0].0.name == who }
        if byName.count == 1 { return .success(byName[0]) }
        if byName.count > 1 { return .failure(.ambiguous(byName.count)) }
        guard who.count >= 4 else { return .failure(.none) }
        let byPrefix = candidates.indices.filter {
            candidates[$0].0.fingerprint?.hasPrefix(who) == true || candidates[$0].1 == who
        }
        if byPrefix.count == 1 { return .success(byPrefix[0]) }
        return .failure(byPrefix.isEmpty ? .none : .ambiguous(byPrefix.count))
    }
}
