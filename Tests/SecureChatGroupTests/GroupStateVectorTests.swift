import Foundation
import SecureChatCrypto
import SecureChatGroup
import SecureChatWire
import Testing
import TestSupport

/// The shared group-state vectors (Tests/Vectors/group-state/chains.json): chains of commits
/// with the verdict each must get, for every implementation of the rules (this one and the
/// browser client's). `SECURECHAT_WRITE_VECTORS=1 swift test --filter GroupStateVectorTests`
/// writes the file anew from the scenarios below; otherwise the file is read and every verdict
/// checked, so the file cannot drift from the rules.
@Suite struct GroupStateVectorTests {
    static let file = Vectors.url("group-state/chains.json")

    @Test func vectorsHoldForTheseRules() throws {
        if ProcessInfo.processInfo.environment["SECURECHAT_WRITE_VECTORS"] == "1" {
            let cases = try Scenarios.all().map(\.json)
            let data = try JSONSerialization.data(withJSONObject: ["description": Scenarios.description, "cases": cases],
                                                  options: [.prettyPrinted, .sortedKeys])
            try data.write(to: Self.file)
        }
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.file)) as? [String: Any])
        let cases = try #require(root["cases"] as? [[String: Any]])
        #expect(cases.count >= 10)
        for c in cases {
            let name = c["name"] as? String ?? "?"
            let got = try Replay.run(c)
            let expected = (c["commits"] as? [[String: Any]] ?? []).map { $0["verdict"] as? String ?? "?" }
            #expect(got == expected, "case \(name)")
        }
    }

    @Test func everyVerdictCodeAppearsInTheVectors() throws {
        let text = try String(contentsOf: Self.file, encoding: .utf8)
        for code in ["ok", "owner_not_pinned", "wrong_epoch", "wrong_previous", "bad_signature", "author_not_member", "not_owner",
                     "rotation_not_due", "sealed_keys_mismatch", "owner_cannot_leave", "key_reused", "bad_proof",
                     "sealed_key_mismatch", "access_key_mismatch", "already_member", "wrong_key", "wrong_room", "invalid_key"] {
            #expect(text.contains("\"\(code)\""), "no vector has verdict \(code)")
        }
    }
}

/// Applies one vector case as a client would: the public rules, then, as the case's reader,
/// the checks that need the room key.
enum Replay {
    static func run(_ c: [String: Any]) throws -> [String] {
        let pinned = (c["pinned_owner"] as? String).map(hex)
        var key = (c["room_key"] as? String).map(hex)
        let reader = (c["reader_agreement_private"] as? String).map(hex)
        let readerKey = try reader.map { try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: $0) }
        let readerID = (c["reader"] as? String).map(hex)
        var state: GroupState?
        var verdicts = [String]()
        for entry in c["commits"] as? [[String: Any]] ?? [] {
            do {
                let commit = try GroupCommit(parsing: hex(entry["commit"] as? String ?? ""))
                var next: GroupState
                if let state { next = try state.applying(commit) } else { next = try GroupState(genesis: commit, pinnedOwner: pinned) }
                if commit.kind == .create, let key { try GroupKeys.check(key: key, against: commit) }
                if let readerKey, let readerID, let opened = try GroupKeys.openSealed(commit, member: readerID, privateKey: readerKey) {
                    key = opened
                }
                _ = next
                state = next
                verdicts.append("ok")
            } catch let e as GroupRuleError {
                verdicts.append(e.code)
            } catch let e as GroupCommitError {
                verdicts.append("unparsable:\(e)")
            }
        }
        return verdicts
    }
}

