import Testing
@testable import SecureChatCore

/// Issue 17, finding 8: every file name made from a room id goes through `RoomPath.file`.
@Suite struct RoomPathTests {
    static let refused: [(String, RoomPathError)] = [
        ("../../x", .invalidRoomID("../../x")), ("..", .invalidRoomID("..")), (".", .invalidRoomID(".")),
        ("a/b", .invalidRoomID("a/b")), ("/etc", .invalidRoomID("/etc")), ("", .invalidRoomID("")),
        ("x\u{0}y", .invalidRoomID("x\u{0}y")), ("room id", .invalidRoomID("room id")), ("caf\u{E9}", .invalidRoomID("caf\u{E9}")),
        ("a\\b", .invalidRoomID("a\\b")), (String(repeating: "a", count: 65), .invalidRoomID(String(repeating: "a", count: 65))),
    ]

    @Test(arguments: refused) func refusesAnythingButARoomID(_ id: String, _ error: RoomPathError) {
        #expect(throws: error) { try RoomPath.file(in: "/data/state", roomID: id, suffix: ".json") }
    }

    @Test func buildsOnePathComponent() throws {
        #expect(try RoomPath.file(in: "/d", roomID: "Ab-_09", suffix: ".json") == "/d/Ab-_09.json")
        let longest = String(repeating: "z", count: 64)
        #expect(try RoomPath.file(in: "/d", roomID: longest, suffix: ".k.json") == "/d/\(longest).k.json")
        #expect(throws: RoomPathError.invalidSuffix("/../x")) { try RoomPath.file(in: "/d", roomID: "a", suffix: "/../x") }
        #expect(RoomPathError.invalidRoomID("../x").message == "not a room id: \"../x\" (a room id is 1 to 64 characters of A-Z a-z 0-9 - _)")
    }
}

/// Room ids this project makes are safe on a command line: none starts with `-`, which the
/// argument parser would read as options (`room show -Ab…`). With the old draw, one id in 64 did.
@Suite struct RoomIDDrawTests {
    @Test func freshIdsNeverStartWithADash() {
        let ids = (0..<5000).map { _ in RoomID.random().text }
        #expect(!ids.contains { $0.hasPrefix("-") })
        #expect(Set(ids).count == ids.count && ids.allSatisfy { $0.count == 22 })
    }
}
