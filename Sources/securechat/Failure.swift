import SecureChatCore
import SecureChatCrypto
import SecureChatQR

/// Documented exit statuses (also in securechat(1) EXIT STATUS).
enum ExitStatus: Int32 {
    case success = 0
    /// Input/output failure, a file that exists, a missing file: the environment, not the data.
    case failure = 1
    /// The data is malformed: a token, key, identity file, age file or link that does not parse.
    case malformed = 2
    /// Authentication failed: wrong key or altered data, no matching identity, wrong passphrase.
    case authentication = 3
    /// A token is older than `--ttl` or dated too far in the future.
    case expired = 4
    /// `connect`: the relay cannot be reached, or not again within `--timeout`.
    case unreachable = 5
    /// `connect`: not let into the room (knock denied or unanswered, removed, a stale open-room key).
    case notAdmitted = 6
    /// `connect`: the room is gone (expired, deleted, unknown to the relay) or the join code matches none.
    case roomGone = 7
    /// The output was closed before everything was written (like a SIGPIPE death, 128 + 13).
    case outputClosed = 141
    /// Command-line usage errors, from the argument parser.
    case usage = 64
}

/// What a command failed with: one message, an optional hint naming the fix, an exit status.
struct Failure: Error {
    var message: String
    var hint: String?
    var status: ExitStatus

    init(_ message: String, hint: String? = nil, status: ExitStatus = .failure) {
        self.message = message
        self.hint = hint
        self.status = status
    }

    /// Translates the core modules' typed errors; nil for errors the argument parser renders.
    init?(_ error: Error) {
        switch error {
        case let e as FernetError:
            switch e {
            case .invalidKey: self.init(e.message, hint: "a key is 44 characters; make one with 'securechat keygen --fernet'", status: .malformed)
            case .malformedToken: self.init(e.message, status: .malformed)
            case .authenticationFailed: self.init(e.message, hint: "check that this is the room's key; a token altered in transit cannot be recovered", status: .authentication)
            case .expired, .fromTheFuture: self.init(e.message, hint: "drop --ttl to read it regardless of its age", status: .expired)
            }
        case let e as AgeError:
            self.init(age: e)
        case let e as InviteError:
            self.init(e.message, status: .malformed)
        case let e as RoomFileError:
            self.init(e.message, status: .malformed)
        case let e as RoomPathError:
            self.init(e.message, status: .malformed)
        case let e as QRError:
            switch e {
            case .emptyInput: self.init(e.description, status: .malformed)
            case .tooLong(_, _, let level):
                self.init(e.description, hint: level == .low ? "shorten the link" : "a lower error-correction level holds more: -l L takes up to \(QRErrorCorrection.low.maxBytes) bytes", status: .malformed)
            case .invalidColor, .invalidModuleSize, .invalidMargin: self.init(e.description, status: .usage)
            case .encoderFailed, .pngFailed: self.init(e.description, status: .failure)
            }
        case let e as CryptoError:
            self.init("cryptographic operation failed: \(e)", status: .failure)
        default:
            return nil
        }
    }
}

extension Failure {
    init(age e: AgeError) {
        switch e {
        case .noIdentityMatched:
            self.init(e.message, hint: "pass the identity the file was encrypted to with -i FILE", status: .authentication)
        case .wrongPassphrase, .headerMACMismatch, .payloadAuthenticationFailed:
            self.init(e.message, status: .authentication)
        case .workFactorTooHigh:
            self.init(e.message, hint: "only decrypt files from people you trust with --max-work-factor", status: .malformed)
        case .truncated, .malformedHeader, .malformedPayload, .malformedArmor, .invalidWorkFactor, .invalidRecipient,
             .invalidIdentity, .malformedIdentityFile, .malformedRecipientsFile, .scryptMustBeAlone:
            self.init(e.message, status: .malformed)
        case .noIdentities:
            self.init(e.message, hint: "pass an identity file with -i, or make the default one with 'securechat keygen'", status: .failure)
        case .noRecipients:
            self.init(e.message, hint: "pass -r age1..., -R FILE, -i FILE or -p", status: .usage)
        case .mixedPostQuantumRecipients:
            self.init(e.message, hint: "encrypt to age1pq1... recipients only (each person makes one with 'securechat keygen --pq'), or to age1... recipients only", status: .usage)
        case .passphraseRequired:
            self.init(e.message, hint: "pass it with --passphrase-fd N or SECURECHAT_PASSPHRASE", status: .usage)
        case .emptyPassphrase:
            self.init(e.message, status: .usage)
        case .cryptoFailure:
            self.init(e.message, status: .failure)
        }
    }
}
