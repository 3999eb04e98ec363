import Testing
@testable import SecureChatCore

/// Invite links, version 2 (docs/invite.md): what is accepted, what each bad link is told.
@Suite struct InviteLinkTests {
    static let id = "AAAAAAAAAAAAAAAAAAAAAA"
    static let keyText = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4"
    static let open = "http://127.0.0.1:5000/join/\(id)#v=2&k=\(keyText)"
    /// RFC 8032's first test key, a valid Ed25519 public key.
    static let owner = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"

    @Test(arguments: [
        open,
        "http://127.0.0.1:5000/join/\(id)#v=2",
        "https://chat.example.org/join/\(id)#v=2&o=\(owner)&k=\(keyText)",
        "https://[2001:db8::1]:8443/join/\(id)#v=2&o=\(owner)",
        "http://localhost:1/join/\(id)#v=2",
    ])
    func roundTrip(text: String) throws {
        let link = try InviteLink(parsing: text)
        #expect(link.text == text)
        #expect(try InviteLink(parsing: link.text) == link)
        #expect(InviteLink.looksLikeInvite(text))
    }

    @Test func fieldsOfAnOpenLink() throws {
        let link = try InviteLink(parsing: Self.open)
        #expect(link.server == .local)
        #expect(link.roomID.text == Self.id)
        #expect(link.key == (try FernetKey(encoded: Self.keyText + "=")))
        #expect(link.policy == .open)
        #expect(try InviteLink(parsing: "http://127.0.0.1:5000/join/\(Self.id)#v=1").policy == .approval)
    }

    @Test func parametersInAnyOrder() throws {
        let link = try InviteLink(parsing: "http://127.0.0.1:5000/join/\(Self.id)#k=\(Self.keyText)&v=2")
        #expect(link.text == Self.open)
        let pinned = try InviteLink(parsing: "http://127.0.0.1:5000/join/\(Self.id)#k=\(Self.keyText)&o=\(Self.owner)&v=2")
        #expect(pinned.text == "http://127.0.0.1:5000/join/\(Self.id)#v=2&o=\(Self.owner)&k=\(Self.keyText)")
        #expect(pinned.owner?.count == 32)
    }

