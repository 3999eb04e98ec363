#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// JSON text for frames, one object per WebSocket text frame. Keys are sorted so that the same
/// frame is always the same bytes (tests and logs compare them), slashes are not escaped.
public enum FrameCoding {
    public static func encode(_ frame: ServerFrame) -> [UInt8] {
        switch frame {
        case .message(let m): FlatJSON.encode(m)
        case .ack(let a): FlatJSON.encode(a)
        default: encodeValue(frame)
        }
    }

    public static func encode(_ frame: ClientFrame) -> [UInt8] { encodeValue(frame) }

    public static func decodeClientFrame<C: Collection<UInt8>>(_ bytes: C) throws(FrameDecodingError) -> ClientFrame {
        if let send = bytes.withContiguousStorageIfAvailable(FlatJSON.decodeSend) ?? nil { return .send(send) }
        return try decodeValue(ClientFrame.self, bytes)
    }

    public static func decodeServerFrame<C: Collection<UInt8>>(_ bytes: C) throws(FrameDecodingError) -> ServerFrame {
        try decodeValue(ServerFrame.self, bytes)
    }

    static func encodeValue<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Frames hold only strings, integers, booleans and finite numbers: encoding cannot fail.
        return Array(try! encoder.encode(value))
    }

    static func decodeValue<T: Decodable, C: Collection<UInt8>>(_ type: T.Type, _ bytes: C) throws(FrameDecodingError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let e as FrameDecodingError {
            throw e
        } catch let DecodingError.keyNotFound(key, _) {
            throw .malformed("missing field '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(_, context) where !context.codingPath.isEmpty {
            throw .malformed("field '\(path(context))' has the wrong type")
        } catch let DecodingError.valueNotFound(_, context) {
            throw .malformed("field '\(path(context))' is null")
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw .malformed("field '\(path(context))' is invalid")
        } catch {
            throw .malformed("not a JSON object")
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}
