import SecureChatCrypto
import SecureChatGroup
import SecureChatWire
import Testing

/// Room keys sealed in commits (HPKE to one member's agreement key, bound to the room).
@Suite struct GroupKeysTests {
    static let bob = try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: [UInt8](repeating: 2, count: 32))
    static let mallory = try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: [UInt8](repeating: 4, count: 32))

    @Test func aSealedRoomKeyOpensOnlyForItsRecipientAndRoom() throws {
        let key = [UInt8](repeating: 5, count: 32), member = [UInt8](repeating: 9, count: 32)
        let s = try GroupKeys.seal(key, to: member, agreementKey: Self.bob.publicKey.rawRepresentation, roomID: "room-1")
        #expect(s.member == member && s.enc.count == 32 && s.ct.count == 32 + 16)
        func open(_ ct: [UInt8], _ who: Curve25519.KeyAgreement.PrivateKey, _ room: String) -> [UInt8]? {
            try? HPKE.open(ct, encapsulatedKey: s.enc, privateKey: who, info: SignedPayload.roomKeyInfo(roomID: room))
        }
        #expect(open(s.ct, Self.bob, "room-1") == key)
        #expect(open(s.ct, Self.mallory, "room-1") == nil)
        #expect(open(s.ct, Self.bob, "room-2") == nil)
        var altered = s.ct
        altered[0] ^= 1
        #expect(open(altered, Self.bob, "room-1") == nil)
        #expect(SignedPayload.roomKeyInfo(roomID: "r") == Array("securechat/v1/room-key".utf8) + [0, 0x72])
    }
}
