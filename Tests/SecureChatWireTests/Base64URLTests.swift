import Testing
import SecureChatWire

@Suite struct Base64URLTests {
    @Test(arguments: [
        ([UInt8](), ""), ([0x66], "Zg"), ([0x66, 0x6f], "Zm8"), ([0x66, 0x6f, 0x6f], "Zm9v"),
        ([0xfb, 0xff, 0xbf], "-_-_"), ([0x00, 0x10, 0x83, 0x10, 0x51, 0x87], "ABCDEFGH"),
    ])
    func encodesAndDecodes(bytes: [UInt8], text: String) {
        #expect(Base64URL.encode(bytes) == text)
        #expect(Base64URL.decode(text) == bytes)
    }

    @Test func acceptsPadding() {
        #expect(Base64URL.decode("Zg==") == [0x66])
        #expect(Base64URL.decode("Zm8=") == [0x66, 0x6f])
    }

    @Test(arguments: ["Z", "Zg=", "Zh", "Zm9=", "Zm+v", "Zm/v", "Zm9v\n", "Z g", "Zg===", "=Zg="])
    func refusesNonCanonical(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }
}
