import SecureChatCrypto
import Testing
@testable import SecureChatCore

@Suite struct AgeKeyTests {
    // The spec's example key pair (c2sp.org/age, "The X25519 recipient type").
    static let specIdentity = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX"
    static let specRecipient = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj"

    @Test func specExampleKeys() throws {
        let identity = try AgeIdentity(string: Self.specIdentity)
        #expect(identity.x25519?.rawRepresentation == [UInt8](repeating: 0x42, count: 32))
        #expect(identity.encoded == Self.specIdentity)
        #expect(identity.recipient.description == Self.specRecipient)
        #expect(try AgeRecipient(string: Self.specRecipient) == identity.recipient)
    }

    @Test func randomIdentitiesRoundTrip() throws {
        let identity = AgeIdentity()
        #expect(try AgeIdentity(string: identity.encoded).x25519?.rawRepresentation == identity.x25519?.rawRepresentation)
        #expect(try AgeRecipient(string: identity.recipient.description) == identity.recipient)
        #expect(identity.encoded.hasPrefix("AGE-SECRET-KEY-1"))
        #expect(identity.recipient.description.hasPrefix("age1"))
    }

    /// BIP 173's valid strings; age's lifting of the 90-character limit does not change them.
    @Test(arguments: ["A12UEL5L", "a12uel5l", "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
                      "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", "?1ezyfcl"])
    func bech32Valid(_ s: String) throws {
        let (hrp, data) = try Bech32.decode(s)
        let again = Bech32.encode(hrp: hrp, data: data)
        #expect(again == s.lowercased())
    }

    @Test(arguments: [
        ("x1b4n0q5v", Bech32.DecodingError.invalidCharacter),
        ("li1dgmt3", .missingSeparator),
        ("A1G7SGD8", .invalidChecksum),
        ("10a06t8", .missingSeparator),
        ("1qzzfhee", .missingSeparator),
        ("A12uEL5L", .mixedCase),
        ("a12uel5l ", .invalidCharacter),
    ])
    func bech32Invalid(_ s: String, _ expected: Bech32.DecodingError) {
        #expect(throws: expected) { try Bech32.decode(s) }
    }

    @Test func bech32HasNoLengthLimit() throws {
        let data = (0..<200).map { UInt8($0) }
        let s = Bech32.encode(hrp: "age", data: data)
        #expect(s.count > 90)
        #expect(try Bech32.decode(s).data == data)
    }

    static let badRecipients: [(String, AgeError)] = {
        let good = specRecipient
        var badChecksum = Array(good)
        badChecksum[badChecksum.count - 1] = badChecksum.last == "q" ? "p" : "q"
        let mixed = "AGE1" + good.dropFirst(4)
        return [
            (String(badChecksum), .invalidRecipient("invalid checksum")),
            (good.uppercased(), .invalidRecipient("recipient must be lowercase")),
            (mixed, .invalidRecipient("mixed case")),
            (Bech32.encode(hrp: "xyz", data: [UInt8](repeating: 1, count: 32)), .invalidRecipient("not an age recipient (expected age1…)")),
            (Bech32.encode(hrp: "age", data: [UInt8](repeating: 1, count: 31)), .invalidRecipient("wrong key length")),
            (Bech32.encode(hrp: "age1pq", data: [UInt8](repeating: 1, count: 32)),
             .invalidRecipient("wrong key length for a post-quantum recipient (32 bytes, not 1216)")),
            ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG", .invalidRecipient("this is an OpenSSH public key: SSH keys are not supported, only age keys (AGE-SECRET-KEY-1… identities, age1… recipients)")),
            ("", .invalidRecipient("missing or misplaced separator")),
        ]
    }()

    @Test(arguments: badRecipients)
    func badRecipient(_ input: String, _ expected: AgeError) {
        #expect(throws: expected) { try AgeRecipient(string: input) }
    }

    static let badIdentities: [(String, AgeError)] = [
        (specIdentity.lowercased(), .invalidIdentity("identity must be uppercase")),
        (String(specIdentity.dropLast()) + "Y", .invalidIdentity("invalid checksum")),  // it ends in X
        (specRecipient, .invalidIdentity("not an age identity (expected AGE-SECRET-KEY-1… or AGE-SECRET-KEY-PQ-1…)")),
        (Bech32.encode(hrp: "AGE-SECRET-KEY-PQ-", data: [UInt8](repeating: 7, count: 31)).uppercased(),
         .invalidIdentity("wrong key length for a post-quantum identity (31 bytes, not 32)")),
    ]

    @Test(arguments: badIdentities)
    func badIdentity(_ input: String, _ expected: AgeError) {
        #expect(throws: expected) { try AgeIdentity(string: input) }
    }

    @Test func identityErrorsNeverQuoteTheKey() {
        for (input, _) in Self.badIdentities {
            let error = #expect(throws: AgeError.self) { try AgeIdentity(string: input) }
            #expect(error.map { !$0.message.contains(input) && !$0.message.contains(input.dropFirst(16).prefix(20)) } == true)
        }
    }

    @Test func printingAnIdentityShowsNoSecret() {
        let identity = AgeIdentity()
        let secret = String(identity.encoded.dropFirst(16))
        for shown in [String(describing: identity), String(reflecting: identity), "\(identity)", dumped(identity),
                      String(describing: [identity])] {
            #expect(!shown.contains(secret) && !shown.contains("\(identity.x25519!.rawRepresentation)"))
            #expect(shown.contains(identity.recipient.description))
        }
    }

    private func dumped(_ value: some Any) -> String {
        var out = ""
        dump(value, to: &out)
        return out
    }
}
