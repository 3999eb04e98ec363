/// The frames on every message's path, written and read without `Codable`: the relay reads
/// each message once as a `send`, then writes it as an `ack` and a `message`. At a chat's pace
/// the code runs cold, and there `JSONDecoder` took 73 µs to read a `send` where this reader
/// takes 14 µs (the two encodes: about 65 µs against 24 µs).
///
/// Both produce exactly what the `Codable` path does (the tests compare them byte for byte and
/// error for error): the writer emits the same bytes as `FrameCoding.encodeValue`, and the
/// reader accepts only the plainest form of a `send` frame and leaves everything else to
/// `JSONDecoder`, including every error.
enum FlatJSON {
    /// `message`, keys in the sorted order `FrameCoding` uses.
    static func encode(_ m: ServerFrame.Message) -> [UInt8] {
        var w = Writer(capacity: m.ciphertext.utf8.count + m.roomID.utf8.count + m.clientID.utf8.count + 128)
        w.string("ciphertext", m.ciphertext)
        w.string("client_id", m.clientID)
        w.string("room_id", m.roomID)
        w.string("sender", m.sender.base64URL)
        w.integer("seq", m.seq)
        w.integer("time", m.time)
        w.string("type", "message")
        return w.finish()
    }

    /// `ack`, keys in sorted order.
    static func encode(_ a: ServerFrame.Ack) -> [UInt8] {
        var w = Writer(capacity: a.roomID.utf8.count + a.clientID.utf8.count + 64)
        w.string("client_id", a.clientID)
        w.string("room_id", a.roomID)
        w.integer("seq", a.seq)
        w.string("type", "ack")
        return w.finish()
    }

    /// A `send` frame, when it is one object of exactly its four string fields, each once, in
    /// printable ASCII without escapes; nil for anything else (the caller then uses `JSONDecoder`).
    static func decodeSend(_ bytes: UnsafeBufferPointer<UInt8>) -> ClientFrame.Send? {
        var r = Reader(bytes: bytes)
        var type: String?, room: String?, client: String?, ciphertext: String?
        r.skipSpace()
        guard r.take(UInt8(ascii: "{")) else { return nil }
        repeat {
            r.skipSpace()
            guard let key = r.plainString() else { return nil }
            r.skipSpace()
            guard r.take(UInt8(ascii: ":")) else { return nil }
            r.skipSpace()
            guard let value = r.plainString() else { return nil }
            let text = String(decoding: value, as: UTF8.self)
            switch String(decoding: key, as: UTF8.self) {
            case "type" where type == nil: type = text
            case "room_id" where room == nil: room = text
            case "client_id" where client == nil: client = text
            case "ciphertext" where ciphertext == nil: ciphertext = text
            default: return nil  // unknown or repeated
            }
            r.skipSpace()
        } while r.take(UInt8(ascii: ","))
        guard r.take(UInt8(ascii: "}")) else { return nil }
        r.skipSpace()
        guard r.atEnd, type == "send", let room, let client, let ciphertext else { return nil }
        return ClientFrame.Send(roomID: room, clientID: client, ciphertext: ciphertext)
    }

    /// One JSON object, written key by key; strings escaped as `JSONEncoder` escapes them with
    /// `.withoutEscapingSlashes`.
    struct Writer {
        private var bytes: [UInt8] = []

        init(capacity: Int) {
            bytes.reserveCapacity(capacity)
            bytes.append(UInt8(ascii: "{"))
        }

        mutating func string(_ key: StaticString, _ value: String) {
            self.key(key)
            quoted(value)
        }

        mutating func integer(_ key: StaticString, _ value: Int64) {
            self.key(key)
            bytes.append(contentsOf: String(value).utf8)
        }

        mutating func finish() -> [UInt8] {
            bytes.append(UInt8(ascii: "}"))
            return bytes
        }

        private mutating func key(_ key: StaticString) {
            if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\""))
            key.withUTF8Buffer { bytes.append(contentsOf: $0) }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(UInt8(ascii: ":"))
        }

        private mutating func quoted(_ value: String) {
            bytes.append(UInt8(ascii: "\""))
            for b in value.utf8 {
                switch b {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): escaped(b)
                case 0x08: escaped(UInt8(ascii: "b"))
                case 0x09: escaped(UInt8(ascii: "t"))
                case 0x0A: escaped(UInt8(ascii: "n"))
                case 0x0C: escaped(UInt8(ascii: "f"))
                case 0x0D: escaped(UInt8(ascii: "r"))
                case ..<0x20:
                    escaped(UInt8(ascii: "u"))
                    bytes.append(UInt8(ascii: "0"))
                    bytes.append(UInt8(ascii: "0"))
                    bytes.append(Self.hex(b >> 4))
                    bytes.append(Self.hex(b & 0xF))
                default: bytes.append(b)
                }
            }
            bytes.append(UInt8(ascii: "\""))
        }

        private mutating func escaped(_ b: UInt8) {
            bytes.append(UInt8(ascii: "\\"))
            bytes.append(b)
        }

        private static func hex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10 }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0

        var atEnd: Bool { i == bytes.count }

        mutating func skipSpace() {
            while i < bytes.count {
                switch bytes[i] {
                case 0x20, 0x09, 0x0A, 0x0D: i += 1
                default: return
                }
            }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard i < bytes.count, bytes[i] == byte else { return false }
            i += 1
            return true
        }

        /// A string of printable ASCII without escapes; nil (and no promise about the position)
        /// for anything else.
        mutating func plainString() -> UnsafeBufferPointer<UInt8>.SubSequence? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = i
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") {
                    i += 1
                    return bytes[start..<(i - 1)]
                }
                guard b >= 0x20, b < 0x7F, b != UInt8(ascii: "\\") else { return nil }
                i += 1
            }
            return nil
        }
    }
}
