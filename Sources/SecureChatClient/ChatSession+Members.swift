import SecureChatCore
import SecureChatCrypto
import SecureChatWire

/// The roster, trust on first use, knocks and approvals, removals and the key rotation after them.
extension ChatSession {
    /// A member as the interface shows it; one never seen is "unknown" without a fingerprint.
    func view(_ key: [UInt8]) -> Member {
        let p = people[key]
        let agreement = p?.agreementKey ?? knownAgreementKey(for: key)
        let identity = agreement.flatMap { PublicIdentity(signing: key, agreement: $0) }
        return Member(signingKey: key, agreementKey: agreement, name: p?.name ?? "unknown", role: p?.role ?? .member,
                      online: p?.online ?? false, fingerprint: identity?.fingerprint,
                      verified: identity.map(knownKeys.isVerified) ?? false, isSelf: key == me)
    }

    /// A member seen in an earlier session has its full identity in the known keys.
    func knownAgreementKey(for key: [UInt8]) -> [UInt8]? {
        knownKeys.entries.first { $0.identity.signingKey.rawRepresentation == key }?.identity.agreementKey.rawRepresentation
    }

    mutating func roster(_ r: ServerFrame.Roster, now: UInt64) -> [Action] {
        members = r.members.map(\.member.bytes)
        var actions = [Action]()
        var changedKeys = false
        for m in r.members {
            people[m.member.bytes] = Person(name: m.name, agreementKey: m.agreementKey.bytes, role: m.role, online: m.online)
            if let (notice, changed) = observe(m.member.bytes, now: now) {
                changedKeys = changedKeys || changed
                if let notice { actions.append(.emit(.notice(notice))) }
            }
        }
        if changedKeys { actions.append(.emit(.knownKeysChanged(knownKeys))) }
        return [.emit(.rosterChanged(roster))] + actions
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
        }
    }

    mutating func knockNotice(_ k: ServerFrame.KnockNotice) -> [Action] {
        guard !pendingKnocks.contains(where: { $0.knockID == k.knockID }) else { return [] }
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

    /// We were let in: check the approver's signature, open the room key, then join.
    mutating func approved(_ a: ServerFrame.Approved, now: UInt64) -> [Action] {
        guard phase == .knocking, a.roomID == roomID, let roomID else { return [] }
        let payload = SignedPayload.approve(roomID: roomID, joiner: me, enc: a.enc.bytes, ct: a.ct.bytes)
        guard let approver = try? Curve25519.Signing.PublicKey(rawRepresentation: a.approver.bytes),
              approver.isValidSignature(a.signature.bytes, for: payload),
              let key = RoomKeySeal.open(enc: a.enc.bytes, ct: a.ct.bytes, identity: config.identity, roomID: roomID) else {
            phase = .finished
            return [.finish(.notAdmitted("the approval did not verify: its signature or sealed room key is not valid"))]
        }
        if !verifier.keys.contains(key) { verifier.keys.insert(key, at: 0) }
        knockID = nil
        phase = .joining
        return [.emit(.roomKeysChanged(verifier.keys)),
                .emit(.notice(Notice(kind: .approved, by: view(a.approver.bytes), time: Int64(clamping: now)))),
                .write(.join(.init(roomID: roomID, afterSeq: lastSeq)))]
    }

    mutating func event(_ e: ServerFrame.Event, now: UInt64) -> [Action] {
        let member = e.member?.bytes
        var actions = [Action]()
        switch e.event {
        case .join:
            guard let member else { return [] }
            if people[member] == nil { people[member] = Person(name: e.name ?? "unknown") }
            if let name = e.name { people[member]?.name = name }
            if !members.contains(member) { members.append(member) }
            actions += [.emit(.rosterChanged(roster))]
            if people[member]?.agreementKey == nil, knownAgreementKey(for: member) == nil {
                // The join event names the signing key only; a fresh roster brings the rest.
                actions += refreshRoster()
            } else if let (notice, changed) = observe(member, now: now) {
                if let notice { actions.append(.emit(.notice(notice))) }
                if changed { actions.append(.emit(.knownKeysChanged(knownKeys))) }
            }
        case .approve:
            if let member {
                pendingKnocks.removeAll { $0.member.signingKey == member }
                if !members.contains(member) { members.append(member) }
                if let name = e.name { people[member, default: Person(name: name)].name = name }
                actions += [.emit(.knocksChanged(pendingKnocks)), .emit(.rosterChanged(roster))]
                if let (notice, changed) = observe(member, now: now) {
                    if let notice { actions.append(.emit(.notice(notice))) }
                    if changed { actions.append(.emit(.knownKeysChanged(knownKeys))) }
                }
            }
        case .deny, .withdraw, .knockExpired:
            if let member { pendingKnocks.removeAll { $0.member.signingKey == member } }
            actions.append(.emit(.knocksChanged(pendingKnocks)))
        case .leave, .remove:
            if let member { members.removeAll { $0 == member } }
            actions.append(.emit(.rosterChanged(roster)))
        case .expire:
            phase = .finished
            return [.emit(.notice(Notice(kind: .expire, time: e.time))), .finish(.roomExpired)]
        }
        let kind = Notice.Kind(rawValue: e.event.rawValue) ?? .join
        var who = member.map(view)
        if let name = e.name, who != nil { who!.name = name }
        actions.append(.emit(.notice(Notice(kind: kind, member: who, by: e.by.map { view($0.bytes) }, time: e.time))))
        if e.event == .remove, let member, member == removing, e.by?.bytes == me {
            removing = nil
            rotationDue = true
            actions += rotateKey(now: now)
        }
        return actions
    }

    /// Reconnects to receive a fresh roster; history resumes where it stopped, so nothing is
    /// lost or repeated.
    mutating func refreshRoster() -> [Action] {
        guard phase == .live, !refreshingRoster else { return [] }
        refreshingRoster = true
        phase = .disconnected
        return [.reconnect(after: .zero)]
    }

    // MARK: intents

    /// Lets in the knock of `who` (a name, a fingerprint prefix or a knock id): the room key
    /// goes to the joiner sealed to its agreement key, signed by us.
    public mutating func approve(_ who: String) -> [Action] {
        guard phase == .live, let roomID, let key = verifier.keys.first else { return [.emit(.problem("not in the room yet"))] }
        let knock: PendingKnock
        switch Self.select(who, in: pendingKnocks.map { ($0.member, $0.knockID) }) {
        case .failure(let why): return [.emit(.problem(why.message(for: who, what: "knock")))]
        case .success(let i): knock = pendingKnocks[i]
        }
        guard let a = knock.member.agreementKey, let recipient = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: a),
              let sealed = try? RoomKeySeal.seal(key, to: recipient, roomID: roomID),
              let signature = try? config.identity.signingKey.signature(
                for: SignedPayload.approve(roomID: roomID, joiner: knock.member.signingKey, enc: sealed.enc, ct: sealed.ct)) else {
            return [.emit(.problem("could not seal the room key to \(knock.member.name)"))]
        }
        return [.write(.approve(.init(roomID: roomID, knockID: knock.knockID, enc: WireBytes(sealed.enc), ct: WireBytes(sealed.ct),
                                      signature: WireBytes(signature))))]
    }

    public mutating func deny(_ who: String, reason: String? = nil) -> [Action] {
        guard phase == .live, let roomID else { return [.emit(.problem("not in the room yet"))] }
        switch Self.select(who, in: pendingKnocks.map { ($0.member, $0.knockID) }) {
        case .failure(let why): return [.emit(.problem(why.message(for: who, what: "knock")))]
        case .success(let i): return [.write(.deny(.init(roomID: roomID, knockID: pendingKnocks[i].knockID, reason: reason)))]
        }
    }

    /// Removes a member (owner only); once the relay confirms, the room key is rotated to
    /// everyone who remains.
    public mutating func remove(_ who: String) -> [Action] {
        guard phase == .live, let roomID else { return [.emit(.problem("not in the room yet"))] }
        guard role == .owner else { return [.emit(.problem("only the room's owner can remove members"))] }
        let others = roster.filter { !$0.isSelf }
        switch Self.select(who, in: others.map { ($0, nil) }) {
        case .failure(let why): return [.emit(.problem(why.message(for: who, what: "member")))]
        case .success(let i):
            removing = others[i].signingKey
            return [.write(.remove(.init(roomID: roomID, member: WireBytes(others[i].signingKey))))]
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

    /// A new room key sealed to every remaining member (us included, so that our other sessions
    /// and our own history get it), and for an open room the access key derived from it.
    mutating func rotateKey(now: UInt64) -> [Action] {
        guard let roomID else { return [] }
        let current = roster
        if current.contains(where: { $0.agreementKey == nil }) {
            return refreshRoster()
        }
        rotationDue = false
        let key = FernetKey.generate()
        var sealedKeys = [ClientFrame.SealedKey]()
        for m in current {
            guard let a = m.agreementKey, let recipient = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: a),
                  let sealed = try? RoomKeySeal.seal(key, to: recipient, roomID: roomID),
                  let signature = try? config.identity.signingKey.signature(
                    for: SignedPayload.rotateKey(roomID: roomID, member: m.signingKey, enc: sealed.enc, ct: sealed.ct)) else { continue }
            sealedKeys.append(.init(member: WireBytes(m.signingKey), enc: WireBytes(sealed.enc), ct: WireBytes(sealed.ct),
                                    signature: WireBytes(signature)))
        }
        var accessKey: [UInt8]? = nil
        if policy == .open {
            accessKey = try? RoomAccess.signingKey(roomKey: key.rawRepresentation, roomID: roomID).publicKey.rawRepresentation
        }
        guard let signature = try? config.identity.signingKey.signature(for: SignedPayload.rotate(roomID: roomID, accessKey: accessKey)) else {
            return [.emit(.problem("could not sign the key rotation"))]
        }
        return [.write(.rotate(.init(roomID: roomID, accessKey: accessKey.map(WireBytes.init), sealedKeys: sealedKeys,
                                     signature: WireBytes(signature))))]
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
