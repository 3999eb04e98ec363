import SecureChatCrypto

/// One recipient stanza: `-> TYPE ARG…` then a base64 body wrapped at 64 columns.
struct AgeStanza: Equatable, Sendable {
    var type: String
    var arguments: [String]
    var body: [UInt8]
}

/// The textual age header: version line, stanzas, and the `---` line with the header MAC.
///
/// Parsing follows the spec's grammar exactly (and so the format is not malleable): LF line
/// endings only, arguments of printable ASCII, canonical unpadded base64, body lines of exactly 64
/// columns until a shorter final one. Its size is capped so hostile input cannot make us buffer
/// an unbounded header.
struct AgeHeader {
    static let versionLine = "age-encryption.org/v1"
    static let magic = Array("age-encryption.org/".utf8)
    /// Far above any real header (an X25519 stanza is about 100 bytes).
    static let maxSize = 1 << 20
    static let columns = 64

    var stanzas: [AgeStanza]
    var mac: [UInt8]
    /// The bytes the MAC covers: from the version line through "---".
    var macInput: [UInt8]
    /// The whole header's size in bytes, through the MAC line's "\n".
    var size: Int

    /// Reads a header from `reader`, leaving it at the first payload byte. Throws
    /// `AgeError.malformedHeader` for anything the grammar does not allow; errors of the reader
    /// pass through.
    static func parse(from reader: AgeBufferedReader) throws -> AgeHeader {
        var raw = [UInt8]()
        var line = [UInt8]()
        func next() throws -> [UInt8] {
            switch try reader.readLine(into: &line, maxLength: maxSize - raw.count) {
            case .complete: break
            case .tooLong: throw AgeError.malformedHeader("header is larger than \(maxSize) bytes")
            case .end where raw.isEmpty: throw AgeError.malformedHeader("file is empty")
            case .end, .unterminated: throw AgeError.malformedHeader("unexpected end of header")
            }
            raw += line
            raw.append(0x0a)
            return line
        }

        let version = try next()
        guard version == Array(versionLine.utf8) else {
            if version == Array((versionLine + "\r").utf8) { throw AgeError.malformedHeader("header lines end with CRLF, not LF") }
            if version.starts(with: magic) { throw AgeError.malformedHeader("unsupported format version") }
            throw AgeError.malformedHeader("not an age file")
        }
        var stanzas = [AgeStanza]()
        while true {
            let first = try next()
            if first.starts(with: Array("---".utf8)) {
                let parts = first.split(separator: 0x20, omittingEmptySubsequences: false)
                guard parts.count == 2, parts[0].elementsEqual("---".utf8), let mac = AgeBase64.decode(parts[1]), mac.count == 32 else {
                    throw AgeError.malformedHeader("malformed MAC line")
                }
                guard !stanzas.isEmpty else { throw AgeError.malformedHeader("no recipient stanzas") }
                let macInput = Array(raw[..<(raw.count - first.count - 1 + 3)])
                return AgeHeader(stanzas: stanzas, mac: mac, macInput: macInput, size: raw.count)
            }
            stanzas.append(try parseStanza(argumentLine: first, next: next))
        }
    }

    private static func parseStanza(argumentLine: [UInt8], next: () throws -> [UInt8]) throws -> AgeStanza {
        let parts = argumentLine.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].elementsEqual("->".utf8) else {
            throw AgeError.malformedHeader("expected a stanza (\"-> \") or the MAC line (\"--- \")")
        }
        let arguments = parts.dropFirst()
        guard arguments.allSatisfy({ !$0.isEmpty && $0.allSatisfy { (33...126).contains($0) } }) else {
            throw AgeError.malformedHeader("malformed stanza arguments")
        }
        let strings = arguments.map { String(decoding: $0, as: UTF8.self) }
        var body = [UInt8]()
        while true {
            let line = try next()
            guard line.count <= columns else { throw AgeError.malformedHeader("stanza body line longer than 64 columns") }
            guard let decoded = AgeBase64.decode(line) else {
                if line.starts(with: Array("---".utf8)) || line.starts(with: Array("->".utf8)) {
                    throw AgeError.malformedHeader("stanza ended without a short final body line")
                }
                throw AgeError.malformedHeader("stanza body is not canonical base64")
            }
            body += decoded
            if line.count < columns {
                return AgeStanza(type: strings[0], arguments: Array(strings.dropFirst()), body: body)
            }
        }
    }

    /// The header for `stanzas`, MAC'd with the file key: what an encrypted file starts with.
    static func encode(stanzas: [AgeStanza], fileKey: [UInt8]) throws(AgeError) -> [UInt8] {
        var out = Array((versionLine + "\n").utf8)
        for stanza in stanzas {
            let arguments = [stanza.type] + stanza.arguments
            precondition(arguments.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { (33...126).contains($0) } })
            out += Array(("-> " + arguments.joined(separator: " ") + "\n").utf8)
            let text = AgeBase64.encode(stanza.body)
            var i = 0
            // Full lines, then a final line shorter than 64 columns, possibly empty.
            while true {
                let n = min(columns, text.count - i)
                out += text[i..<i + n]
                out.append(0x0a)
                i += n
                if n < columns { break }
            }
        }
        out += Array("---".utf8)
        let mac = try computeMAC(fileKey: fileKey, macInput: out)
        out += Array((" " + String(decoding: AgeBase64.encode(mac), as: UTF8.self) + "\n").utf8)
        return out
    }

    /// HMAC-SHA-256 keyed with HKDF(ikm: file key, salt: empty, info: "header").
    static func computeMAC(fileKey: [UInt8], macInput: [UInt8]) throws(AgeError) -> [UInt8] {
        let key: [UInt8]
        do { key = try HKDF.deriveKey(ikm: fileKey, salt: [], info: Array("header".utf8), length: 32) } catch { throw .crypto(error) }
        return HMACSHA256.authenticationCode(for: macInput, key: key)
    }

    func verifyMAC(fileKey: [UInt8]) throws(AgeError) {
        guard Bytes.constantTimeEqual(try AgeHeader.computeMAC(fileKey: fileKey, macInput: macInput), mac) else {
            throw .headerMACMismatch
        }
    }
}
