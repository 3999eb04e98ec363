import SecureChatCrypto
import SecureChatWire

/// The parts of the group-state rules that need a room key, which only members hold (the
/// relay never does): key ids, a join's proof, and the room keys sealed in commits.
///
///     key id      = SHA-256("securechat/v2/key-id" ‖ 0x00 ‖ room id ‖ 0x00 ‖ room key)
///     join proof  = Ed25519 signature by the room's access key (see `RoomAccess`) over the commit
///                   content before the proof; checked by `GroupState.applying` with the public
///                   access key the state holds, so the relay checks it too
///     sealed key  = HPKE base mode to the member's agreement key, info "securechat/v1/room-key" ‖ 0x00 ‖ room id,
///                   plaintext the raw 32-byte room key (the same sealing as docs/protocol.md describes for approvals)
///
/// Room keys are the raw 32 bytes of a Fernet key.
public enum GroupKeys {
    public static let keyIDLabel = "securechat/v2/key-id"

    public static func keyID(roomID: String, key: [UInt8]) -> [UInt8] {
        SHA256.hash(Array(keyIDLabel.utf8) + [0] + Array(roomID.utf8) + [0] + key)
    }

    /// The open-room access key (public half) of a room key, or zero bytes for an approval room.
    public static func accessKey(roomID: String, key: [UInt8], policy: RoomPolicy) throws(CryptoError) -> [UInt8] {
        guard policy == .open else { return GroupCommit.zero }
        return try RoomAccess.signingKey(roomKey: key, roomID: roomID).publicKey.rawRepresentation
    }

    public static func joinProof(roomID: String, key: [UInt8], content: [UInt8]) throws(CryptoError) -> [UInt8] {
        try RoomAccess.signingKey(roomKey: key, roomID: roomID).signature(for: content)
    }

    public static func seal(_ key: [UInt8], to member: [UInt8], agreementKey: [UInt8], roomID: String) throws(CryptoError) -> GroupCommit.Sealed {
        let recipient = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: agreementKey)
        let sealed = try HPKE.seal(key, to: recipient, info: SignedPayload.roomKeyInfo(roomID: roomID))
        return GroupCommit.Sealed(member: member, enc: sealed.encapsulatedKey, ct: sealed.ciphertext)
    }

    /// The room key a commit seals to `member`, checked against the commit's key id and access
    /// key; nil when the commit seals nothing to it.
    public static func openSealed(_ c: GroupCommit, member: [UInt8],
                                  privateKey: Curve25519.KeyAgreement.PrivateKey) throws(GroupRuleError) -> [UInt8]? {
        guard let s = c.sealed.first(where: { $0.member == member }) else { return nil }
        guard let key = try? HPKE.open(s.ct, encapsulatedKey: s.enc, privateKey: privateKey,
                                       info: SignedPayload.roomKeyInfo(roomID: c.roomID)), key.count == 32 else {
            throw .sealedKeyUnopenable
        }
        try check(key: key, against: c)
        return key
    }

    /// That `key` is the key `c` names: its id, and for an open room its access key.
    public static func check(key: [UInt8], against c: GroupCommit) throws(GroupRuleError) {
        guard keyID(roomID: c.roomID, key: key) == c.keyID else { throw .sealedKeyMismatch }
        guard (try? accessKey(roomID: c.roomID, key: key, policy: c.policy)) == c.accessKey else { throw .accessKeyMismatch }
    }

}

