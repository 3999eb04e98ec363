/// A token bucket: `rate` tokens per second, at most `capacity` saved up. Time is passed in, so
/// the bucket is a value that tests drive without waiting.
public struct TokenBucket: Sendable, Equatable {
    public let rate: Double
    public let capacity: Double
    private var tokens: Double
    private var updated: Double?

    public init(rate: Double, capacity: Int) {
        self.rate = rate
        self.capacity = Double(max(1, capacity))
        self.tokens = self.capacity
    }

    /// Takes one token if there is one.
    public mutating func take(now: Double) -> Bool {
        if let updated, now > updated {
            tokens = min(capacity, tokens + (now - updated) * rate)
        }
        updated = max(updated ?? now, now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// Seconds from `now` until a token is there (0 when one is), as of the last `take`.
    public func wait(now: Double) -> Double {
        let available = min(capacity, tokens + max(0, now - (updated ?? now)) * rate)
        return available >= 1 ? 0 : (1 - available) / rate
    }
}

/// Counts events per key in a sliding window (knocks per minute, wrong codes per window).
struct SlidingWindow: Sendable {
    let window: Double
    let limit: Int
    private var events: [String: [Double]] = [:]

    init(window: Double, limit: Int) { self.window = window; self.limit = limit }

    /// Whether `key` is still under the limit (without recording anything).
    mutating func allows(_ key: String, now: Double) -> Bool {
        prune(key, now: now)
        return (events[key]?.count ?? 0) < limit
    }

    mutating func record(_ key: String, now: Double) {
        prune(key, now: now)
        events[key, default: []].append(now)
    }

    /// Drops everything older than the window, for every key (bounds memory).
    mutating func pruneAll(now: Double) {
        for key in Array(events.keys) { prune(key, now: now) }
    }

    private mutating func prune(_ key: String, now: Double) {
        guard var list = events[key] else { return }
        list.removeAll { $0 <= now - window }
        events[key] = list.isEmpty ? nil : list
    }
}
