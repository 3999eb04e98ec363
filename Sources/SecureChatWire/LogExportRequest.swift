/// What a client asks of `GET /api/rooms/ROOM_ID/log` (docs/protocol.md, "HTTP"), read from the
/// request's query and headers exactly as they arrived. Reading is pure: text in, a value or
/// `Failure` out. What needs more than the text (the clock, the signature over the request, the
/// nonces already served, membership) the relay checks afterwards.
public struct LogExportRequest: Equatable, Sendable {
    /// The body's lines: Fernet tokens (`text`, the default) or the relay's `message` frames (`jsonl`).
    public enum Format: String, Sendable, CaseIterable { case text, jsonl }

    /// The headers of a signed export, in the order docs/protocol.md lists them.
    public enum Header: String, Sendable, CaseIterable {
        case key = "X-Securechat-Key"
        case time = "X-Securechat-Time"
        case nonce = "X-Securechat-Nonce"
        case signature = "X-Securechat-Signature"
    }

    /// Nonce sizes in bytes, before base64url.
    public static let nonceBytes = 16...64

    /// Messages with `seq` greater than this: 0 or more.
    public let after: Int64
    public let format: Format
    /// The member's Ed25519 public key: 32 bytes.
    public let key: [UInt8]
    /// Unix seconds, as the client's clock had it.
    public let time: Int64
    /// The header's text as sent (base64url of `nonceBytes` bytes): the signed payload names it so.
    public let nonce: String
    /// Ed25519 over `SignedPayload.logExport`: 64 bytes.
    public let signature: [UInt8]

    public init(after: Int64, format: Format = .text, key: [UInt8], time: Int64, nonce: String, signature: [UInt8]) {
        self.after = after
        self.format = format
        self.key = key
        self.time = time
        self.nonce = nonce
        self.signature = signature
    }

    /// Why a request's text is not a log export request. `description` is the sentence the
    /// relay answers with; `isBadRequest` picks 400 over 401 (docs/protocol.md, "HTTP").
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// `after` is not a whole number from 0 to 2^63-1 written in plain decimal.
        case after
        /// `format` is neither `text` nor `jsonl`.
        case format
        /// A query parameter or header that must appear at most once appeared more often.
        case repeated(String)
        /// These signature headers are absent (in `Header` order).
        case unsigned([Header])
        case key, time, nonce, signature

        public var isBadRequest: Bool {
            switch self {
            case .after, .format: true
            case .repeated(let name): name == "after" || name == "format"
            default: false
            }
        }

        public var description: String {
            switch self {
            case .after: "after must be a sequence number (0 or more, in decimal)"
            case .format: "format must be text or jsonl"
            case .repeated(let name): "\(name) may be given only once"
            case .unsigned(let missing):
                "sign the request: " + Header.allCases.map(\.rawValue).joined(separator: ", ")
                    + " (missing: " + missing.map(\.rawValue).joined(separator: ", ") + ")"
            case .key: "\(Header.key.rawValue) must be a 32-byte Ed25519 public key, base64url"
            case .time: "\(Header.time.rawValue) must be Unix seconds in decimal"
            case .nonce:
                "\(Header.nonce.rawValue) must be \(LogExportRequest.nonceBytes.lowerBound) to \(LogExportRequest.nonceBytes.upperBound) random bytes, base64url"
            case .signature: "\(Header.signature.rawValue) must be a 64-byte Ed25519 signature, base64url"
            }
        }
    }

    /// Reads a request from its query parameters (names as sent, values percent-decoded) and
    /// its header fields (names compared without case, values as sent). Other parameters and
    /// headers are ignored. The first failure in this order is thrown: query (`after`, then
    /// `format`), headers present and single, then key, time, nonce, signature.
    public init(query: [(name: String, value: String)], headers: [(name: String, value: String)]) throws(Failure) {
        func single(_ values: [String], _ name: String) throws(Failure) -> String? {
            guard values.count <= 1 else { throw .repeated(name) }
            return values.first
        }
        var after: Int64 = 0
        if let text = try single(query.filter { $0.name == "after" }.map(\.value), "after") {
            guard let n = Self.decimal(text), n >= 0 else { throw .after }
            after = n
        }
        var format = Format.text
        if let text = try single(query.filter { $0.name == "format" }.map(\.value), "format") {
            guard let f = Format(rawValue: text) else { throw .format }
            format = f
        }

        var values = [Header: String]()
        for header in Header.allCases {
            let name = header.rawValue.lowercased()
            values[header] = try single(headers.filter { $0.name.lowercased() == name }.map(\.value), header.rawValue)
        }
        let missing = Header.allCases.filter { values[$0] == nil }
        guard missing.isEmpty, let keyText = values[.key], let timeText = values[.time], let nonce = values[.nonce],
              let signatureText = values[.signature] else { throw .unsigned(missing) }
        guard let key = Base64URL.decode(keyText), key.count == 32 else { throw .key }
        guard let time = Self.decimal(timeText) else { throw .time }
        guard let nonceBytes = Base64URL.decode(nonce), Self.nonceBytes.contains(nonceBytes.count) else { throw .nonce }
        guard let signature = Base64URL.decode(signatureText), signature.count == 64 else { throw .signature }
        self.init(after: after, format: format, key: key, time: time, nonce: nonce, signature: signature)
    }

    /// The query and headers that read as this request (a client's side of `init(query:headers:)`).
    public var query: [(name: String, value: String)] {
        var query: [(name: String, value: String)] = [(name: "after", value: String(after))]
        if format != .text { query.append((name: "format", value: format.rawValue)) }
        return query
    }

    public var headers: [(name: String, value: String)] {
        [(Header.key.rawValue, Base64URL.encode(key)), (Header.time.rawValue, String(time)),
         (Header.nonce.rawValue, nonce), (Header.signature.rawValue, Base64URL.encode(signature))]
    }

    /// What the signature covers (`SignedPayload.logExport`).
    public func signedPayload(roomID: String) -> [UInt8] {
        SignedPayload.logExport(roomID: roomID, after: after, time: time, nonce: nonce)
    }

    /// An `Int64` written the one way `String(_:)` writes it: no sign but a leading `-`, no
    /// leading zeros, no spaces; nil otherwise or when it does not fit.
    static func decimal(_ text: String) -> Int64? {
        guard text.utf8.count <= 20, let value = Int64(text), String(value) == text else { return nil }
        return value
    }
}
