import SecureChatCrypto
import SecureChatWire

/// A room's group state after some epoch (docs/protocol.md, "Group state"): the members with
/// their keys as the chain states them, the owner, the current room key's id, and the hash
/// that the next commit must name. A value: `applying` returns the next state or the rule the
/// commit breaks. These are the rules every client (CLI and browser) and the relay apply; the
/// checks that need the room key (a join's proof, a sealed key's id) are in `GroupKeys`.
public struct GroupState: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public var signingKey: [UInt8]
        public var agreementKey: [UInt8]
        /// The epoch of the commit that let it in.
        public var since: UInt64
    }

    public let roomID: String
    public let policy: RoomPolicy
    public private(set) var owner: [UInt8]
    public private(set) var epoch: UInt64
    /// SHA-256 of the last commit applied.
    public private(set) var head: [UInt8]
    /// In the order they were let in; the owner first.
    public private(set) var members: [Member]
    /// Id of the room key in force (`GroupKeys.keyID`).
    public private(set) var keyID: [UInt8]
    public private(set) var accessKey: [UInt8]
    /// A member left since the key last changed: it still holds the key, so a rotation is due.
    public private(set) var isKeyStale: Bool
    /// Every key id the chain has used, oldest first, with the epoch that retired it (nil: current).
    public private(set) var keyHistory: [(id: [UInt8], retiredAt: UInt64?)]

    public static func == (a: GroupState, b: GroupState) -> Bool {
        a.roomID == b.roomID && a.epoch == b.epoch && a.head == b.head && a.members == b.members && a.owner == b.owner
            && a.keyID == b.keyID && a.isKeyStale == b.isKeyStale && a.accessKey == b.accessKey
    }

    /// The state founded by a `create` commit. `pinnedOwner`, from the invite link, is the only
    /// key allowed to found the room; without a pin the founder is trusted on first use.
    public init(genesis c: GroupCommit, pinnedOwner: [UInt8]?) throws(GroupRuleError) {
        guard c.kind == .create else { throw .notGenesis }
        guard c.epoch == 0, c.prev == GroupCommit.zero else { throw .wrongEpoch(expected: 0, got: c.epoch) }
        guard c.author == c.subject else { throw .authorNotSubject }
        if let pinnedOwner, pinnedOwner != c.author { throw .ownerNotPinned }
        try Self.checkKeys(signing: c.author, agreement: c.subjectAgreementKey)
        guard c.sealed.isEmpty, c.proof == GroupCommit.noProof else { throw .unexpectedField("sealed keys or proof") }
        try Self.checkAccessKey(c.accessKey, policy: c.policy)
        guard c.isSignatureValid else { throw .badSignature }
        roomID = c.roomID
        policy = c.policy
        owner = c.author
        epoch = 0
        head = c.hash
        members = [Member(signingKey: c.author, agreementKey: c.subjectAgreementKey, since: 0)]
        keyID = c.keyID
        accessKey = c.accessKey
        isKeyStale = false
        keyHistory = [(c.keyID, nil)]
    }

    public func member(_ key: [UInt8]) -> Member? { members.first { $0.signingKey == key } }
    public func isMember(_ key: [UInt8]) -> Bool { member(key) != nil }

    /// Whether `key` may issue a `rotate` now.
    public func mayRotate(_ key: [UInt8]) -> Bool { isMember(key) && (key == owner || isKeyStale) }

    /// The next state, or the rule `c` breaks. The checks run in a fixed order, so every
    /// implementation gives the same verdict for the same commit (see the shared vectors).
    public func applying(_ c: GroupCommit) throws(GroupRuleError) -> GroupState {
        guard c.roomID == roomID else { throw .wrongRoom }
        guard c.epoch == epoch &+ 1, epoch < .max else { throw .wrongEpoch(expected: epoch &+ 1, got: c.epoch) }
        guard c.prev == head else { throw .wrongPrevious }
        guard c.policy == policy else { throw .wrongPolicy }
        guard c.isSignatureValid else { throw .badSignature }
        var next = self
        next.epoch = c.epoch
        next.head = c.hash
        let others = c.subject == c.author
        switch c.kind {
        case .create:
            throw .notGenesis
        case .add:
            guard policy == .approval else { throw .wrongPolicy }
            guard isMember(c.author) else { throw .authorNotMember }
            guard !isMember(c.subject) else { throw .alreadyMember }
            try Self.checkKeys(signing: c.subject, agreement: c.subjectAgreementKey)
            try sameKey(c)
            guard c.sealed.count == 1, c.sealed[0].member == c.subject else { throw .sealedKeysMismatch }
            guard c.proof == GroupCommit.noProof else { throw .unexpectedField("proof") }
            guard members.count < GroupCommit.maxMembers else { throw .tooManyMembers }
            next.members.append(Member(signingKey: c.subject, agreementKey: c.subjectAgreementKey, since: c.epoch))
        case .join:
            guard policy == .open else { throw .wrongPolicy }
            guard others else { throw .authorNotSubject }
            guard !isMember(c.subject) else { throw .alreadyMember }
            try Self.checkKeys(signing: c.subject, agreement: c.subjectAgreementKey)
            try sameKey(c)
            guard c.sealed.isEmpty else { throw .unexpectedField("sealed keys") }
            guard c.proof != GroupCommit.noProof else { throw .missingProof }
            // Signed by the current access key: only a holder of the room key can make it, and
            // anyone (the relay too) can check it, so no one can pass a join the others refuse.
            guard let access = try? Curve25519.Signing.PublicKey(rawRepresentation: accessKey),
                  access.isValidSignature(c.proof, for: c.contentBeforeProof) else { throw .badProof }
            guard members.count < GroupCommit.maxMembers else { throw .tooManyMembers }
            next.members.append(Member(signingKey: c.subject, agreementKey: c.subjectAgreementKey, since: c.epoch))
        case .remove:
            guard c.author == owner else { throw .notOwner }
            guard isMember(c.subject) else { throw .notMember }
            guard c.subject != owner else { throw .ownerCannotLeave }
            guard c.subjectAgreementKey == GroupCommit.zero, c.proof == GroupCommit.noProof else { throw .unexpectedField("agreement key or proof") }
            next.members.removeAll { $0.signingKey == c.subject }
            try next.changeKey(c)
        case .leave:
            guard others else { throw .authorNotSubject }
            guard isMember(c.subject) else { throw .notMember }
            guard c.subject != owner else { throw .ownerCannotLeave }
            try sameKey(c)
            guard c.sealed.isEmpty, c.subjectAgreementKey == GroupCommit.zero, c.proof == GroupCommit.noProof else {
                throw .unexpectedField("sealed keys, agreement key or proof")
            }
            next.members.removeAll { $0.signingKey == c.subject }
            next.isKeyStale = true
        case .rotate:
            guard isMember(c.author) else { throw .authorNotMember }
            guard others else { throw .authorNotSubject }
            guard mayRotate(c.author) else { throw .rotationNotDue }
            guard c.subjectAgreementKey == GroupCommit.zero, c.proof == GroupCommit.noProof else { throw .unexpectedField("agreement key or proof") }
            try next.changeKey(c)
        }
        return next
    }

    /// Commits that keep the key name the current key and access key.
    private func sameKey(_ c: GroupCommit) throws(GroupRuleError) {
        guard c.keyID == keyID, c.accessKey == accessKey else { throw .wrongKey }
    }

    /// A new key, sealed to exactly the members of the new state, each once.
    private mutating func changeKey(_ c: GroupCommit) throws(GroupRuleError) {
        guard !keyHistory.contains(where: { $0.id == c.keyID }) else { throw .keyReused }
        try Self.checkAccessKey(c.accessKey, policy: policy)
        let sealedTo = c.sealed.map(\.member)
        guard sealedTo.count == members.count, Set(sealedTo).count == sealedTo.count,
              Set(sealedTo) == Set(members.map(\.signingKey)) else { throw .sealedKeysMismatch }
        if let i = keyHistory.lastIndex(where: { $0.retiredAt == nil }) { keyHistory[i].retiredAt = c.epoch }
        keyHistory.append((c.keyID, nil))
        keyID = c.keyID
        accessKey = c.accessKey
        isKeyStale = false
    }

    static func checkKeys(signing: [UInt8], agreement: [UInt8]) throws(GroupRuleError) {
        guard (try? Curve25519.Signing.PublicKey(rawRepresentation: signing)) != nil else { throw .invalidKey("signing key") }
        guard agreement != GroupCommit.zero, (try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: agreement)) != nil else {
            throw .invalidKey("agreement key")
        }
    }

    static func checkAccessKey(_ key: [UInt8], policy: RoomPolicy) throws(GroupRuleError) {
        switch policy {
        case .open:
            guard key != GroupCommit.zero, (try? Curve25519.Signing.PublicKey(rawRepresentation: key)) != nil else {
                throw .invalidKey("access key")
            }
        case .approval:
            guard key == GroupCommit.zero else { throw .unexpectedField("access key") }
        }
    }
}

