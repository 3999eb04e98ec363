import Testing
import SecureChatWire

@Suite struct ValidationTests {
    @Test func roomIDs() {
        #expect(Validation.isRoomID("k3Jd9xQm2LwP8aZt5RvYbc"))
        #expect(Validation.isRoomID("a-b_C"))
        #expect(Validation.isRoomID(String(repeating: "a", count: 64)))
        for bad in ["", String(repeating: "a", count: 65), "a b", "a/b", "a\u{0}b", "é", "a.b", "a#k"] {
            #expect(!Validation.isRoomID(bad), "\(bad)")
        }
    }

    @Test func clientIDs() {
        #expect(Validation.isClientID("msg-1:2@x"))
        for bad in ["", "a b", "a\nb", String(repeating: "x", count: 65), "é"] { #expect(!Validation.isClientID(bad)) }
    }

    @Test func displayNames() {
        #expect(Validation.isDisplayName("Ada Lovelace"))
        #expect(Validation.isDisplayName("Zoë 👩‍💻"))
        for bad in ["", "a\nb", "a\u{1b}[31m", "evil\u{202e}gpj.exe", String(repeating: "x", count: 65)] {
            #expect(!Validation.isDisplayName(bad), "\(bad.debugDescription)")
        }
        #expect(Validation.isNote(""))
        #expect(!Validation.isNote(String(repeating: "n", count: 281)))
    }

    @Test func ciphertexts() {
        let token = "gAAAAABnQ8xW" + String(repeating: "A", count: 88) + "=="
        #expect(Validation.isCiphertext(token))
        #expect(!Validation.isCiphertext("hello world, not encrypted at all" + String(repeating: " ", count: 80)))
        #expect(!Validation.isCiphertext("gAAAA"))
        #expect(!Validation.isCiphertext(token + "<script>"))
    }

    @Test func joinCodes() {
        #expect(Validation.isJoinCode("012345"))
        for bad in ["12345", "1234567", "12345a", "١٢٣٤٥٦"] { #expect(!Validation.isJoinCode(bad)) }
    }
}
