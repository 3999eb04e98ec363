import COpenSSL

/// A self-signed TLS certificate for `serve --tls-self-signed`, so that phones on a LAN can use
/// the browser client (WebCrypto exists only in a secure context): a fresh P-256 key, the
/// relay's addresses as subject alternative names, valid from an hour ago for `days` days.
/// Browsers warn about it; people compare `sha256` with what the warning page shows.
public struct SelfSignedCertificate: Sendable {
    public let certificatePEM: String
    /// The private key (PKCS #8 PEM): a secret, written only to a file of mode 0600.
    public let privateKeyPEM: String
    /// SHA-256 of the certificate (DER), 32 bytes: what browsers show as its fingerprint.
    public let sha256: [UInt8]

    /// `names` are IP addresses (v4 dotted, or v6 with `:`) and DNS names (letters, digits, `-`
    /// and `.`); anything else is refused before it reaches the certificate.
    public static func make(names: [String], days: Int = 30) throws(CryptoError) -> SelfSignedCertificate {
        guard !names.isEmpty, (1...825).contains(days) else { throw .invalidParameter("a certificate needs names and 1 to 825 days") }
        var entries = [String]()
        for name in names {
            guard let entry = subjectAltName(name) else { throw .invalidParameter("\(name) is not an IP address or DNS name") }
            if !entries.contains(entry) { entries.append(entry) }
        }
        var cert: UnsafeMutablePointer<CChar>?
        var key: UnsafeMutablePointer<CChar>?
        var digest = [UInt8](repeating: 0, count: 32)
        let ok = digest.withUnsafeMutableBufferPointer { d in
            securechat_self_signed(entries.joined(separator: ","), days, &cert, &key, d.baseAddress)
        }
        defer {
            if let cert { securechat_openssl_free(cert) }
            if let key { securechat_clear_free(key) }
        }
        guard ok == 1, let cert, let key else { throw .library("making a self-signed certificate") }
        return SelfSignedCertificate(certificatePEM: String(cString: cert), privateKeyPEM: String(cString: key), sha256: digest)
    }

    /// `AB:CD:…`, as browsers write certificate fingerprints.
    public var fingerprint: String {
        sha256.map { byte in
            let h = String(byte, radix: 16, uppercase: true)
            return h.count == 1 ? "0" + h : h
        }.joined(separator: ":")
    }

    static func subjectAltName(_ name: String) -> String? {
        let u = name.utf8
        guard !u.isEmpty, u.count <= 253 else { return nil }
        if u.contains(UInt8(ascii: ":")) {
            guard u.allSatisfy({ isHex($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }) else { return nil }
            return "IP:" + name
        }
        if u.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") }) {
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4, parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && Int($0)! <= 255 }) else { return nil }
            return "IP:" + name
        }
        guard u.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x41 && $0 <= 0x5a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2d || $0 == 0x2e }),
              u.first != UInt8(ascii: "."), u.first != UInt8(ascii: "-") else { return nil }
        return "DNS:" + name
    }

    static func isHex(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46) }
}
