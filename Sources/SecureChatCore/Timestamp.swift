/// Times in files people read: RFC 3339 in UTC with whole seconds, `2024-05-01T12:00:00Z`,
/// the one form written and the one form read back. Pure arithmetic on the proleptic Gregorian
/// calendar, so Core needs neither libc's time functions nor Foundation's date formatting.
public enum Timestamp {
    /// 9999-12-31T23:59:59Z, the last second a four-digit year can show. Times from outside
    /// (an envelope's, a token's, a file's) may be any UInt64; display clamps or marks them
    /// against this bound instead of converting them.
    public static let latest: UInt64 = 253_402_300_799

    /// Formats Unix seconds; years past 9999 are not representable and are clamped to it.
    public static func format(_ seconds: UInt64) -> String {
        let t = min(seconds, latest)
        let days = Int64(t / 86400), rest = Int(t % 86400)
        let (y, m, d) = civil(fromDays: days)
        return "\(pad(Int(y), 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(rest / 3600, 2)):\(pad(rest / 60 % 60, 2)):\(pad(rest % 60, 2))Z"
    }

    /// Parses exactly `YYYY-MM-DDTHH:MM:SSZ` (no offsets, no fractions) from 1970 on; nil otherwise.
    public static func parse(_ text: String) -> UInt64? {
        let u = Array(text.utf8)
        guard u.count == 20, u[4] == 0x2d, u[7] == 0x2d, u[10] == 0x54, u[13] == 0x3a, u[16] == 0x3a, u[19] == 0x5a else { return nil }
        func number(_ r: Range<Int>) -> Int? {
            var v = 0
            for c in u[r] {
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            return v
        }
        guard let y = number(0..<4), let mo = number(5..<7), let d = number(8..<10),
              let h = number(11..<13), let mi = number(14..<16), let s = number(17..<19),
              y >= 1970, (1...12).contains(mo), (1...daysIn(month: mo, year: y)).contains(d),
              h < 24, mi < 60, s < 60 else { return nil }
        return UInt64(days(fromYear: Int64(y), month: mo, day: d)) * 86400 + UInt64(h * 3600 + mi * 60 + s)
    }

    private static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    private static func isLeap(_ y: Int) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    private static func daysIn(month m: Int, year y: Int) -> Int {
        m == 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].contains(m) ? 30 : 31
    }

    // Howard Hinnant's days_from_civil / civil_from_days, for dates from 1970 on.
    private static func days(fromYear year: Int64, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civil(fromDays z0: Int64) -> (Int64, Int, Int) {
        let z = z0 + 719_468
        let era = z / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
