import Foundation
import SecureChatCrypto

#if canImport(Glibc)
import Glibc
#endif

/// `serve --tls-self-signed`: a certificate for the addresses the relay listens on (every IPv4
/// address of this machine when it listens on all of them), written to a private temporary
/// directory for the relay to read at start and removed right after.
final class SelfSignedTLS: @unchecked Sendable {
    let certificate: SelfSignedCertificate
    let directory: String
    var certificatePath: String { directory + "/cert.pem" }
    var keyPath: String { directory + "/key.pem" }
    /// Addresses besides the one the relay names in its URL, for phones on the network.
    let otherAddresses: [String]

    init(host: String) throws {
        let wildcard = Self.isWildcard(host)
        let addresses = wildcard ? Self.interfaceAddresses() : []
        var names = wildcard ? addresses : [host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host]
        names += ["localhost", "127.0.0.1"]
        otherAddresses = addresses.filter { $0 != "127.0.0.1" }
        do {
            certificate = try SelfSignedCertificate.make(names: names)
        } catch {
            throw Failure("cannot make a self-signed certificate for \(host): \(error)")
        }
        var template = Array((NSTemporaryDirectory() + "/securechat-tls-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure("cannot make a private temporary directory for the certificate") }
        directory = String(cString: made)
        let attributes: [FileAttributeKey: Any] = [.posixPermissions: 0o600]
        guard FileManager.default.createFile(atPath: certificatePath, contents: Data(certificate.certificatePEM.utf8), attributes: attributes),
              FileManager.default.createFile(atPath: keyPath, contents: Data(certificate.privateKeyPEM.utf8), attributes: attributes) else {
            removeFiles()
            throw Failure("cannot write the self-signed certificate to \(directory)")
        }
    }

    func removeFiles() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Whether `host` (as given to `serve --host`) means every address of the machine.
    static func isWildcard(_ host: String) -> Bool { ["0.0.0.0", "::", "[::]"].contains(host) }

    /// The machine's IPv4 addresses other people on its networks can reach (not loopback).
    static func lanAddresses() -> [String] { interfaceAddresses().filter { $0 != "127.0.0.1" } }

    /// This machine's IPv4 addresses, loopback first.
    static func interfaceAddresses() -> [String] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return ["127.0.0.1"] }
        defer { freeifaddrs(list) }
        var found = [String]()
        var p = list
        while let a = p {
            p = a.pointee.ifa_next
            guard let sa = a.pointee.ifa_addr, sa.pointee.sa_family == sa_family_t(AF_INET) else { continue }
            var text = [CChar](repeating: 0, count: 64)
            guard getnameinfo(sa, socklen_t(MemoryLayout<sockaddr_in>.size), &text, socklen_t(text.count), nil, 0, NI_NUMERICHOST) == 0 else { continue }
            let address = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if !found.contains(address) { found.append(address) }
        }
        return found.sorted { ($0 == "127.0.0.1" ? 0 : 1, $0) < ($1 == "127.0.0.1" ? 0 : 1, $1) }
    }
}
