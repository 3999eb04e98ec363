import Testing
@testable import SecureChatCore

/// The room file format (docs/room-file.md): round trip, and each way a file can be broken.
@Suite struct RoomFileTests {
    static let key1 = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
    static let key2 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

    static let sample = """
        {
          "created" : "2023-11-14T22:13:20Z",
          "expires" : "2023-11-15T22:13:20Z",
          "format" : "securechat-room/1",
          "id" : "AAAAAAAAAAAAAAAAAAAAAA",
          "keys" : [
            "\(key1)",
            "\(key2)"
          ],
          "max_members" : 50,
          "name" : "team",
          "policy" : "open",
          "server" : "http://127.0.0.1:5000"
        }

        """

    @Test func decodesAndEncodesTheDocumentedForm() throws {
        let room = try RoomFile.decode(Array(Self.sample.utf8))
        #expect(room.id.text == "AAAAAAAAAAAAAAAAAAAAAA")
        #expect(room.name == "team" && room.policy == .open && room.memberLimit == 50)
        #expect(room.created == 1_700_000_000 && room.expires == 1_700_086_400)
        #expect(room.server == .local)
        #expect(room.keys.map(\.encoded) == [Self.key1, Self.key2])
        #expect(String(decoding: RoomFile.encode(room), as: UTF8.self) == Self.sample)
    }

    @Test(arguments: [Room.Policy.open, .approval])
    func roundTrip(policy: Room.Policy) throws {
        var room = Room.create(name: "Équipe ☕ \"quoted\" / slash", policy: policy, lifetime: 7200,
                               memberLimit: 7, server: try ServerAddress(parsing: "https://[::1]:8443"), now: 1_700_000_000)
        room.keys.append(.generate())
        #expect(try RoomFile.decode(RoomFile.encode(room)) == room)
    }

    @Test func approvalRoomWithoutKeys() throws {
        let text = Self.sample.replacingOccurrences(of: "\"open\"", with: "\"approval\"")
            .replacingOccurrences(of: "\"\(Self.key1)\",\n    \"\(Self.key2)\"", with: "")
        #expect(try RoomFile.decode(Array(text.utf8)).keys.isEmpty)
    }

    @Test func unknownFieldsAreIgnored() throws {
        let text = Self.sample.replacingOccurrences(of: "\"name\"", with: "\"later\" : {\"x\": [1]},\n  \"name\"")
        #expect(try RoomFile.decode(Array(text.utf8)).name == "team")
    }

    static let broken: [(String, RoomFileError)] = [
        ("", .notJSON),
        ("{\"format\": \"securechat-room/1\",", .notJSON),
        ("[1, 2]", .notJSON),
        ("\u{FEFF}garbage", .notJSON),
        ("{}", .wrongFormat(nil)),
        ("{\"format\": 1}", .wrongFormat(nil)),
        ("{\"format\": \"securechat-room/2\"}", .wrongFormat("securechat-room/2")),
        (edit("\"format\" : \"securechat-room/1\",", ""), .wrongFormat(nil)),
        (edit("\"id\" : \"AAAAAAAAAAAAAAAAAAAAAA\",", ""), .missingField("id")),
        (edit("AAAAAAAAAAAAAAAAAAAAAA", "room-1"), .invalidField("id", "expected 22 characters of base64url")),
        (edit("\"team\"", "\"\""), .invalidField("name", "the name is empty")),
        (edit("\"team\"", "\"a\\u001b[2Jb\""), .invalidField("name", "the name contains a control character")),
        (edit("\"team\"", "7"), .invalidField("name", "wrong type")),
        (edit("\"open\"", "\"secret\""), .invalidField("policy", "expected \"open\" or \"approval\"")),
        (edit("2023-11-15T22:13:20Z", "2023-11-15 22:13:20"), .invalidField("expires", "expected an RFC 3339 UTC time like 2024-05-01T12:00:00Z")),
        (edit("2023-11-15T22:13:20Z", "2023-11-14T22:13:19Z"), .invalidField("expires", "it is before \"created\"")),
        (edit(": 50,", ": 1,"), .invalidField("max_members", "expected 2 to 100000")),
        (edit(": 50,", ": \"50\","), .invalidField("max_members", "wrong type")),
        (edit("http://127.0.0.1:5000", "http://host/x"), .invalidField("server", "unexpected \"/x\" after the host; a server address is http(s)://HOST[:PORT]")),
        (edit("\"server\" : \"http://127.0.0.1:5000\"", "\"server\" : null"), .missingField("server")),
        (edit(key2, "short"), .invalidField("keys", "entry 2: invalid Fernet key: not URL-safe base64 (expected 44 characters of A-Z a-z 0-9 - _ ending in =)")),
        (edit("\"\(key1)\",\n    \"\(key2)\"", ""), .noKeyForOpenRoom),
        (edit("\"keys\" : [\n    \"\(key1)\",\n    \"\(key2)\"\n  ],", ""), .missingField("keys")),
    ]

    static func edit(_ old: String, _ new: String) -> String {
        precondition(sample.contains(old), old)
        return sample.replacingOccurrences(of: old, with: new)
    }

    @Test(arguments: broken)
    func rejects(text: String, error: RoomFileError) {
        #expect(throws: error) { try RoomFile.decode(Array(text.utf8)) }
    }

    @Test func messagesNameTheField() {
        #expect(RoomFileError.wrongFormat(nil).message == "not a room file: it has no \"format\": \"securechat-room/1\" marker")
        #expect(RoomFileError.invalidField("expires", "it is before \"created\"").message == "invalid \"expires\" in the room file: it is before \"created\"")
        #expect(RoomFileError.noKeyForOpenRoom.message == "the room file holds no key, but an open room needs one")
    }

    @Test(arguments: [
        (UInt64(0), "1970-01-01T00:00:00Z"), (1_700_000_000, "2023-11-14T22:13:20Z"),
        (951_782_400, "2000-02-29T00:00:00Z"), (4_107_542_399, "2100-02-28T23:59:59Z"),
        (253_402_300_799, "9999-12-31T23:59:59Z"),
    ])
    func timestamps(seconds: UInt64, text: String) {
        #expect(Timestamp.format(seconds) == text)
        #expect(Timestamp.parse(text) == seconds)
    }

    @Test(arguments: ["2023-02-29T00:00:00Z", "1969-12-31T23:59:59Z", "2023-11-14T24:00:00Z",
                      "2023-11-14T22:13:20+00:00", "2023-11-14T22:13:20.5Z", "2023-1-14T22:13:20Z", "2023-11-14t22:13:20Z"])
    func badTimestamps(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }
}
