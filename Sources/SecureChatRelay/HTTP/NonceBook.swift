import NIOConcurrencyHelpers

/// Nonces of signed requests that are not bound to a connection (the log export), remembered
/// until the request's time window has passed, so that each is served once. Bounded: when full
/// of nonces that are all still live, new requests are turned away until some expire.
final class NonceBook: Sendable {
    private let seen = NIOLockedValueBox<[String: Double]>([:])
    let capacity: Int

    init(capacity: Int = 100_000) { self.capacity = capacity }

    enum Outcome: Sendable, Equatable { case fresh, replayed, full }

    /// Records `nonce` until `until` (relay seconds), unless it was seen before.
    func use(_ nonce: String, until: Double, now: Double) -> Outcome {
        seen.withLockedValue { seen in
            if let expiry = seen[nonce], expiry >= now { return .replayed }
            if seen.count >= capacity { seen = seen.filter { $0.value >= now } }
            guard seen.count < capacity else { return .full }
            seen[nonce] = until
            return .fresh
        }
    }

    /// Forgets nonces whose window has passed (run by the sweep).
    func prune(now: Double) {
        seen.withLockedValue { $0 = $0.filter { $0.value >= now } }
    }

    var count: Int { seen.withLockedValue { $0.count } }
}
