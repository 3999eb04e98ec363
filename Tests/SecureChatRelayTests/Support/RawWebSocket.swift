import Foundation
import SecureChatCrypto

#if canImport(Glibc)
import Glibc
#endif

/// A WebSocket client on a blocking socket, frame by frame: for the frames a WebSocket library
/// would never send (reserved bits and opcodes, bad close codes, half-closed sockets).
final class RawWebSocket {
    struct Frame: Equatable {
        var opcode: UInt8
        var payload: [UInt8]
        var text: String { String(decoding: payload, as: UTF8.self) }
        /// The status code of a close frame.
        var closeCode: Int? { payload.count >= 2 ? Int(payload[0]) << 8 | Int(payload[1]) : nil }
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    static let text: UInt8 = 0x1, continuation: UInt8 = 0x0, close: UInt8 = 0x8, ping: UInt8 = 0x9, pong: UInt8 = 0xA

    private let fd: Int32
    private var pending: [UInt8] = []

    /// Connects to 127.0.0.1:`port` and upgrades, naming `host` (default `127.0.0.1:port`) in
    /// the Host header and, if given, `origin` in the Origin header; reading times out after
    /// `timeout` seconds. With `receiveBuffer`, the socket's receive buffer is that small (set
    /// before connecting, so the TCP window stays small too): a reader that stops soon leaves the
    /// relay holding frames.
    /// `headers` are added to the upgrade request as they are (e.g. a proxy's `X-Forwarded-For`).
    init(port: Int, host: String? = nil, origin: String? = nil, headers: [(String, String)] = [], timeout: Int = 5,
         receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { Glibc.close(fd); throw Failure(description: "connect: \(errno)") }
        let key = Data(SecureRandom.bytes(16)).base64EncodedString()
        write(Array("GET /v2/ws HTTP/1.1\r\nHost: \(host ?? "127.0.0.1:\(port)")\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n\(origin.map { "Origin: \($0)\r\n" } ?? "")\(headers.map { "\($0): \($1)\r\n" }.joined())\r\n".utf8))
        let end = Array("\r\n\r\n".utf8)
        while pending.count < 4 || !pending.indices.dropLast(3).contains(where: { Array(pending[$0..<$0 + 4]) == end }) {
            try fill()
        }
        let split = pending.indices.first { Array(pending[$0..<min($0 + 4, pending.count)]) == end }! + 4
        let head = String(decoding: pending[..<split], as: UTF8.self)
        pending.removeFirst(split)
        guard head.hasPrefix("HTTP/1.1 101") else { throw Failure(description: "no upgrade: \(head)") }
    }

    deinit { Glibc.close(fd) }

    /// Sends one masked frame.
    func send(_ opcode: UInt8, _ payload: [UInt8], fin: Bool = true, rsv: UInt8 = 0) {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | (rsv & 0x7) << 4 | opcode]
        switch payload.count {
        case ..<126: bytes.append(0x80 | UInt8(payload.count))
        case ..<65536: bytes += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        default: bytes.append(0x80 | 127); bytes += (0..<8).reversed().map { UInt8(truncatingIfNeeded: payload.count >> ($0 * 8)) }
        }
        let mask = SecureRandom.bytes(4)
        bytes += mask
        bytes += payload.enumerated().map { $1 ^ mask[$0 % 4] }
        write(bytes)
    }

    func send(text: String, fin: Bool = true) { send(Self.text, Array(text.utf8), fin: fin) }

    /// A close frame with this status code.
    func sendClose(_ code: Int) { send(Self.close, [UInt8(code >> 8), UInt8(code & 0xFF)]) }

    /// Shuts down this side's writing half: the server sees end of input, not a close frame.
    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// The next frame; nil when the server has closed the socket.
    func next() throws -> Frame? {
        while true {
            if let frame = try parse() { return frame }
            guard try fill() else { return nil }
        }
    }

    /// Frames until `match` accepts one.
    func next(where match: (Frame) -> Bool) throws -> Frame {
        while let f = try next() { if match(f) { return f } }
        throw Failure(description: "the socket closed first")
    }

    /// Reads until the server closes the socket; true if it did within the timeout.
    func readsToEnd() -> Bool {
        while true {
            guard let more = try? fill() else { return false }
            if !more { return true }
        }
    }

    private func write(_ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }

    /// More bytes from the socket; false at end of stream.
    @discardableResult
    private func fill() throws -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n < 0 {
            if errno == ECONNRESET { return false }
            throw Failure(description: "nothing within the timeout (errno \(errno))")
        }
        pending += buffer[..<n]
        return n > 0
    }

    /// One unmasked server frame from what has been read, if it is all there.
    private func parse() throws -> Frame? {
        guard pending.count >= 2 else { return nil }
        var length = Int(pending[1] & 0x7F)
        var offset = 2
        if length == 126 {
            guard pending.count >= 4 else { return nil }
            length = Int(pending[2]) << 8 | Int(pending[3])
            offset = 4
        } else if length == 127 {
            guard pending.count >= 10 else { return nil }
            length = pending[2..<10].reduce(0) { $0 << 8 | Int($1) }
            offset = 10
        }
        guard pending.count >= offset + length else { return nil }
        let frame = Frame(opcode: pending[0] & 0x0F, payload: Array(pending[offset..<offset + length]))
        pending.removeFirst(offset + length)
        return frame
    }
}
