@testable import SecureChatWire
import Testing

/// The hand-written coding of `send`, `ack` and `message` must be indistinguishable from the
/// `Codable` path: the same bytes out, the same frames and the same errors in.
struct FlatJSONTests {
    /// Strings that exercise every escape rule: each ASCII byte alone, quotes, slashes, non-ASCII.
    static let strings: [String] = [
        "", "plain", "with space", "a/b", "q\"uote", "back\\slash", "é", "日本語", "😀", "\u{2028}\u{2029}", "\u{7F}", "mixed \"/\\\n\t",
    ] + (0..<0x80).map { String(UnicodeScalar(UInt8($0))) }

    @Test(arguments: strings)
    func messageAndAckAreTheBytesJSONEncoderWrites(_ s: String) {
        let message = ServerFrame.message(.init(roomID: s, seq: 7, sender: WireBytes([0xFB, 0xFF, 0x00, 1]), clientID: s + "x",
                                                ciphertext: "c" + s, time: 1_790_000_000))
        #expect(FrameCoding.encode(message) == FrameCoding.encodeValue(message))
        let ack = ServerFrame.ack(.init(roomID: s, clientID: s, seq: 1))
        #expect(FrameCoding.encode(ack) == FrameCoding.encodeValue(ack))
    }

    @Test(arguments: [Int64.min, -1, 0, 1, 9, 10, 1_790_000_000, Int64.max])
    func integersAreWrittenAsJSONEncoderWritesThem(_ n: Int64) {
        let message = ServerFrame.message(.init(roomID: "r", seq: n, sender: WireBytes([]), clientID: "c", ciphertext: "t", time: n))
        #expect(FrameCoding.encode(message) == FrameCoding.encodeValue(message))
        let ack = ServerFrame.ack(.init(roomID: "r", clientID: "c", seq: n))
        #expect(FrameCoding.encode(ack) == FrameCoding.encodeValue(ack))
    }

    static let plainSend = #"{"type":"send","room_id":"r1","client_id":"c-1","ciphertext":"gAAAAA_-"}"#

    /// What the fast reader takes itself: a plain `send`, in any key order, with JSON whitespace.
    static let fastForms: [String] = [
        plainSend,
        #"{"ciphertext":"gAAAAA_-","client_id":"c-1","room_id":"r1","type":"send"}"#,
        " \t\r\n{ \"type\" : \"send\" ,\n\"room_id\":\"r1\",\"client_id\":\"c-1\",\"ciphertext\":\"gAAAAA_-\" }\n ",
        #"{"type":"send","room_id":"","client_id":"","ciphertext":""}"#,
    ]

    /// What it leaves to `JSONDecoder`, each with the answer `JSONDecoder` gives.
    static let slowForms: [String] = [
        #"{"type":"send","room_id":"r\/1","client_id":"c-1","ciphertext":"gAAAAA_-"}"#,  // an escape
        #"{"type":"send","room_id":"r\u0031","client_id":"c-1","ciphertext":"gAAAAA_-"}"#,
        #"{"type":"send","room_id":"é","client_id":"c-1","ciphertext":"gAAAAA_-"}"#,  // non-ASCII
        #"{"type":"send","room_id":"r1","client_id":"c-1","ciphertext":"gAAAAA_-","extra":1}"#,  // unknown key
        #"{"type":"send","room_id":"r1","client_id":"c-1","ciphertext":"gAAAAA_-","note":"x"}"#,
        #"{"type":"send","room_id":"r1","room_id":"r2","client_id":"c-1","ciphertext":"gAAAAA_-"}"#,  // repeated key
        #"{"type":"send","room_id":"r1","client_id":"c-1"}"#,  // missing field
        #"{"type":"send","room_id":7,"client_id":"c-1","ciphertext":"gAAAAA_-"}"#,  // wrong type
        #"{"type":"send","room_id":null,"client_id":"c-1","ciphertext":"gAAAAA_-"}"#,
        #"{"type":"join","room_id":"r1","client_id":"c-1","ciphertext":"gAAAAA_-"}"#,  // another frame
        #"{"type":"sent","room_id":"r1","client_id":"c-1","ciphertext":"gAAAAA_-"}"#,
        #"{"type":"send","room_id":"r1","client_id":"c-1","ciphertext":"gAAAAA_-"} x"#,  // trailing bytes
        #"{"type":"send","room_id":"r1","client_id":"c-1","ciphertext":"gAAAAA_-"},"#,
        #"{"type":"send","room_id":"r1","client_id":"c-1","ciphertext":"gAAAAA_-",}"#,
        #"{"type":"send","room_id":"r1","client_id":"c-1","ciphertext":"gAAAAA_-""#,  // truncated
        #"{"type":"send","room_id":"r1","client_id":"c-1","ciphertext":"gAAAA"#,
        "{\"type\":\"send\",\"room_id\":\"r\u{1}\",\"client_id\":\"c\",\"ciphertext\":\"t\"}",  // raw control byte
        "{\"type\":\"send\",\"room_id\":\"r\t\",\"client_id\":\"c\",\"ciphertext\":\"t\"}",
        "\u{FEFF}" + plainSend,  // byte order mark
        "{}", "[]", "", " ", "{", "}", "null", "\"send\"",
        #"[{"type":"send","room_id":"r1","client_id":"c-1","ciphertext":"gAAAAA_-"}]"#,
        #"{"type":"send","room_id":"r1","client_id":"c-1","ciphertext":{"a":"b"}}"#,
    ]