/// The rule a commit breaks: the verdict every implementation must reach (docs/protocol.md,
/// "Group state", and the vectors in Tests/Vectors/group-state).
public enum GroupRuleError: Error, Sendable, Equatable, CustomStringConvertible {
    case notGenesis, ownerNotPinned, wrongRoom, wrongEpoch(expected: UInt64, got: UInt64), wrongPrevious, wrongPolicy
    case badSignature, authorNotMember, authorNotSubject, alreadyMember, notMember, notOwner, ownerCannotLeave
    case rotationNotDue, wrongKey, keyReused, sealedKeysMismatch, missingProof, invalidKey(String), unexpectedField(String)
    case tooManyMembers
    /// Checks that need the room key (`GroupKeys`).
    case badProof, sealedKeyUnopenable, sealedKeyMismatch, accessKeyMismatch

    /// A stable name for programs and the shared vectors.
    public var code: String {
        switch self {
        case .notGenesis: "not_genesis"
        case .ownerNotPinned: "owner_not_pinned"
        case .wrongRoom: "wrong_room"
        case .wrongEpoch: "wrong_epoch"
        case .wrongPrevious: "wrong_previous"
        case .wrongPolicy: "wrong_policy"
        case .badSignature: "bad_signature"
        case .authorNotMember: "author_not_member"
        case .authorNotSubject: "author_not_subject"
        case .alreadyMember: "already_member"
        case .notMember: "not_member"
        case .notOwner: "not_owner"
        case .ownerCannotLeave: "owner_cannot_leave"
        case .rotationNotDue: "rotation_not_due"
        case .wrongKey: "wrong_key"
        case .keyReused: "key_reused"
        case .sealedKeysMismatch: "sealed_keys_mismatch"
        case .missingProof: "missing_proof"
        case .invalidKey: "invalid_key"
        case .unexpectedField: "unexpected_field"
        case .tooManyMembers: "too_many_members"
        case .badProof: "bad_proof"
        case .sealedKeyUnopenable: "sealed_key_unopenable"
        case .sealedKeyMismatch: "sealed_key_mismatch"
        case .accessKeyMismatch: "access_key_mismatch"
        }
    }

