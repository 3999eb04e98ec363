import SecureChatCrypto
import Testing
@testable import SecureChatCore

/// The hybrid post-quantum recipient type (mlkem768x25519): keys, round trips, the mixing rule,
/// and malformed stanzas and keys, each with its exact error.
@Suite struct AgeHybridTests {
    static let identities = (0..<3).map { _ in AgeIdentity.generateHybrid() }

    /// A file to all three identities, and its parsed header.
    static func file(_ plaintext: [UInt8] = [1, 2, 3], armor: Bool = false) throws -> [UInt8] {
        try AgeTest.encrypt(plaintext, to: identities.map(\.recipient), armor: armor)
    }

    // MARK: keys

    @Test func identitiesRoundTripThroughTheirEncoding() throws {
        let identity = Self.identities[0]
        #expect(identity.encoded.hasPrefix("AGE-SECRET-KEY-PQ-1"))
        #expect(identity.recipient.description.hasPrefix("age1pq1"))
        let parsed = try AgeIdentity(string: identity.encoded)
        #expect(parsed.recipient == identity.recipient)
        #expect(try AgeRecipient(string: identity.recipient.description) == identity.recipient)
        #expect(identity.isPostQuantum && identity.recipient.isPostQuantum && identity.x25519 == nil)
        #expect(identity.recipient.stanzaType == "mlkem768x25519")
    }

    @Test func printingAHybridIdentityShowsNoSecret() {
        let identity = Self.identities[1]
        let secret = String(identity.encoded.dropFirst(19))
        for shown in [String(describing: identity), String(reflecting: identity), "\(identity)", String(describing: [identity])] {
            #expect(!shown.contains(secret))
            #expect(shown.contains(identity.recipient.description))
        }
    }

    /// The spec's example identity, whose recipient is fixed by X-Wing's key derivation: this
    /// pins the seed expansion, not only self-consistency.
    @Test func specExampleIdentityGivesItsRecipient() throws {
        let identity = try AgeIdentity(string: "AGE-SECRET-KEY-PQ-1XX76JRALNLXDMEW0CRK45QMCCH4X06SE84UN3VPM33W6HWDX0H3SK3ZQFR")
        let recipient = identity.recipient.description
        #expect(recipient.count == 1959)
        #expect(recipient.hasPrefix("age1pq1x34nzsvr0rxjsgdn8zgyhfe8j7ceq5r9rdelkjuh3y235jzxshfg87pzf5zrqtzdxz95paef6caq5aapdmwjjqpjfdyxnzr2z"))
        #expect(recipient.hasSuffix("dkmhh6gjtqmwze9pyyzk3tlhl53k2ykx3qheyty7saeq0d3fzv49zc0k"))
    }

    static let badKeys: [(String, AgeError)] = {
        let good = identities[0].recipient
        guard case .mlkem768x25519(let key) = good.key else { return [] }
        let raw = key.rawRepresentation
        let zeroShare = Array(raw.prefix(1184)) + [UInt8](repeating: 0, count: 32)
        let notReduced = [UInt8](repeating: 0xff, count: 1184) + raw.suffix(32)
        return [
            (Bech32.encode(hrp: "age1pq", data: Array(raw.dropLast())),
             .invalidRecipient("wrong key length for a post-quantum recipient (1215 bytes, not 1216)")),
            (Bech32.encode(hrp: "age1pq", data: raw + [0]),
             .invalidRecipient("wrong key length for a post-quantum recipient (1217 bytes, not 1216)")),
            (Bech32.encode(hrp: "age1pq", data: zeroShare),
             .invalidRecipient("the X25519 part of the post-quantum recipient is a low-order point")),
            (Bech32.encode(hrp: "age1pq", data: notReduced),
             .invalidRecipient("the ML-KEM-768 part of the post-quantum recipient is not a valid key")),
            (good.description.uppercased(), .invalidRecipient("recipient must be lowercase")),
        ]
    }()

    @Test(arguments: badKeys)
    func badRecipient(_ input: String, _ expected: AgeError) {
        #expect(throws: expected) { try AgeRecipient(string: input) }
    }