    @Test(arguments: fastForms)
    func plainSendFramesTakeTheFastPathAndDecodeAlike(_ text: String) throws {
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBufferPointer(FlatJSON.decodeSend) != nil)
        let fast = try FrameCoding.decodeClientFrame(bytes)
        #expect(fast == (try FrameCoding.decodeValue(ClientFrame.self, bytes)))
        if text == Self.plainSend { #expect(fast == .send(.init(roomID: "r1", clientID: "c-1", ciphertext: "gAAAAA_-"))) }
    }

    @Test(arguments: slowForms)
    func everythingElseIsLeftToJSONDecoder(_ text: String) {
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBufferPointer(FlatJSON.decodeSend) == nil)
        #expect(Self.outcome { try FrameCoding.decodeClientFrame(bytes) } == Self.outcome { try FrameCoding.decodeValue(ClientFrame.self, bytes) })
    }

    /// Random damage to a plain frame: whatever comes out, both paths agree on it.
    @Test func mutatedFramesDecodeAlikeOnBothPaths() {
        var random = SplitMix(seed: 0x5EC0_C4A7)
        let alphabet = Array(#"{}[]":, \/"tnu0a"#.utf8) + [0x00, 0x1F, 0x7F, 0xC3, 0xA9, 0xFF]
        let base = Array(Self.plainSend.utf8)
        var fastHits = 0
        for _ in 0..<3000 {
            var bytes = base
            for _ in 0..<(1 + Int(random.next() % 3)) {
                let at = Int(random.next() % UInt64(bytes.count + 1))
                let byte = alphabet[Int(random.next() % UInt64(alphabet.count))]
                switch random.next() % 3 {
                case 0 where at < bytes.count: bytes[at] = byte
                case 1 where at < bytes.count: bytes.remove(at: at)
                default: bytes.insert(byte, at: at)
                }
            }
            if bytes.withUnsafeBufferPointer(FlatJSON.decodeSend) != nil { fastHits += 1 }
            let fast = Self.outcome { try FrameCoding.decodeClientFrame(bytes) }
            let slow = Self.outcome { try FrameCoding.decodeValue(ClientFrame.self, bytes) }
            #expect(fast == slow, "\(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(fastHits > 0, "some mutations (inside a value) still take the fast path")
    }

    enum Outcome: Equatable { case frame(ClientFrame), error(FrameDecodingError), other(String) }

    static func outcome(_ decode: () throws -> ClientFrame) -> Outcome {
        do { return .frame(try decode()) } catch let e as FrameDecodingError { return .error(e) } catch { return .other("\(error)") }
    }
}

/// A small seeded generator, so a failure can be replayed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