    public var description: String {
        switch self {
        case .notGenesis: "only the first commit founds a room, and it must be a create"
        case .ownerNotPinned: "the room was founded by a key other than the owner the invite names"
        case .wrongRoom: "the commit is for another room"
        case .wrongEpoch(let e, let g): "the commit is for epoch \(g), not the next one (\(e))"
        case .wrongPrevious: "the commit does not follow the current state (its previous hash differs): a fork"
        case .wrongPolicy: "the commit does not match the room's policy"
        case .badSignature: "the commit's signature does not verify"
        case .authorNotMember: "the commit is signed by someone who is not a member"
        case .authorNotSubject: "only members themselves may join, leave or rotate this way"
        case .alreadyMember: "the commit adds someone who is already a member"
        case .notMember: "the commit names someone who is not a member"
        case .notOwner: "only the owner may remove members"
        case .ownerCannotLeave: "the owner cannot leave or be removed"
        case .rotationNotDue: "only the owner may rotate the key, or any member after someone left"
        case .wrongKey: "the commit names a room key other than the current one"
        case .keyReused: "the commit brings back a room key the room has used before"
        case .sealedKeysMismatch: "the new key is not sealed to exactly the room's members"
        case .missingProof: "a join must prove it holds the room key"
        case .invalidKey(let what): "the commit's \(what) is not a valid public key"
        case .unexpectedField(let what): "the commit carries \(what) its kind does not allow"
        case .tooManyMembers: "a room's group state holds at most \(GroupCommit.maxMembers) members"
        case .badProof: "the join's proof is not a signature by the room's current access key"
        case .sealedKeyUnopenable: "the key sealed to us does not open"
        case .sealedKeyMismatch: "the room key is not the key the commit names"
        case .accessKeyMismatch: "the commit's access key is not derived from its room key"
        }
    }
}
