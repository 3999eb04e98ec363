import SecureChatCore
import SecureChatCrypto
import SecureChatGroup
import SecureChatWire

/// The fuzz targets: every parser that reads outside input, each given arbitrary bytes. A parser
/// may refuse its input with its typed error (that is its job); it must never trap, hang or
/// break a round-trip property: what it accepts, written back out and read again, is the same
/// value (parse ∘ write = identity), and what is encrypted decrypts to itself.
///
/// The same functions run under libFuzzer (`securechat-fuzz`, `scripts/fuzz`) and in the normal
/// test suite, which replays the seed inputs and every input a fuzzer ever found
/// (`Tests/FuzzRegressions/TARGET/`).
public enum FuzzTargets {
    /// A broken property: what was expected, and what happened instead.
    public struct Violation: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// One target: arbitrary bytes in; throws `Violation` when a property does not hold.
    public typealias Target = @Sendable ([UInt8]) throws(Violation) -> Void

    /// Every target by name (the name is also its corpus and regression directory).
    public static let all: [String: Target] = [
        "client-frame": clientFrame,
        "server-frame": serverFrame,
        "fernet-token": fernetToken,
        "fernet-key": fernetKey,
        "age-file": ageFile,
        "age-identity-file": ageIdentityFile,
        "age-recipients-file": ageRecipientsFile,
        "identity-file": identityFile,
        "invite-link": inviteLink,
        "room-file": roomFile,
        "envelope": envelope,
        "group-commit": groupCommit,
        "known-keys": knownKeys,
        "relay-http-headers": relayHTTPHeaders,
    ]

    public static var names: [String] { all.keys.sorted() }

    /// Whether the target's parser accepts `bytes` (every seed must be accepted, so that the
    /// round-trip properties are exercised from the first run).
    public static func accepts(_ name: String, _ bytes: [UInt8]) -> Bool {
        switch name {
        case "client-frame": (try? FrameCoding.decodeClientFrame(bytes)) != nil
        case "server-frame": (try? FrameCoding.decodeServerFrame(bytes)) != nil
        case "fernet-token": (try? Fernet(key: key).decrypt(text(bytes), now: now)) != nil
        case "fernet-key": (try? FernetKey(encoded: text(bytes))) != nil
        case "age-file": (try? Age.decrypt(identities: [ageIdentity], passphrase: nil, from: MemoryReader(bytes), to: MemoryWriter())) != nil
        case "age-identity-file": (try? AgeIdentityFile.parse(text(bytes))) != nil
        case "age-recipients-file": (try? AgeRecipientsFile.parse(text(bytes))) != nil
        case "identity-file": (try? IdentityFile.parse(text(bytes))) != nil
        case "invite-link": (try? InviteLink(parsing: text(bytes))) != nil
        case "room-file": (try? RoomFile.decode(bytes)) != nil
        case "envelope": (try? Envelope.open(bytes)) != nil
        case "group-commit": (try? GroupCommit(parsing: bytes)) != nil
        case "known-keys": (try? KnownKeysFile.decode(bytes)) != nil
        case "relay-http-headers": (try? LogExportRequest(query: httpRequest(bytes).query, headers: httpRequest(bytes).headers)) != nil
        default: false
        }
    }

