import SecureChatCore
import SecureChatCrypto
import SecureChatGroup
import SecureChatWire

/// The room's group state (docs/protocol.md, "Group state"): the chain of commits decides who
/// is a member and which room key is current; the relay's roster and events only name people.
extension ChatSession {
    /// How long after a key is replaced messages under it are still accepted (in flight when the
    /// commit landed), in the relay's seconds.
    static let retiredKeyGrace: Int64 = 60

    /// One commit of the chain, from the join's replay or live.
    mutating func commitFrame(_ f: ServerFrame.Commit, now: UInt64) -> [Action] {
        if f.seq > 0 { _ = receiveSeq(f.seq) }
        let c: GroupCommit
        do { c = try GroupCommit(parsing: f.commit.bytes) } catch {
            return [.emit(.problem("the relay sent a group change that is not a commit (\(error)); it was ignored"))]
        }
        if let group, c.epoch <= group.epoch {
            // The chain again, on a reconnect: the commit we hold at that epoch must be this one.
            if c.epoch == group.epoch, c.hash != group.head { return groupRejected("the relay showed another commit for epoch \(c.epoch)") }
            return []
        }
        // The commit this client applied last time at this epoch, and no other: the chain shown
        // must pass through it, so a relay can neither fork the room nor roll it back.
        if let kept = config.resume.groupEpoch, c.epoch == kept, let head = config.resume.groupHead, c.hash != head {
            return groupRejected("the relay showed another commit for epoch \(kept) than the one this client applied before")
        }
        let previous = group
        let next: GroupState
        do {
            if let previous { next = try previous.applying(c) } else {
                next = try GroupState(genesis: c, pinnedOwner: config.ownerPin)
                // The room this session means, with the policy its link or room file says.
                var expected: RoomPolicy?
                if case .room(_, let p) = config.target { expected = p }
                guard c.roomID == roomID, expected == nil || c.policy == expected else { throw GroupRuleError.wrongRoom }
            }
            if c.kind == .create, policy == .open, let key = key(withID: c.keyID) { try GroupKeys.check(key: key.rawRepresentation, against: c) }
        } catch {
            return [.emit(.problem("the relay sent a group change that breaks the room's rules, which was ignored: \(error)"))]
        }
        var actions = [Action]()
        do {
            if let raw = try GroupKeys.openSealed(c, member: me, privateKey: config.identity.agreementKey),
               let key = try? FernetKey(rawRepresentation: raw), !verifier.keys.contains(key) {
                verifier.keys.insert(key, at: 0)
                actions.append(.emit(.roomKeysChanged(verifier.keys)))
            }
        } catch {
            return [.emit(.problem("a group change by \(view(c.author).name) does not carry a room key we can use (\(error)); it was ignored"))]
        }
        if let previous, previous.keyID != next.keyID {
            retiredKeys[previous.keyID] = (seq: f.seq, time: f.time)
        }
        switch c.kind {
        case .create, .add, .join: memberships[c.subject, default: []].append((from: f.seq, to: nil))
        case .remove, .leave:
            if let last = memberships[c.subject]?.indices.last { memberships[c.subject]?[last].to = f.seq }
        case .rotate: break
        }
        if previous == nil, config.ownerPin == nil { actions.append(.emit(.ownerPinned(next.owner))) }
        group = next
        if sentCommit?.hash == c.hash {
            sentCommit = nil
            commitBackoff.reset()
        }
        if c.kind == .remove, c.subject == removing { removing = nil }
        syncPeople(with: next)
        actions.append(.emit(.rosterChanged(roster)))
        if [.create, .add, .join].contains(c.kind), let (notice, changed) = observe(c.subject, now: now) {
            if let notice { actions.append(.emit(.notice(notice))) }
            if changed { actions.append(.emit(.knownKeysChanged(knownKeys))) }
        }
        actions += commitNotice(c, time: f.time, history: isInitialHistory(f.seq))
        actions.append(.emit(.resumeStateChanged(resumeState)))
        if phase == .live { actions += groupDuties() + transmit(now: now) }
        return actions
    }

    /// The chain's members, with the agreement keys it states (never the relay's).
    mutating func syncPeople(with state: GroupState) {
        members = state.members.map(\.signingKey)
        for m in state.members {
            people[m.signingKey, default: Person(name: "unknown")].agreementKey = m.agreementKey
            people[m.signingKey]?.role = m.signingKey == state.owner ? .owner : .member
        }
        role = state.owner == me ? .owner : .member
    }

    func commitNotice(_ c: GroupCommit, time: Int64, history: Bool) -> [Action] {
        guard !history || config.showHistory else { return [] }
        let kind: Notice.Kind
        switch c.kind {
        case .create: return []
        case .add: kind = .approve
        case .join: kind = .join
        case .remove: kind = .remove
        case .leave: kind = .leave
        case .rotate: kind = .rotate
        }
        let subject = c.kind == .rotate ? nil : view(c.subject)
        let by = c.kind == .add || c.kind == .remove || c.kind == .rotate ? view(c.author) : nil
        var notices = [Action.emit(.notice(Notice(kind: kind, member: subject, by: by, time: time)))]
        // A removal replaces the key in the same step: say so, as a rotation would.
        if c.kind == .remove { notices.append(.emit(.notice(Notice(kind: .rotate, by: view(c.author), time: time)))) }
        return notices
    }

