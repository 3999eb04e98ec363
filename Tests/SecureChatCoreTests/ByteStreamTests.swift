import Testing
@testable import SecureChatCore

@Suite struct ByteStreamTests {
    @Test func readAllHonoursLimit() throws {
        let data = (0..<200_000).map { UInt8(truncatingIfNeeded: $0) }
        #expect(try MemoryReader(data).readAll() == data)
        #expect(try MemoryReader(data).readAll(limit: 199_999) == nil)
        let w = MemoryWriter()
        try w.write([1, 2, 3])
        #expect(w.bytes == [1, 2, 3])
    }
}
