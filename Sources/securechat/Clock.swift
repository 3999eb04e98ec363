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
    static func rfc3339(_ t: UInt64) -> String {
        var tt = time_t(t)
        var tmv = tm()
        gmtime_r(&tt, &tmv)
        func p(_ v: Int32, _ w: Int = 2) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(p(tmv.tm_year + 1900, 4))-\(p(tmv.tm_mon + 1))-\(p(tmv.tm_mday))T\(p(tmv.tm_hour)):\(p(tmv.tm_min)):\(p(tmv.tm_sec))Z"
    }
}