/// The scenarios the vector file is made from. Keys come from fixed seeds so the file is
/// reproducible but for HPKE's random encapsulations.
enum Scenarios {
    static let description = """
        securechat group-state vectors (docs/protocol.md, "Group state"). Each case applies its commits in order, \
        starting from nothing (the first must found the room; pinned_owner, when not null, is the owner key the invite \
        pins). A commit whose verdict is not "ok" is not applied: the next commit is judged against the same state. \
        After the public rules (a join's proof included: a signature by the state's access key), the reader (reader = \
        its signing key, reader_agreement_private = its X25519 private key) checks what needs the room key: a create's \
        key id against room_key, and any key sealed to it (which then becomes the key it holds). All binary values are hex.
        """

    struct Person {
        let signing: Curve25519.Signing.PrivateKey
        let agreement: Curve25519.KeyAgreement.PrivateKey
        var id: [UInt8] { signing.publicKey.rawRepresentation }
        var agreementKey: [UInt8] { agreement.publicKey.rawRepresentation }
        init(_ seed: UInt8) {
            signing = try! .init(rawRepresentation: [UInt8](repeating: seed, count: 32))
            agreement = try! .init(rawRepresentation: [UInt8](repeating: seed &+ 0x40, count: 32))
        }
    }

    static let owner = Person(1), bob = Person(2), carol = Person(3), mallory = Person(4)
    static let room = "grp-vectors_room-0001"
    static let key1 = [UInt8](repeating: 0xa1, count: 32), key2 = [UInt8](repeating: 0xa2, count: 32)
    static let key3 = [UInt8](repeating: 0xa3, count: 32)

    struct Case {
        var name: String
        var pinned: [UInt8]?
        var roomKey: [UInt8]?
        var reader: Person?
        var commits: [(GroupCommit, String)]
        var json: [String: Any] {
            var j: [String: Any] = ["name": name, "commits": commits.map { ["commit": hexString($0.0.bytes), "verdict": $0.1] }]
            j["pinned_owner"] = pinned.map(hexString) ?? NSNull()
            j["room_key"] = roomKey.map(hexString) ?? NSNull()
            j["reader"] = reader.map { hexString($0.id) } ?? NSNull()
            j["reader_agreement_private"] = reader.map { hexString($0.agreement.rawRepresentation) } ?? NSNull()
            return j
        }
    }

    static func resign(_ c: GroupCommit, _ p: Person) -> GroupCommit {
        var c = c
        c.author = p.id
        try! c.sign(with: p.signing)
        return c
    }

