import SecureChatCore
import SecureChatCrypto
import SecureChatWire

/// Names belong to their members (docs/protocol.md, "Names"): a member signs the name it goes by
/// in a room, with a version above its earlier ones; the relay stores and passes the statement
/// on, and every client checks the signature and keeps the newest. A name the relay merely
/// repeats (the one a member signed in with) counts only until the member has signed one.
extension ChatSession {
    /// Applies a member's statement of its name if it verifies and is newer than the one held;
    /// returns the name it replaced.
    mutating func applySignedName(_ member: [UInt8], name: String, version: UInt64?, signature: WireBytes?) -> String? {
        guard let version, let signature, let roomID, Validation.isDisplayName(name),
              (1...Validation.maxNameVersion).contains(version), version > (people[member]?.nameVersion ?? 0),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: member),
              key.isValidSignature(signature.bytes, for: SignedPayload.memberName(roomID: roomID, version: version, name: name)) else {
            return nil
        }
        let old = people[member]?.name ?? name
        people[member, default: Person(name: name)].name = name
        people[member]?.nameVersion = version
        if member == me, sentName == version { sentName = nil }
        return old
    }

    /// `event name`: shown when it verifies, ignored (as the relay's word) otherwise.
    mutating func renamed(_ e: ServerFrame.Event) -> [Action] {
        guard let member = e.member?.bytes, let name = e.name,
              let old = applySignedName(member, name: name, version: e.nameVersion, signature: e.nameSignature) else { return [] }
        guard old != name else { return [.emit(.rosterChanged(roster))] }
        return [.emit(.rosterChanged(roster)),
                .emit(.notice(Notice(kind: .rename, member: view(member), time: e.time, detail: old)))]
    }

    /// On joining: a `--name` the room does not have for us as our signed name is claimed.
    mutating func claimOwnName(now: UInt64) -> [Action] {
        guard config.claimName, sentName == nil else { return [] }
        let held = people[me]
        if held?.nameVersion ?? 0 > 0, held?.name == config.name { return [] }
        return signName(config.name, now: now)
    }

    /// `/name NEW`: our new name in this room, signed.
    public mutating func rename(_ name: String, now: UInt64) -> [Action] {
        guard phase == .live else { return [.emit(.problem("not in the room yet"))] }
        guard Validation.isDisplayName(name) else {
            return [.emit(.problem("a name is 1 to \(Validation.maxName) characters without control characters"))]
        }
        return signName(name, now: now)
    }

    /// A `set_name` for `name`, versioned above every statement of ours seen or sent.
    mutating func signName(_ name: String, now: UInt64) -> [Action] {
        guard let roomID else { return [] }
        let floor = max(people[me]?.nameVersion ?? 0, sentName ?? 0)
        let (ms, overflow) = now.multipliedReportingOverflow(by: 1000)
        let version = max(overflow ? Validation.maxNameVersion : min(ms, Validation.maxNameVersion), floor + 1)
        guard version <= Validation.maxNameVersion,
              let signature = try? config.identity.signingKey.signature(for: SignedPayload.memberName(roomID: roomID, version: version, name: name))
        else { return [.emit(.problem("could not sign the name"))] }
        sentName = version
        return [.write(.setName(.init(roomID: roomID, name: name, version: version, signature: WireBytes(signature))))]
    }
}