    static func require(_ condition: Bool, _ what: @autoclosure () -> String) throws(Violation) {
        if !condition { throw Violation(what()) }
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    // MARK: Relay frames (the relay reads client frames, the client reads server frames)

    @Sendable static func clientFrame(_ bytes: [UInt8]) throws(Violation) {
        guard let frame = try? FrameCoding.decodeClientFrame(bytes) else { return }
        let again = try? FrameCoding.decodeClientFrame(FrameCoding.encode(frame))
        try require(again == frame, "a client frame written back does not read as itself: \(frame)")
    }

    @Sendable static func serverFrame(_ bytes: [UInt8]) throws(Violation) {
        guard let frame = try? FrameCoding.decodeServerFrame(bytes) else { return }
        let again = try? FrameCoding.decodeServerFrame(FrameCoding.encode(frame))
        try require(again == frame, "a server frame written back does not read as itself: \(frame)")
    }

    // MARK: Fernet

    /// A fixed key, so that the fuzzer can find valid HMACs only by breaking HMAC-SHA256.
    static let key = try! FernetKey(rawRepresentation: (0..<32).map { UInt8($0) })
    static let now: UInt64 = 1_700_000_000

    @Sendable static func fernetToken(_ bytes: [UInt8]) throws(Violation) {
        let fernet = Fernet(key: key)
        _ = try? fernet.decrypt(text(bytes), ttl: 60, now: now)
        _ = try? fernet.decrypt(bytes: bytes, now: now)
        // decrypt ∘ encrypt = identity, with the input as the plaintext.
        let token = fernet.encrypt(bytes, now: now)
        let plain = try? fernet.decrypt(token, ttl: 60, now: now)
        try require(plain == bytes, "a token made by encrypt does not decrypt to its plaintext")
    }

    @Sendable static func fernetKey(_ bytes: [UInt8]) throws(Violation) {
        guard let key = try? FernetKey(encoded: text(bytes)) else { return }
        let again = try? FernetKey(encoded: key.encoded)
        try require(again == key, "a Fernet key written back does not read as itself")
    }

    // MARK: age

    static let ageIdentity = try! AgeIdentity(string: "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0")

    @Sendable static func ageFile(_ bytes: [UInt8]) throws(Violation) {
        // Header, stanzas, armor and payload, with an identity and a passphrase at hand (work
        // factors above 4 are refused, so no input can make scrypt run long).
        try? Age.decrypt(identities: [ageIdentity], passphrase: { Array("fuzz".utf8) }, maxWorkFactor: 4,
                         from: MemoryReader(bytes), to: MemoryWriter())
        // decrypt ∘ encrypt = identity, binary and armored.
        for armor in [false, true] {
            let sealed = MemoryWriter(), opened = MemoryWriter()
            do {
                try Age.encrypt(to: [ageIdentity.recipient], armor: armor, from: MemoryReader(bytes), to: sealed)
                try Age.decrypt(identities: [ageIdentity], passphrase: nil, from: MemoryReader(sealed.bytes), to: opened)
            } catch {
                throw Violation("an age file made by encrypt (armor: \(armor)) does not decrypt: \(error)")
            }
            try require(opened.bytes == bytes, "an age file made by encrypt (armor: \(armor)) decrypts to other bytes")
        }
    }

    @Sendable static func ageIdentityFile(_ bytes: [UInt8]) throws(Violation) {
        guard let identities = try? AgeIdentityFile.parse(text(bytes)) else { return }
        for identity in identities {
            let again = try? AgeIdentity(string: identity.encoded)
            try require(again?.recipient == identity.recipient, "an age identity written back does not read as itself")
        }
    }

    @Sendable static func ageRecipientsFile(_ bytes: [UInt8]) throws(Violation) {
        guard let recipients = try? AgeRecipientsFile.parse(text(bytes)) else { return }
        for recipient in recipients {
            let again = try? AgeRecipient(string: recipient.description)
            try require(again == recipient, "an age recipient written back does not read as itself")
        }
    }

    @Sendable static func identityFile(_ bytes: [UInt8]) throws(Violation) {
        guard let identity = try? IdentityFile.parse(text(bytes)) else { return }
        let again = try? IdentityFile.parse(IdentityFile.render(identity, created: "2026-01-01T00:00:00Z"))
        try require(again?.publicIdentity == identity.publicIdentity, "an identity file written back does not read as itself")
    }

    // MARK: Rooms, invites, envelopes, group state

    @Sendable static func inviteLink(_ bytes: [UInt8]) throws(Violation) {
        guard let link = try? InviteLink(parsing: text(bytes)) else { return }
        let again = try? InviteLink(parsing: link.text)
        try require(again == link, "an invite link written back does not read as itself: \(link.text)")
    }

    @Sendable static func roomFile(_ bytes: [UInt8]) throws(Violation) {
        guard let room = try? RoomFile.decode(bytes) else { return }
        let again = try? RoomFile.decode(RoomFile.encode(room))
        try require(again == room, "a room file written back does not read as itself")
    }

    static let signer = try! Curve25519.Signing.PrivateKey(rawRepresentation: (0..<32).map { UInt8(255 - $0) })

    @Sendable static func envelope(_ bytes: [UInt8]) throws(Violation) {
        if let opened = try? Envelope.open(bytes) {
            try require(opened.sender.count == 32, "an envelope opened with a sender of \(opened.sender.count) bytes")
        }
        // open ∘ sign = identity, with the input as the body.
        let made = Envelope(kind: .text, sender: signer.publicKey.rawRepresentation, roomID: "fuzz-room", counter: 1, time: now, body: bytes)
        guard let signed = try? made.signed(by: signer) else {
            try require(bytes.count > Envelope.maxBody, "an envelope with a \(bytes.count)-byte body could not be signed")
            return
        }
        try require((try? Envelope.open(signed)) == made, "a signed envelope does not open as itself")
    }

    @Sendable static func groupCommit(_ bytes: [UInt8]) throws(Violation) {
        guard let commit = try? GroupCommit(parsing: bytes) else { return }
        let again = try? GroupCommit(parsing: commit.bytes)
        try require(again == commit, "a group commit written back does not read as itself")
    }

    @Sendable static func knownKeys(_ bytes: [UInt8]) throws(Violation) {
        guard let keys = try? KnownKeysFile.decode(bytes) else { return }
        let again = try? KnownKeysFile.decode(KnownKeysFile.encode(keys))
        try require(again == keys, "a known-keys file written back does not read as itself")
    }

    // MARK: The relay's HTTP headers

    /// A request's parts as the relay reads them, from lines of text (LF or CRLF): one `?QUERY`
    /// line (`name=value` pairs joined by `&`, as Hummingbird splits them), `Name: value` header
    /// lines, and nothing else.
    static func httpRequest(_ bytes: [UInt8]) -> (query: [(name: String, value: String)], headers: [(name: String, value: String)]) {
        var query = [(name: String, value: String)](), headers = [(name: String, value: String)]()
        for raw in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            let line = text(Array(raw.last == UInt8(ascii: "\r") ? raw.dropLast() : raw))
            if line.hasPrefix("?") {
                for pair in line.dropFirst().split(separator: "&") {
                    let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    query.append((String(parts[0]), parts.count > 1 ? String(parts[1]) : ""))
                }
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" })))
            }
        }
        return (query, headers)
    }