    @Test func versionOneLinksAreStillRead() throws {
        let link = try InviteLink(parsing: "http://127.0.0.1:5000/join/\(Self.id)#v=1&k=\(Self.keyText)")
        #expect(link.text == Self.open && link.owner == nil)
        #expect(throws: InviteError.unknownParameter("o")) {
            try InviteLink(parsing: "http://127.0.0.1:5000/join/\(Self.id)#v=1&o=\(Self.owner)&k=\(Self.keyText)")
        }
    }

    @Test(arguments: [Room.Policy.open, .approval])
    func createdRoomsRoundTrip(policy: Room.Policy) throws {
        for _ in 0..<50 {
            let room = Room.create(name: "r", policy: policy, now: 0)
            let text = room.invite.text
            #expect(try InviteLink(parsing: text) == room.invite)
            #expect(try InviteLink(parsing: text).text == text)
            #expect((try InviteLink(parsing: text).key == nil) == (policy == .approval))
        }
    }

    static let base = "http://127.0.0.1:5000/join/"
    static let malformed: [(String, InviteError)] = [
        ("", .empty),
        (" " + open, .invalidCharacter(offset: 0)),
        (open + "\n", .invalidCharacter(offset: open.utf8.count)),
        ("http://127.0.0.1:5000/join/\(id)#v=1&k=é", .invalidCharacter(offset: 56)),
        ("ftp://127.0.0.1/join/\(id)#v=1", .unsupportedScheme("ftp")),
        ("HTTP://127.0.0.1/join/\(id)#v=1", .unsupportedScheme("HTTP")),
        ("127.0.0.1:5000/join/\(id)#v=1", .unsupportedScheme(nil)),
        ("http:///join/\(id)#v=1", .missingHost),
        ("http://:5000/join/\(id)#v=1", .missingHost),
        ("http://user@host/join/\(id)#v=1", .invalidHost("user@host")),
        ("http://[::1/join/\(id)#v=1", .invalidHost("[::1")),
        ("http://[zz]/join/\(id)#v=1", .invalidHost("[zz]")),
        ("http://host:0/join/\(id)#v=1", .invalidPort("0")),
        ("http://host:65536/join/\(id)#v=1", .invalidPort("65536")),
        ("http://host:080/join/\(id)#v=1", .invalidPort("080")),
        ("http://host:/join/\(id)#v=1", .invalidPort("")),
        ("http://host/join/\(id)?k=\(keyText)", .queryNotAllowed),
        ("http://host/\(id)#v=1", .missingJoinPath("/\(id)")),
        ("http://host#v=1", .missingJoinPath("")),
        ("http://host/Join/\(id)#v=1", .missingJoinPath("/Join/\(id)")),
        (base + "#v=1", .missingRoomID),
        (base, .missingRoomID),
        (base + "AAAAAAAAAAAAAAAAAAAAA#v=1", .invalidRoomID("AAAAAAAAAAAAAAAAAAAAA")),
        (base + "AAAAAAAAAAAAAAAAAAAAAAA#v=1", .invalidRoomID("AAAAAAAAAAAAAAAAAAAAAAA")),
        (base + "AAAAAAAAAAAAAAAAAAAA+A#v=1", .invalidRoomID("AAAAAAAAAAAAAAAAAAAA+A")),
        (base + "AAAAAAAAAAAAAAAAAAAAAB#v=1", .invalidRoomID("AAAAAAAAAAAAAAAAAAAAAB")),
        (base + "\(id)/#v=1", .invalidRoomID("\(id)/")),
        (base + id, .unknownVersion(nil)),
        (base + id + "#", .unknownVersion(nil)),
        (base + id + "#k=\(keyText)", .unknownVersion(nil)),
        (base + id + "#v=3&k=\(keyText)", .unknownVersion("3")),
        (base + id + "#v=2&o=\(keyText.dropLast())", .invalidOwner),
        (base + id + "#v=2&o=\(String(repeating: "A", count: 42))B", .invalidOwner),
        (base + id + "#v=2&o=\(owner)&o=\(owner)", .duplicateParameter("o")),
        (base + id + "#v=&k=\(keyText)", .unknownVersion("")),
        (base + id + "#v=1&k=\(keyText)&x=1", .unknownParameter("x")),
        (base + id + "#v=1&&k=\(keyText)", .malformedParameter("")),
        (base + id + "#v=1&k", .malformedParameter("k")),
        (base + id + "#v=1&=x", .malformedParameter("=x")),
        (base + id + "#v=1&v=1", .duplicateParameter("v")),
        (base + id + "#v=1&k=\(keyText)&k=\(keyText)", .duplicateParameter("k")),
        (base + id + "#v=1&k=", .invalidKeyLength(0)),
        (base + id + "#v=1&k=\(keyText.dropLast())", .invalidKeyLength(42)),
        (base + id + "#v=1&k=\(keyText)=", .invalidKeyLength(44)),
        (base + id + "#v=1&k=\(keyText.dropLast())+", .invalidKey),
        (base + id + "#v=1&k=\(keyText.dropLast())B", .invalidKey),
    ]

    @Test(arguments: malformed)
    func rejects(text: String, error: InviteError) {
        #expect(throws: error) { try InviteLink(parsing: text) }
    }

    @Test func messages() {
        #expect(InviteError.empty.message == "invalid invite link: it is empty")
        #expect(InviteError.invalidKeyLength(42).message == "invalid invite link: the room key must be 43 characters of base64url, got 42")
        #expect(InviteError.unknownVersion("3").message == "invalid invite link: unknown invite version \"3\"; this securechat reads versions 1 and 2")
        #expect(InviteError.unknownVersion(nil).reason == "unknown invite version: the fragment has no v= parameter")
    }

    @Test(arguments: [
        ("https://x/join/y", true), ("  http://h/join/  \n", true), ("http://example.org", false),
        ("gAAAAABl", false), ("age1qyqszqgpqyqszqgpqyqszqgp", false), ("ftp://x/join/y", false),
    ])
    func looksLikeInvite(text: String, expected: Bool) {
        #expect(InviteLink.looksLikeInvite(text) == expected)
    }

    @Test(arguments: [
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("https://relay.example.org/", "https://relay.example.org"),
        ("https://[::1]:443", "https://[::1]:443"),
    ])
    func serverAddress(text: String, canonical: String) throws {
        #expect(try ServerAddress(parsing: text).description == canonical)
    }

    @Test(arguments: [
        ("https://relay.example.org/chat", InviteError.serverHasPath("/chat")),
        ("https://relay.example.org#x", .serverHasPath("#x")),
        ("ws://relay", .unsupportedScheme("ws")),
        ("relay.example.org", .unsupportedScheme(nil)),
    ])
    func badServerAddress(text: String, error: InviteError) {
        #expect(throws: error) { try ServerAddress(parsing: text) }
    }
}
