import Testing
import SecureChatWire
import SecureChatCrypto

/// The signed byte layouts, and the room access key against vectors computed independently with
/// Python's `cryptography` (HKDF-SHA256 and Ed25519).
@Suite struct SignedPayloadTests {
    func hex(_ s: String) -> [UInt8] { Bytes.fromHex(s)! }

    @Test func layouts() {
        let ch = [UInt8](repeating: 7, count: 32), key = [UInt8](repeating: 9, count: 32)
        #expect(SignedPayload.auth(challenge: ch, relayID: "R1", origin: "wss://relay.example:443")
            == Array("securechat/v2/relay-auth".utf8) + [0] + ch + Array("R1".utf8) + [0] + Array("wss://relay.example:443".utf8))
        #expect(SignedPayload.join(challenge: ch, signingKey: key) == Array("securechat/v1/room-join".utf8) + [0] + ch + key)
        let agreement: [UInt8] = Array("securechat/v2/agreement-key".utf8) + [0] + key
        #expect(SignedPayload.agreementKey(key) == agreement)
        #expect(SignedPayload.createRoom(roomID: "r", policy: .open, ttlSeconds: 0x0102, maxMembers: 50, accessKey: key)
            == Array("securechat/v1/create-room".utf8) + [0, 0x72, 0] + Array("open".utf8) + [0]
            + [0, 0, 0, 0, 0, 0, 1, 2] + [0, 0, 0, 50] + key)
        #expect(SignedPayload.logExport(roomID: "r", after: 12, time: 1700000000, nonce: "bm9uY2U")
            == Array("securechat/v2/log-export".utf8) + [0, 0x72, 0] + Array("12".utf8) + [0] + Array("1700000000".utf8) + [0]
            + Array("bm9uY2U".utf8))
        #expect(SignedPayload.roomKeyInfo(roomID: "r") == Array("securechat/v1/room-key".utf8) + [0, 0x72])
    }

    @Test func everyLabelIsDistinct() {
        let labels = [RelayProtocol.Label.relayAuth, RelayProtocol.Label.roomJoin, RelayProtocol.Label.createRoom,
                      RelayProtocol.Label.agreementKey,
                      RelayProtocol.Label.logExport, RelayProtocol.Label.roomKey, RelayProtocol.Label.roomAccessKey]
        #expect(Set(labels).count == labels.count)
    }

    @Test func roomAccessKeyMatchesIndependentVector() throws {
        // Room key 00 01 … 1f (Fernet text AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=).
        let roomKey = Array(0..<32) as [UInt8]
        let roomID = "k3Jd9xQm2LwP8aZt5RvYbc"
        #expect(SignedPayload.roomAccessKeyInfo(roomID: roomID) == Array(RoomAccess.info.utf8) + Array(roomID.utf8))
        let access = try RoomAccess.signingKey(roomKey: roomKey, roomID: roomID)
        #expect(access.rawRepresentation == hex("d66f815cb718c260329ec0b312c8d6e2bbba1b1525b42cca7bdef4c5758f5bc5"))
        #expect(access.publicKey.rawRepresentation == hex("8e701ea880028cff9ec0df9739ffd7c18c757ce7c164d6e59f18a4beaa1afbbb"))
        let proof = try access.signature(for: SignedPayload.join(challenge: [UInt8](repeating: 7, count: 32),
                                                                 signingKey: [UInt8](repeating: 9, count: 32)))
        #expect(proof == hex("b6e5fa4688f508e2170839c3408200387b4ddc068b64c3849a36181e50564eaa"
                             + "e7e59b5ea28785c173ad20a4bba222adae0a7c077c68bba8285f7e93dd12600d"))
        // Another room with the same key gets an unrelated access key.
        #expect(try RoomAccess.signingKey(roomKey: roomKey, roomID: "other").rawRepresentation != access.rawRepresentation)
        #expect(throws: CryptoError.self) { try RoomAccess.signingKey(roomKey: [1, 2], roomID: roomID) }
    }
}