/// Making commits: what a member signs for each change. Each returns a signed commit that
/// `GroupState.applying` accepts from this author on `state`.
public enum GroupCommitBuilder {
    /// Epoch 0 of a new room; `key` is the first room key.
    public static func create(roomID: String, policy: RoomPolicy, key: [UInt8], owner: Curve25519.Signing.PrivateKey,
                              ownerAgreementKey: [UInt8]) throws(CryptoError) -> GroupCommit {
        let me = owner.publicKey.rawRepresentation
        var c = GroupCommit(roomID: roomID, epoch: 0, prev: GroupCommit.zero, kind: .create, author: me, subject: me,
                            subjectAgreementKey: ownerAgreementKey, policy: policy, keyID: GroupKeys.keyID(roomID: roomID, key: key),
                            accessKey: try GroupKeys.accessKey(roomID: roomID, key: key, policy: policy))
        try c.sign(with: owner)
        return c
    }

    /// An approval: `joiner` with its agreement key, given the current `key`.
    public static func add(_ state: GroupState, joiner: [UInt8], joinerAgreementKey: [UInt8], key: [UInt8],
                           by author: Curve25519.Signing.PrivateKey) throws(CryptoError) -> GroupCommit {
        var c = next(state, .add, author: author, subject: joiner)
        c.subjectAgreementKey = joinerAgreementKey
        c.sealed = [try GroupKeys.seal(key, to: joiner, agreementKey: joinerAgreementKey, roomID: state.roomID)]
        try c.sign(with: author)
        return c
    }

    /// An open room's joiner entering with the current `key`.
    public static func join(_ state: GroupState, key: [UInt8], agreementKey: [UInt8],
                            by author: Curve25519.Signing.PrivateKey) throws(CryptoError) -> GroupCommit {
        var c = next(state, .join, author: author, subject: author.publicKey.rawRepresentation)
        c.subjectAgreementKey = agreementKey
        c.proof = try GroupKeys.joinProof(roomID: state.roomID, key: key, content: c.contentBeforeProof)
        try c.sign(with: author)
        return c
    }

    public static func leave(_ state: GroupState, by author: Curve25519.Signing.PrivateKey) throws(CryptoError) -> GroupCommit {
        var c = next(state, .leave, author: author, subject: author.publicKey.rawRepresentation)
        try c.sign(with: author)
        return c
    }

    /// A removal by the owner with the `newKey` sealed to everyone who stays.
    public static func remove(_ state: GroupState, member: [UInt8], newKey: [UInt8],
                              by author: Curve25519.Signing.PrivateKey) throws(CryptoError) -> GroupCommit {
        var c = next(state, .remove, author: author, subject: member)
        try rekey(&c, state: state, newKey: newKey, to: state.members.filter { $0.signingKey != member })
        try c.sign(with: author)
        return c
    }

    public static func rotate(_ state: GroupState, newKey: [UInt8], by author: Curve25519.Signing.PrivateKey) throws(CryptoError) -> GroupCommit {
        var c = next(state, .rotate, author: author, subject: author.publicKey.rawRepresentation)
        try rekey(&c, state: state, newKey: newKey, to: state.members)
        try c.sign(with: author)
        return c
    }

    static func next(_ state: GroupState, _ kind: GroupCommit.Kind, author: Curve25519.Signing.PrivateKey, subject: [UInt8]) -> GroupCommit {
        GroupCommit(roomID: state.roomID, epoch: state.epoch &+ 1, prev: state.head, kind: kind, author: author.publicKey.rawRepresentation,
                    subject: subject, policy: state.policy, keyID: state.keyID, accessKey: state.accessKey)
    }

    static func rekey(_ c: inout GroupCommit, state: GroupState, newKey: [UInt8], to members: [GroupState.Member]) throws(CryptoError) {
        c.keyID = GroupKeys.keyID(roomID: state.roomID, key: newKey)
        c.accessKey = try GroupKeys.accessKey(roomID: state.roomID, key: newKey, policy: state.policy)
        guard members.count <= GroupCommit.maxSealed else { throw CryptoError.invalidParameter("more members than a commit can seal to") }
        c.sealed = try members.map { m throws(CryptoError) in
            try GroupKeys.seal(newKey, to: m.signingKey, agreementKey: m.agreementKey, roomID: state.roomID)
        }
    }
}
