import Foundation
import Testing
import TestSupport
@testable import SecureChatCore

/// Skeletons for the browser client to match (docs/formats.md, "Known keys"): names with the
/// tricks the look-alike check must see through, and one name for every fourth mapping of
/// confusables.txt, each with its skeleton as code points. Written to
/// Tests/Vectors/names/skeletons.json by `SECURECHAT_WRITE_VECTORS=1 swift test --filter
/// NameSkeletonVectorTests`; otherwise read and every skeleton recomputed, so the file cannot drift.
@Suite struct NameSkeletonVectorTests {
    static let file = Vectors.url("names/skeletons.json")

    static let tricks = [
        "alice", "\u{0430}lice", "alic\u{0435}", "alice ", " alice", "alice\u{00A0}", "ali\u{034F}ce", "ali\u{200B}ce",
        "\u{FF41}lice", "a\u{217C}ice", "alicia", "al ice", "ann\u{00A0}\u{2003} lee", "ann lee", "\u{00E9}mile", "e\u{0301}mile",
        "paypal", "p\u{0430}yp\u{0430}l", "rn", "m", "0", "O", "l", "1", "I", "\u{1F600} smile", "\u{2060}x\u{FE0F}", "bob\u{200D}",
    ]

    static func compute() -> [String: Any] {
        let codePoints = { (s: String) in s.unicodeScalars.map { String($0.value, radix: 16, uppercase: true) } }
        var names = tricks
        let sources = NameSkeleton.table.keys.sorted()
        for (i, c) in sources.enumerated() where i % 4 == 0 {
            if let s = Unicode.Scalar(c) { names.append("x" + String(Character(s))) }
        }
        return [
            "description": "Display-name skeletons (docs/formats.md, \"Known keys\"): name, and its skeleton as hex code points. "
                + "Two names look alike when their skeletons are equal and the names are not.",
            "skeletons": names.map { ["name": $0, "name_code_points": codePoints($0), "skeleton": codePoints(NameSkeleton.skeleton($0))] },
        ]
    }

    @Test func vectorsMatchThisImplementation() throws {
        let computed = Self.compute()
        if ProcessInfo.processInfo.environment["SECURECHAT_WRITE_VECTORS"] == "1" {
            let data = try JSONSerialization.data(withJSONObject: computed, options: [.sortedKeys])
            try FileManager.default.createDirectory(at: Self.file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: Self.file)
        }
        let stored = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.file)) as? NSDictionary)
        #expect(stored == computed as NSDictionary)
    }
}
