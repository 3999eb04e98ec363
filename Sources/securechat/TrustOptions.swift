import ArgumentParser
import SecureChatClient

/// `--tls-fingerprint`, for the commands that open a WebSocket to a relay (`connect`,
/// `room create --server`).
struct TrustOptions: ParsableArguments {
    @Option(name: .customLong("tls-fingerprint"), help: ArgumentHelp(
        "For an https relay: trust exactly the certificate with this SHA-256 fingerprint (as serve --tls-self-signed prints it), instead of one this machine's certificate authorities vouch for.",
        valueName: "sha256"))
    var tlsFingerprint: String?

    func validate() throws {
        if let tlsFingerprint, RelayTrust.fingerprint(tlsFingerprint) == nil {
            throw ValidationError("--tls-fingerprint takes a SHA-256 fingerprint: 32 bytes in hex, with or without colons")
        }
    }

    var trust: RelayTrust { RelayTrust(pin: tlsFingerprint.flatMap(RelayTrust.fingerprint)) }
}