    @Test func badIdentities() {
        for (length, expected) in [(33, "wrong key length for a post-quantum identity (33 bytes, not 32)"),
                                   (0, "wrong key length for a post-quantum identity (0 bytes, not 32)")] {
            let text = Bech32.encode(hrp: "AGE-SECRET-KEY-PQ-", data: [UInt8](repeating: 3, count: length)).uppercased()
            #expect(throws: AgeError.invalidIdentity(expected)) { try AgeIdentity(string: text) }
        }
        #expect(throws: AgeError.invalidIdentity("identity must be uppercase")) {
            try AgeIdentity(string: Self.identities[0].encoded.lowercased())
        }
    }

    @Test func identityFileWithGarbage() throws {
        let key = Self.identities[0].encoded
        #expect(throws: AgeError.malformedIdentityFile(line: 3, reason: "expected an AGE-SECRET-KEY-1… line or a # comment")) {
            try AgeIdentityFile.parse("# public key: …\n\(key)\ngarbage\n")
        }
        var damaged = Array(key)
        damaged[30] = damaged[30] == "Q" ? "P" : "Q"
        #expect(throws: AgeError.malformedIdentityFile(line: 1, reason: "invalid checksum")) {
            try AgeIdentityFile.parse(String(damaged) + "\n")
        }
        #expect(throws: AgeError.malformedIdentityFile(line: 1, reason: "wrong key length for a post-quantum identity (31 bytes, not 32)")) {
            try AgeIdentityFile.parse(Bech32.encode(hrp: "AGE-SECRET-KEY-PQ-", data: [UInt8](repeating: 3, count: 31)).uppercased())
        }
        // A post-quantum key opens files but is no chat identity.
        #expect(throws: AgeError.invalidIdentity("a post-quantum identity (AGE-SECRET-KEY-PQ-1…) decrypts files only; a chat identity is an X25519 AGE-SECRET-KEY-1… key")) {
            try IdentityFile.parse(AgeIdentityFile.render(Self.identities[0], created: "2026-12-01T00:00:00Z"))
        }
        let rendered = AgeIdentityFile.render(Self.identities[0], created: "2026-12-01T00:00:00Z")
        #expect(try AgeIdentityFile.parse(rendered).map(\.recipient) == [Self.identities[0].recipient])
    }

    // MARK: round trips

    @Test(arguments: [0, 1, 65535, 65536, 65537], [false, true])
    func roundTripAtChunkEdges(size: Int, armor: Bool) throws {
        let plaintext = SecureRandom.bytes(size)
        let file = try Self.file(plaintext, armor: armor)
        let info = try Age.inspect(MemoryReader(file))
        #expect(info.stanzaTypes == ["mlkem768x25519", "mlkem768x25519", "mlkem768x25519"])
        #expect(info.isPostQuantum && info.armored == armor && info.plaintextSize == size)
        for identity in Self.identities {
            #expect(try AgeTest.decrypt(file, identities: [identity]) == plaintext)
        }
        #expect(try AgeTest.decrypt(file, identities: [AgeIdentity(), AgeIdentity.generateHybrid(), Self.identities[2]]) == plaintext)
    }

    @Test func otherKeysDoNotMatch() throws {
        let file = try Self.file()
        #expect(AgeTest.error { _ = try AgeTest.decrypt(file, identities: [AgeIdentity.generateHybrid()]) } == .noIdentityMatched)
        // An X25519 identity never tries a hybrid stanza, and the reverse.
        #expect(AgeTest.error { _ = try AgeTest.decrypt(file, identities: [AgeIdentity()]) } == .noIdentityMatched)
        let classic = AgeIdentity()
        let x25519File = try AgeTest.encrypt([1], to: [classic.recipient])
        #expect(AgeTest.error { _ = try AgeTest.decrypt(x25519File, identities: Self.identities) } == .noIdentityMatched)
    }

    @Test func mixingWithX25519IsRefused() {
        let recipients = [Self.identities[0].recipient, AgeIdentity().recipient, Self.identities[1].recipient]
        let out = MemoryWriter()
        #expect(throws: AgeError.mixedPostQuantumRecipients(postQuantum: 2, classic: 1)) {
            try Age.encrypt(to: recipients, armor: false, from: MemoryReader([1]), to: out)
        }
        #expect(out.bytes.isEmpty)
    }

    // MARK: malformed stanzas

    /// The file's header with its first stanza replaced by `edit(stanza)`, re-MAC'd, so that
    /// only the stanza is wrong.
    static func fileWithFirstStanza(_ edit: (inout AgeStanza) -> Void) throws -> [UInt8] {
        let fileKey = AgeFileKey.generate()
        var stanza = try AgeHybridStanza.wrap(fileKey: fileKey, to: key(identities[0].recipient))
        edit(&stanza)
        return try AgeBadInputTests.file(stanzas: [stanza], fileKey: fileKey)
    }

    static func key(_ recipient: AgeRecipient) -> MLKEM768X25519.PublicKey {
        guard case .mlkem768x25519(let key) = recipient.key else { fatalError("not a hybrid recipient") }
        return key
    }

    typealias Edit = @Sendable (inout AgeStanza) -> Void

    static func editEnc(_ change: @escaping @Sendable (inout [UInt8]) -> Void) -> Edit {
        { stanza in
            var enc = Base64.decode(stanza.arguments[0].utf8, alphabet: .standard, padded: false)!
            change(&enc)
            stanza.arguments[0] = Base64.encodeUnpadded(enc)
        }
    }

    static let badStanzas: [(String, Edit, AgeError)] = [
        ("enc truncated by a byte", editEnc { $0.removeLast() },
         .malformedHeader("mlkem768x25519 stanza enc is not a canonical 1120-byte value")),
        ("enc a byte too long", editEnc { $0.append(0) },
         .malformedHeader("mlkem768x25519 stanza enc is not a canonical 1120-byte value")),
        ("ML-KEM ciphertext corrupted", editEnc { $0[10] ^= 0x01 }, .noIdentityMatched),
        ("X25519 share corrupted", editEnc { $0[1100] ^= 0x01 }, .noIdentityMatched),
        ("X25519 share of small order", editEnc { $0.replaceSubrange(1088..., with: [UInt8](repeating: 0, count: 32)) },
         .malformedHeader("mlkem768x25519 stanza X25519 share is a low-order point")),
        ("X25519 share 1 (order 1, unreduced spelling p + 1)",
         editEnc { $0.replaceSubrange(1088..., with: [0xee] + [UInt8](repeating: 0xff, count: 30) + [0x7f]) },
         .malformedHeader("mlkem768x25519 stanza X25519 share is a low-order point")),
        ("enc not canonical base64", { $0.arguments[0] = String($0.arguments[0].dropLast()) + "B" },
         .malformedHeader("mlkem768x25519 stanza enc is not a canonical 1120-byte value")),
        ("body tag altered", { $0.body[31] ^= 0x80 }, .noIdentityMatched),
        ("body too short", { $0.body.removeLast() }, .malformedHeader("mlkem768x25519 stanza body must be 32 bytes")),
        ("body too long (a longer file key)", { $0.body += [0] }, .malformedHeader("mlkem768x25519 stanza body must be 32 bytes")),
        ("an extra argument", { $0.arguments.append("x") }, .malformedHeader("mlkem768x25519 stanza must have exactly one argument")),
        ("no argument", { $0.arguments = [] }, .malformedHeader("mlkem768x25519 stanza must have exactly one argument")),
        ("type in uppercase: an unknown stanza", { $0.type = "MLKEM768X25519" }, .noIdentityMatched),
    ]

    @Test(arguments: badStanzas.indices)
    func malformedStanza(_ index: Int) throws {
        let (name, edit, expected) = Self.badStanzas[index]
        let file = try Self.fileWithFirstStanza(edit)
        #expect(AgeTest.error { _ = try AgeTest.decrypt(file, identities: [Self.identities[0]]) } == expected, "\(name)")
    }

    /// The unchanged stanza decrypts, so each failure above is the edit's doing.
    @Test func unchangedStanzaDecrypts() throws {
        let file = try Self.fileWithFirstStanza { _ in }
        #expect(try AgeTest.decrypt(file, identities: [Self.identities[0]]) == [1, 2, 3])
    }

    /// A malformed hybrid stanza fails the header even for an X25519 identity that matches another stanza.
    @Test func malformedHybridStanzaFailsTheHeaderForEveryIdentity() throws {
        let fileKey = AgeFileKey.generate()
        let classic = AgeIdentity()
        var hybrid = try AgeHybridStanza.wrap(fileKey: fileKey, to: Self.key(Self.identities[0].recipient))
        hybrid.body.removeLast()
        let file = try AgeBadInputTests.file(stanzas: [hybrid, try AgeX25519Stanza.wrap(fileKey: fileKey, to: classic.x25519!.publicKey)],
                                             fileKey: fileKey)
        #expect(AgeTest.error { _ = try AgeTest.decrypt(file, identities: [classic]) }
            == .malformedHeader("mlkem768x25519 stanza body must be 32 bytes"))
    }
}
