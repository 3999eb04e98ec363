import SecureChatCore
#if canImport(Glibc)
import Glibc
#endif

enum Clock {
    /// Unix seconds now; `SECURECHAT_NOW` overrides it so tests can pin time.
    static var now: UInt64 {
        if let s = Paths.env("SECURECHAT_NOW"), let v = UInt64(s) { return v }
        return UInt64(time(nil))
    }

    /// RFC 3339 UTC, the form age-keygen writes in `# created:`.
    static func rfc3339(_ t: UInt64) -> String { Timestamp.format(t) }
}