    /// The log export's query and signature headers (`LogExportRequest`), and a WebSocket
    /// upgrade's `Origin` against the relay origin its `Host` names (`BrowserOrigin`,
    /// `RelayOrigin.fromHost`).
    @Sendable static func relayHTTPHeaders(_ bytes: [UInt8]) throws(Violation) {
        let (query, headers) = httpRequest(bytes)
        if let request = try? LogExportRequest(query: query, headers: headers) {
            let again = try? LogExportRequest(query: request.query, headers: request.headers)
            try require(again == request, "a log export request written back does not read as itself: \(request)")
        }
        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name }?.value }
        let relayOrigin = header("host").flatMap { RelayOrigin.fromHost($0, tls: false) }
        if let relayOrigin {
            try require(RelayOrigin.fromURL(relayOrigin) == relayOrigin, "a relay origin read again is another: \(relayOrigin)")
        }
        // A page's origin is let in only when it names this relay exactly.
        if let origin = header("origin"), origin.lowercased().hasPrefix("http"),
           BrowserOrigin.mayConnect(origin: origin, relayOrigins: relayOrigin.map { [$0] } ?? []) {
            try require(RelayOrigin.fromURL(origin) == relayOrigin, "origin \(origin) let in for \(relayOrigin ?? "no relay origin")")
        }
    }
}
