import Testing
@testable import SecureChatCore

/// Finding 14 of docs/security.md: display names that differ from a known member's only by
/// letters of another script, spaces or invisible characters were shown exactly like it.
@Suite struct NameSkeletonTests {
    @Test(arguments: [
        ("\u{0430}lice", "Cyrillic a"),
        ("alic\u{0435}", "Cyrillic e"),
        ("alice ", "a trailing space"),
        (" alice", "a leading space"),
        ("alice\u{00A0}", "a no-break space"),
        ("ali\u{034F}ce", "a combining grapheme joiner"),
        ("ali\u{200B}ce", "a zero-width space"),
        ("\u{FF41}lice", "a fullwidth a"),
        ("a\u{217C}ice", "a Roman numeral fifty for l"),
        ("alic\u{0435}\u{00A0}", "Cyrillic e and a no-break space"),
    ])
    func looksLikeAlice(name: String, trick: String) {
        #expect(NameSkeleton.looksAlike(name, "alice"), "\(trick)")
        #expect(NameSkeleton.skeleton(name) == NameSkeleton.skeleton("alice"), "\(trick)")
    }

    @Test(arguments: [("alice", "alice"), ("alice", "alicia"), ("alice", "bob"), ("alice", "alice2"), ("al ice", "alice")])
    func differentOrIdenticalNamesAreNotLookAlikes(a: String, b: String) {
        #expect(!NameSkeleton.looksAlike(a, b))
    }

    @Test func spacesInsideANameCollapseToOne() {
        #expect(NameSkeleton.skeleton("ann\u{00A0}\u{2003} lee") == NameSkeleton.skeleton("ann lee"))
        // Canonically equivalent spellings have one skeleton.
        #expect(NameSkeleton.skeleton("\u{00E9}mile") == NameSkeleton.skeleton("e\u{0301}mile"))
    }

    @Test func theTableIsUnicodes() {
        #expect(NameSkeleton.table.count > 6000)
        #expect(NameSkeleton.table[0x0430] == ["a"])
    }

    // The trust-on-first-use records flag a look-alike under another key, once, and remember it.
    @Test func aLookAlikeNameWithAnotherKeyIsFlagged() {
        let alice = Identity.generate().publicIdentity, mallory = Identity.generate().publicIdentity
        var known = KnownKeys()
        #expect(known.observe(roomID: "r", name: "alice", identity: alice, now: 1) == .new)
        #expect(known.observe(roomID: "r", name: "\u{0430}lice", identity: mallory, now: 2) == .looksLike(name: "alice", identity: alice))
        #expect(known.observe(roomID: "r", name: "\u{0430}lice", identity: mallory, now: 3) == .known)
        #expect(known.lookalike(roomID: "r", name: "\u{0430}lice", identity: mallory)?.name == "alice")
        // Other rooms are no alarm; neither is a member under a look-alike of its own name.
        #expect(known.observe(roomID: "other", name: "al\u{0456}ce", identity: mallory, now: 5) == .new)
        var solo = KnownKeys()
        _ = solo.observe(roomID: "r", name: "alice", identity: alice, now: 1)
        #expect(solo.observe(roomID: "r", name: "alice ", identity: alice, now: 4) == .new)
    }
}