    /// The room key with this id among the keys held, if any.
    func key(withID id: [UInt8]?) -> FernetKey? {
        guard let id, let roomID else { return nil }
        return verifier.keys.first { GroupKeys.keyID(roomID: roomID, key: $0.rawRepresentation) == id }
    }

    /// The key to encrypt with: the chain's current key, once we are a member, while the key is
    /// not stale (someone left and still holds it) and no removal of ours is waiting to land (the
    /// member being removed still holds it).
    var sendingKey: FernetKey? {
        guard let group, group.isMember(me), !group.isKeyStale, removing == nil else { return nil }
        return key(withID: group.keyID)
    }

    /// Whether `sender` was a member when the relay sequenced `seq`, as the chain says.
    func wasMember(_ sender: [UInt8], at seq: Int64) -> Bool {
        guard group != nil else { return true }
        return memberships[sender]?.contains { $0.from <= seq && ($0.to.map { seq < $0 } ?? true) } ?? false
    }

    /// What the chain asks of us once live: enter it (open room), rotate a stale key, finish a
    /// removal or a leave that has not landed yet. One commit in flight at a time.
    mutating func groupDuties() -> [Action] {
        guard phase == .live, sentCommit == nil, let group else { return [] }
        let identity = config.identity
        let built: GroupCommit?
        if leaving {
            built = group.isMember(me) ? try? GroupCommitBuilder.leave(group, by: identity.signingKey) : nil
        } else if !group.isMember(me) {
            guard policy == .open, let key = key(withID: group.keyID) else { return [] }
            built = try? GroupCommitBuilder.join(group, key: key.rawRepresentation,
                                                 agreementKey: identity.agreementKey.publicKey.rawRepresentation, by: identity.signingKey)
        } else if let target = removing {
            guard group.isMember(target), group.owner == me else { removing = nil; return [] }
            built = try? GroupCommitBuilder.remove(group, member: target, newKey: FernetKey.generate().rawRepresentation, by: identity.signingKey)
        } else if group.isKeyStale, group.mayRotate(me) {
            built = try? GroupCommitBuilder.rotate(group, newKey: FernetKey.generate().rawRepresentation, by: identity.signingKey)
        } else {
            built = nil
        }
        guard let built, let roomID else { return [] }
        sentCommit = built
        return [.write(.commit(.init(roomID: roomID, commit: WireBytes(built.bytes))))]
    }

    /// The relay refused our commit: try again later, rebuilt on the newest state, while it still applies.
    mutating func commitRefused(_ e: ErrorFrame) -> [Action] {
        sentCommit = nil
        let delay = commitBackoff.next()
        var actions: [Action] = [.retry(after: delay)]
        if e.code != .rateLimited { actions.insert(.emit(.problem("the relay refused a change to the room (\(e.message)); trying again")), at: 0) }
        return actions
    }

    /// The keys a message may be under: the current ones, and retired ones for messages the relay
    /// sequenced before the retirement or stamped within the grace after it.
    func acceptableKeys(seq: Int64, time: Int64) -> [FernetKey] {
        guard let roomID else { return verifier.keys }
        let known = Set((group?.keyHistory ?? []).map(\.id))
        return verifier.keys.filter { key in
            let id = GroupKeys.keyID(roomID: roomID, key: key.rawRepresentation)
            guard group == nil || known.contains(id) else { return false }
            guard let retired = retiredKeys[id] else { return true }
            return seq < retired.seq || time <= retired.time.addingReportingOverflow(Self.retiredKeyGrace).partialValue
        }
    }

    /// The relay showed a chain that does not extend the one we hold: stop.
    mutating func groupRejected(_ why: String) -> [Action] {
        phase = .finished
        return [.finish(.untrustedRelay(why))]
    }

    /// After the replay: the chain must reach at least as far as the one we kept last time.
    mutating func checkCheckpoint() -> [Action]? {
        guard let epoch = config.resume.groupEpoch, let head = config.resume.groupHead else { return nil }
        guard let group, group.epoch >= epoch else {
            return groupRejected("the relay showed an older group state (epoch \(group?.epoch ?? 0)) than this client kept (epoch \(epoch))")
        }
        if group.epoch == epoch, group.head != head { return groupRejected("the relay showed another group state for epoch \(epoch)") }
        return nil
    }

    /// Leaves the room: a `leave` commit (the owner cannot leave; the room ends when it expires).
    public mutating func leave(now: UInt64) -> [Action] {
        guard phase == .live, let group else { return [.emit(.problem("not in the room yet"))] }
        guard group.owner != me else { return [.emit(.problem("you own this room: it ends when it expires, and owners cannot leave it"))] }
        leaving = true
        return groupDuties()
    }
}
