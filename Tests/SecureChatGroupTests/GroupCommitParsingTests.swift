import SecureChatCrypto
import SecureChatGroup
import SecureChatWire
import Testing

/// The commit's byte layout (docs/protocol.md, "Commits"): what parses, and the exact error for
/// each way a commit can be malformed.
@Suite struct GroupCommitParsingTests {
    static let owner = try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 1, count: 32))
    static let bob = try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: [UInt8](repeating: 2, count: 32))

    static func rotation() throws -> GroupCommit {
        let create = try GroupCommitBuilder.create(roomID: "room-1", policy: .open, key: [UInt8](repeating: 9, count: 32), owner: owner,
                                                   ownerAgreementKey: bob.publicKey.rawRepresentation)
        return try GroupCommitBuilder.rotate(try GroupState(genesis: create, pinnedOwner: nil), newKey: [UInt8](repeating: 8, count: 32),
                                             by: owner)
    }

    @Test func aCommitParsesToItselfAndKeepsItsHash() throws {
        let c = try Self.rotation()
        let parsed = try GroupCommit(parsing: c.bytes)
        #expect(parsed == c && parsed.hash == c.hash && parsed.isSignatureValid)
        #expect(c.sealed.count == 1 && c.sealed[0].ct.count == 48)
        // The layout's fixed part: label, 0x00, the room id with its length, then the epoch.
        #expect(Array(c.bytes.prefix(27)) == Array("securechat/v2/group-commit".utf8) + [0])
        #expect(c.bytes[27] == 6 && Array(c.bytes[28..<34]) == Array("room-1".utf8))
        #expect(Array(c.bytes[34..<42]) == [0, 0, 0, 0, 0, 0, 0, 1])
    }

    /// Byte offsets of fields in `rotation()`'s bytes: label (27), id length (1), id (6), epoch (8),
    /// prev (32), kind at 74, author 75, subject 107, agreement 139, policy at 171, key id 172,
    /// access key 204, sealed count at 236, then member 237, enc 269, ct length at 301.
    static func mutated(_ edit: (inout [UInt8]) -> Void) -> [UInt8] {
        var b = try! rotation().bytes
        edit(&b)
        return b
    }

    static let malformed: [(String, [UInt8], GroupCommitError)] = [
        ("empty", [], .truncated),
        ("another label", mutated { $0[0] = UInt8(ascii: "S") }, .wrongLabel),
        ("cut in the room id", Array(mutated { _ in }.prefix(30)), .truncated),
        ("a room id with a slash", mutated { $0[28] = UInt8(ascii: "/") }, .invalidRoomID),
        ("a room id of length 0", mutated { $0[27] = 0 }, .invalidRoomID),
        ("kind 6", mutated { $0[74] = 6 }, .unknownKind),
        ("policy 2", mutated { $0[171] = 2 }, .unknownPolicy),
        ("a sealed key of length 0", mutated { $0[301] = 0; $0[302] = 0 }, .invalidSealedKey),
        ("a sealed key longer than 1024 bytes", mutated { $0[301] = 0x04; $0[302] = 0x01 }, .invalidSealedKey),
        ("fewer sealed keys than there are", mutated { $0[236] = 0 }, .trailingBytes),
        ("no signature", Array(mutated { _ in }.dropLast(64)), .truncated),
        ("a byte after the signature", mutated { $0.append(0) }, .trailingBytes),
        ("larger than any commit", [UInt8](repeating: 0, count: GroupCommit.maxBytes + 1), .tooLarge),
    ]

    @Test(arguments: malformed)
    func malformedCommitsAreRefused(name: String, bytes: [UInt8], error: GroupCommitError) {
        #expect(throws: error, "\(name)") { try GroupCommit(parsing: bytes) }
    }

    @Test func everyFieldIsSigned() throws {
        let c = try Self.rotation()
        // Flip one byte anywhere in the content: the signature no longer verifies (or it does not parse).
        for i in stride(from: 0, to: c.content.count, by: 7) {
            var b = c.bytes
            b[i] ^= 0x01
            if let parsed = try? GroupCommit(parsing: b) { #expect(!parsed.isSignatureValid, "byte \(i)") }
        }
    }
}
