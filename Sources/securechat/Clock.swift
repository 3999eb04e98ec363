import SecureChatCore
#if canImport(Glibc)
import Glibc
#endif

enum Clock {
    /// Unix seconds now, at most `Timestamp.latest`; `SECURECHAT_NOW` overrides it so tests can
    /// pin time. Clamped, so that no later sum or conversion of "now" can overflow.
    static var now: UInt64 {
        if let s = Paths.env("SECURECHAT_NOW"), let v = UInt64(s) { return min(v, Timestamp.latest) }
        return min(UInt64(clamping: time(nil)), Timestamp.latest)
    }

    /// RFC 3339 UTC, the form age-keygen writes in `# created:`.
    static func rfc3339(_ t: UInt64) -> String { Timestamp.format(t) }
}
