import Foundation
import SecureChatCore
import SecureChatCrypto
@testable import SecureChatRelay
import SecureChatWire
import Testing

/// Issue 17, findings 9 and 17: a small-order Ed25519 key authenticates with a "universal"
/// signature (R = the identity point, S = 0) that verifies for every challenge, unless the key
/// itself is refused.
@Suite struct SmallOrderKeyAttackTests {
    static let identityPoint: [UInt8] = [1] + [UInt8](repeating: 0, count: 31)

    /// The identity point in each of its spellings: canonical, sign bit set, y = p + 1 with and
    /// without the sign bit. For every one, [S]B = R + [k]A holds with R = identity and S = 0.
    static let identitySpellings: [[UInt8]] = [
        identityPoint,
        [1] + [UInt8](repeating: 0, count: 30) + [0x80],
        [0xee] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
        [0xee] + [UInt8](repeating: 0xff, count: 31),
    ]

    @Test(arguments: identitySpellings) func noOneAuthenticatesAsTheIdentityPoint(_ key: [UInt8]) async throws {
        try await TestRelay.with { live in
            let mallory = try await live.connect("Mallory", authenticate: false)
            let universal = Self.identityPoint + [UInt8](repeating: 0, count: 32)
            mallory.send(.auth(.init(signingKey: WireBytes(key), agreementKey: WireBytes(mallory.agreementKey), name: "Mallory",
                                     signature: WireBytes(universal))))
            let answer = try await mallory.next()
            guard case .error(let e) = answer else {
                Issue.record("the relay answered \(answer.type) to a universal signature by \(key)")
                return
            }
            #expect(e.code == .badSignature)
            try await mallory.expectClosed()
        }
    }
}
