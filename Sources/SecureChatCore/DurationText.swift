/// Durations as people type them: `90` (seconds), `90s`, `15m`, `2h`, `7d`, or sums like `1h30m`.
public enum DurationText {
    public static func seconds(_ text: String) -> UInt64? {
        let u = Array(text.utf8)
        guard !u.isEmpty else { return nil }
        if u.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return UInt64(text) }
        var total: UInt64 = 0
        var number: UInt64? = nil
        for c in u {
            switch c {
            case 0x30...0x39:
                let (m, o1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(UInt64(c - 0x30))
                if o1 || o2 { return nil }
                number = a
            case UInt8(ascii: "s"), UInt8(ascii: "m"), UInt8(ascii: "h"), UInt8(ascii: "d"):
                guard let n = number else { return nil }
                let unit: UInt64 = switch c { case UInt8(ascii: "s"): 1; case UInt8(ascii: "m"): 60; case UInt8(ascii: "h"): 3600; default: 86400 }
                let (v, o1) = n.multipliedReportingOverflow(by: unit)
                let (t, o2) = total.addingReportingOverflow(v)
                if o1 || o2 { return nil }
                total = t
                number = nil
            default:
                return nil
            }
        }
        return number == nil ? total : nil
    }

    /// The shortest readable form: `2h`, `1h30m`, `45s`.
    public static func format(_ seconds: UInt64) -> String {
        if seconds == 0 { return "0s" }
        var s = seconds, out = ""
        for (unit, name) in [(UInt64(86400), "d"), (3600, "h"), (60, "m"), (1, "s")] where s >= unit {
            out += "\(s / unit)\(name)"
            s %= unit
        }
        return out
    }
}