    static func all() throws -> [Case] {
        typealias B = GroupCommitBuilder
        // An approval room: owner founds it, adds bob, bob adds carol, carol leaves, bob rotates,
        // the owner removes bob.
        let create = try B.create(roomID: room, policy: .approval, key: key1, owner: owner.signing, ownerAgreementKey: owner.agreementKey)
        let s0 = try GroupState(genesis: create, pinnedOwner: owner.id)
        let addBob = try B.add(s0, joiner: bob.id, joinerAgreementKey: bob.agreementKey, key: key1, by: owner.signing)
        let s1 = try s0.applying(addBob)
        let addCarol = try B.add(s1, joiner: carol.id, joinerAgreementKey: carol.agreementKey, key: key1, by: bob.signing)
        let s2 = try s1.applying(addCarol)
        let carolLeaves = try B.leave(s2, by: carol.signing)
        let s3 = try s2.applying(carolLeaves)
        let bobRotates = try B.rotate(s3, newKey: key2, by: bob.signing)
        let s4 = try s3.applying(bobRotates)
        let removeBob = try B.remove(s4, member: bob.id, newKey: key3, by: owner.signing)

        var cases = [Case]()
        let valid: [(GroupCommit, String)] = [(create, "ok"), (addBob, "ok"), (addCarol, "ok"), (carolLeaves, "ok"), (bobRotates, "ok"),
                                              (removeBob, "ok")]
        cases.append(Case(name: "approval room: add, add by a member, leave, rotation after a leave, removal", pinned: owner.id,
                          roomKey: key1, reader: owner, commits: valid))
        cases.append(Case(name: "the same chain read by bob, who is sent each new key", pinned: owner.id, roomKey: nil, reader: bob,
                          commits: Array(valid.prefix(5))))

        // Founding: the pin decides.
        let malloryCreate = try B.create(roomID: room, policy: .approval, key: key1, owner: mallory.signing,
                                         ownerAgreementKey: mallory.agreementKey)
        cases.append(Case(name: "a room founded by a key the invite does not pin", pinned: owner.id, roomKey: nil, reader: nil,
                          commits: [(malloryCreate, "owner_not_pinned"), (create, "ok")]))

        // Order and forks.
        var skip = addBob; skip.epoch = 2; try skip.sign(with: owner.signing)
        var fork = addBob; fork.prev = [UInt8](repeating: 7, count: 32); try fork.sign(with: owner.signing)
        var otherRoom = addBob; otherRoom.roomID = "another-room"; try otherRoom.sign(with: owner.signing)
        var tampered = addBob; tampered.subjectAgreementKey = mallory.agreementKey
        cases.append(Case(name: "a skipped epoch, a fork, another room's commit, a tampered commit", pinned: owner.id, roomKey: key1,
                          reader: nil, commits: [(create, "ok"), (skip, "wrong_epoch"), (fork, "wrong_previous"),
                                                 (otherRoom, "wrong_room"), (tampered, "bad_signature"), (addBob, "ok"),
                                                 (addBob, "wrong_epoch")]))

        // Who may do what.
        let byStranger = try B.add(s0, joiner: carol.id, joinerAgreementKey: carol.agreementKey, key: key1, by: mallory.signing)
        let addOwnerAgain = try B.add(s1, joiner: owner.id, joinerAgreementKey: owner.agreementKey, key: key1, by: bob.signing)
        let rotateByMember = try B.rotate(s1, newKey: key2, by: bob.signing)
        let removeByMember = try B.remove(s2, member: carol.id, newKey: key2, by: bob.signing)
        let ownerLeaves = try B.leave(s1, by: owner.signing)
        var removeOwner = try B.remove(s1, member: bob.id, newKey: key2, by: owner.signing)
        removeOwner.subject = owner.id; try removeOwner.sign(with: owner.signing)
        cases.append(Case(name: "a stranger's approval; only the owner removes; members rotate only after a leave; the owner stays",
                          pinned: owner.id, roomKey: key1, reader: nil,
                          commits: [(create, "ok"), (byStranger, "author_not_member"), (addBob, "ok"), (addOwnerAgain, "already_member"),
                                    (rotateByMember, "rotation_not_due"), (ownerLeaves, "owner_cannot_leave"),
                                    (removeOwner, "owner_cannot_leave"), (addCarol, "ok"), (removeByMember, "not_owner")]))

        // A rotation that leaves members out, seals to someone removed, or brings back a key.
        var noSealed = try B.rotate(s1, newKey: key2, by: owner.signing); noSealed.sealed = []; try noSealed.sign(with: owner.signing)
        var extraSealed = try B.remove(s2, member: carol.id, newKey: key2, by: owner.signing)
        extraSealed.sealed.append(try GroupKeys.seal(key2, to: carol.id, agreementKey: carol.agreementKey, roomID: room))
        try extraSealed.sign(with: owner.signing)
        let reuse = try B.rotate(s1, newKey: key1, by: owner.signing)
        var doubled = try B.rotate(s1, newKey: key2, by: owner.signing)
        doubled.sealed = [doubled.sealed[0], doubled.sealed[0]]; try doubled.sign(with: owner.signing)
        cases.append(Case(name: "rotations must seal to exactly the members and bring a new key", pinned: owner.id, roomKey: key1,
                          reader: nil, commits: [(create, "ok"), (addBob, "ok"), (noSealed, "sealed_keys_mismatch"),
                                                 (doubled, "sealed_keys_mismatch"), (reuse, "key_reused"), (addCarol, "ok"),
                                                 (extraSealed, "sealed_keys_mismatch")]))

        // A key sealed to the reader that is not the key the commit names.
        var lying = try B.rotate(s1, newKey: key2, by: owner.signing)
        lying.keyID = GroupKeys.keyID(roomID: room, key: key3); try lying.sign(with: owner.signing)
        cases.append(Case(name: "a sealed key that is not the key the commit names", pinned: owner.id, roomKey: nil, reader: bob,
                          commits: [(create, "ok"), (addBob, "ok"), (lying, "sealed_key_mismatch")]))

        // Keys that stay the same must be named as they are.
        var wrongKeyAdd = addBob; wrongKeyAdd.keyID = GroupKeys.keyID(roomID: room, key: key2); try wrongKeyAdd.sign(with: owner.signing)
        var badAgreement = addBob; badAgreement.subjectAgreementKey = GroupCommit.zero; try badAgreement.sign(with: owner.signing)
        cases.append(Case(name: "an approval that names another key, or a joiner without an agreement key", pinned: owner.id,
                          roomKey: key1, reader: nil, commits: [(create, "ok"), (wrongKeyAdd, "wrong_key"), (badAgreement, "invalid_key"),
                                                                (addBob, "ok")]))

        // An open room: joins prove the key; a rotation's access key must come from its key.
        let openCreate = try B.create(roomID: room, policy: .open, key: key1, owner: owner.signing, ownerAgreementKey: owner.agreementKey)
        let o0 = try GroupState(genesis: openCreate, pinnedOwner: owner.id)
        let bobJoins = try B.join(o0, key: key1, agreementKey: bob.agreementKey, by: bob.signing)
        let o1 = try o0.applying(bobJoins)
        let forgedJoin = try B.join(o0, key: key2, agreementKey: mallory.agreementKey, by: mallory.signing)
        var noProof = try B.join(o0, key: key1, agreementKey: mallory.agreementKey, by: mallory.signing)
        noProof.proof = GroupCommit.noProof; try noProof.sign(with: mallory.signing)
        var junkAccess = try B.rotate(o1, newKey: key2, by: owner.signing)
        junkAccess.accessKey = try RoomAccess.signingKey(roomKey: key3, roomID: room).publicKey.rawRepresentation
        try junkAccess.sign(with: owner.signing)
        let bobLeaves = try B.leave(o1, by: bob.signing)
        cases.append(Case(name: "open room: a join without the key, without a proof, then a real one", pinned: owner.id, roomKey: key1,
                          reader: owner, commits: [(openCreate, "ok"), (forgedJoin, "bad_proof"), (noProof, "missing_proof"),
                                                   (bobJoins, "ok"), (bobLeaves, "ok")]))
        cases.append(Case(name: "open room: a rotation whose access key is not its key's", pinned: owner.id, roomKey: key1, reader: bob,
                          commits: [(openCreate, "ok"), (bobJoins, "ok"), (junkAccess, "access_key_mismatch")]))
        var wrongCreateKey = openCreate; wrongCreateKey.keyID = GroupKeys.keyID(roomID: room, key: key2)
        try wrongCreateKey.sign(with: owner.signing)
        cases.append(Case(name: "open room founded with a key other than the invite's", pinned: owner.id, roomKey: key1, reader: nil,
                          commits: [(wrongCreateKey, "sealed_key_mismatch"), (openCreate, "ok")]))
        let smallOrder = [1] + [UInt8](repeating: 0, count: 31)
        var smallOrderJoin = bobJoins; smallOrderJoin.author = smallOrder; smallOrderJoin.subject = smallOrder
        smallOrderJoin.signature = [1] + [UInt8](repeating: 0, count: 63)
        cases.append(Case(name: "a join by the small-order key 01‖0^31 with a universal signature", pinned: owner.id, roomKey: key1,
                          reader: nil, commits: [(openCreate, "ok"), (smallOrderJoin, "bad_signature")]))
        return cases
    }
}
