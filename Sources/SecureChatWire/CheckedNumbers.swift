/// Arithmetic on numbers that came from outside the process: frames, HTTP headers and queries,
/// command-line flags. None of these functions traps, whatever the input; each says what it
/// returns when the exact answer does not fit.
public enum CheckedNumbers {
    /// Whether `time` lies within `window` seconds of `now`, either side (all three in seconds).
    /// False when `time - now` does not fit in `Int64`, which no honest clock produces.
    public static func isWithin(_ time: Int64, _ window: Int64, of now: Int64) -> Bool {
        let (distance, overflow) = time.subtractingReportingOverflow(now)
        return !overflow && distance >= -window && distance <= window
    }

    /// `a + b`, or `Int64.max` / `Int64.min` when the sum does not fit.
    public static func add(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard overflow else { return sum }
        return b > 0 ? .max : .min
    }

    /// `a * b` for counts and sizes, or `Int.max` when the product does not fit (or either is negative).
    public static func multiply(_ a: Int, _ b: Int) -> Int {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow || a < 0 || b < 0 ? .max : product
    }

    /// Whole seconds of a time or duration in seconds, rounded toward zero and clamped to
    /// `Int64`; NaN gives 0.
    public static func seconds(_ value: Double) -> Int64 {
        guard !value.isNaN else { return 0 }
        guard value < 9_223_372_036_854_775_807.0 else { return .max }
        guard value > -9_223_372_036_854_775_808.0 else { return .min }
        return Int64(value)
    }
}
