/// A binary value on the wire: base64url without padding in JSON (see docs/protocol.md).
public struct WireBytes: Codable, Hashable, Sendable, CustomStringConvertible {
    public var bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var count: Int { bytes.count }
    public var base64URL: String { Base64URL.encode(bytes) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let bytes = Base64URL.decode(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not base64url"))
        }
        self.bytes = bytes
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(base64URL)
    }

    /// Only the size: binary values are keys and signatures, which have no place in logs.
    public var description: String { "<\(bytes.count) bytes>" }
}
