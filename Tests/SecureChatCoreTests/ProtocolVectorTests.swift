import Foundation
import SecureChatCrypto
import SecureChatWire
import Testing
import TestSupport
@testable import SecureChatCore

/// Vectors for what a second implementation (the browser client) must sign and derive exactly
/// as this one does: the relay-auth, room-join, create-room, agreement-key and member-name payloads with
/// their Ed25519 signatures, the room access key, the HPKE info of a sealed key, fingerprints
/// and safety numbers (docs/protocol.md, docs/formats.md). Written to
/// Tests/Vectors/protocol/signatures.json by `SECURECHAT_WRITE_VECTORS=1 swift test --filter
/// ProtocolVectorTests`; otherwise read and every value recomputed, so the file cannot drift.
@Suite struct ProtocolVectorTests {
    static let file = Vectors.url("protocol/signatures.json")

    /// Every value of the file, computed here (Ed25519 signatures are deterministic).
    static func compute() throws -> [String: Any] {
        let alice = Fixed.alice, bob = Fixed.bob
        let me = alice.signingKey.publicKey.rawRepresentation
        let challenge = [UInt8](repeating: 0x07, count: 32)
        let roomKey = [UInt8](repeating: 0xa1, count: 32)
        let room = Fixed.room
        let access = try RoomAccess.signingKey(roomKey: roomKey, roomID: room)
        let accessKey = access.publicKey.rawRepresentation
        func signed(_ name: String, _ payload: [UInt8], by key: Curve25519.Signing.PrivateKey,
                    inputs: [String: Any] = [:]) throws -> [String: Any] {
            var entry: [String: Any] = ["name": name, "payload": hexString(payload), "signature": hexString(try key.signature(for: payload))]
            entry.merge(inputs) { kept, _ in kept }
            return entry
        }
        let displayName = "Zoë 李 🙂‍↔️", version: UInt64 = 1_764_567_890_123
        let payloads: [[String: Any]] = [
            try signed("relay-auth", SignedPayload.auth(challenge: challenge, relayID: "relay-id_1", origin: "ws://127.0.0.1:5000"),
                       by: alice.signingKey),
            try signed("room-join", SignedPayload.join(challenge: challenge, signingKey: me), by: access),
            try signed("create-room open", SignedPayload.createRoom(roomID: room, policy: .open, ttlSeconds: 86400, maxMembers: 50,
                                                                    accessKey: accessKey), by: alice.signingKey),
            try signed("create-room approval", SignedPayload.createRoom(roomID: room, policy: .approval, ttlSeconds: 3600, maxMembers: 7,
                                                                        accessKey: nil), by: alice.signingKey),
            try signed("agreement-key", SignedPayload.agreementKey(alice.agreementKey.publicKey.rawRepresentation), by: alice.signingKey),
            // A signed name (docs/protocol.md, "Names"): a millisecond version above 2^32, and a
            // name of several scripts, an emoji and a ZWJ sequence, so UTF-8 and the u64 are exercised.
            try signed("member-name", SignedPayload.memberName(roomID: room, version: version, name: displayName),
                       by: alice.signingKey, inputs: ["display_name": displayName, "version": version]),
        ]
        let identities: [[String: Any]] = [alice, bob].enumerated().map { i, id in
            ["x25519_secret": hexString(id.agreementKey.rawRepresentation), "agreement_key": hexString(id.agreementKey.publicKey.rawRepresentation),
             "signing_key": hexString(id.signingKey.publicKey.rawRepresentation), "fingerprint": id.publicIdentity.fingerprint,
             "safety_digits": SafetyNumber.digits(id.publicIdentity)]
        }
        return [
            "description": "securechat signed payloads and derived keys (docs/protocol.md, docs/formats.md), for every implementation. "
                + "Identities are made from their x25519_secret; payloads are signed by the first identity, but room-join, which the "
                + "room access key of room_key and room signs. challenge is the relay's hello challenge. member-name signs its "
                + "display_name and version in room. All binary values are hex.",
            "room": room, "room_key": hexString(roomKey), "challenge": hexString(challenge), "relay_id": "relay-id_1",
            "origin": "ws://127.0.0.1:5000", "access_key": hexString(accessKey),
            "room_key_info": hexString(SignedPayload.roomKeyInfo(roomID: room)),
            "identities": identities, "payloads": payloads,
            "safety_number": SafetyNumber.compute(alice.publicIdentity, bob.publicIdentity),
        ]
    }

    @Test func vectorsMatchThisImplementation() throws {
        let computed = try Self.compute()
        let data = try JSONSerialization.data(withJSONObject: computed, options: [.prettyPrinted, .sortedKeys])
        if ProcessInfo.processInfo.environment["SECURECHAT_WRITE_VECTORS"] == "1" {
            try FileManager.default.createDirectory(at: Self.file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: Self.file)
        }
        let stored = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.file)) as? NSDictionary)
        #expect(stored == computed as NSDictionary)
        // The documented safety number (docs/formats.md) is the one in the file.
        #expect(stored["safety_number"] as? String == "68603 57763 68239 63557 93817 44668 98890 23745 09335 28372 20137 66104")
    }
}
