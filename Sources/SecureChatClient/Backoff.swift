/// Reconnect delays: 1 s after the first failure, doubling to at most 30 s, back to 1 s once a
/// connection has synced again.
public struct Backoff: Sendable, Equatable {
    public static let first: Duration = .seconds(1)
    public static let ceiling: Duration = .seconds(30)

    public private(set) var failures = 0

    public init() {}

    /// The delay before the next attempt, counting this failure.
    public mutating func next() -> Duration {
        failures += 1
        let seconds = 1 << min(failures - 1, 5)
        return min(.seconds(seconds), Self.ceiling)
    }

    public mutating func reset() { failures = 0 }
}
