import NIOConcurrencyHelpers
import SecureChatWire

/// Limits kept per client address: open connections, knocks per minute, wrong join codes.
final class AddressLimiter: Sendable {
    private struct State: Sendable {
        var connections: [String: Int] = [:]
        var knocks: SlidingWindow
        var wrongCodes: SlidingWindow
        /// Log exports, counted per address and per signing key (keys prefixed `key:`).
        var exports: SlidingWindow
    }

    private let state: NIOLockedValueBox<State>
    private let limits: RelayLimits

    init(limits: RelayLimits) {
        self.limits = limits
        state = NIOLockedValueBox(State(knocks: SlidingWindow(window: 60, limit: limits.knocksPerMinute),
                            wrongCodes: SlidingWindow(window: limits.wrongCodeWindow, limit: limits.wrongCodes),
                            exports: SlidingWindow(window: 60, limit: limits.exportsPerMinute)))
    }

    /// Counts a new connection, or explains why the address has too many.
    func openConnection(_ address: String) -> ErrorFrame? {
        state.withLockedValue { s in
            let n = s.connections[address, default: 0]
            guard n < limits.connectionsPerAddress else {
                return ErrorFrame(.tooManyConnections, "this address has \(n) connections open (limit \(limits.connectionsPerAddress))",
                                  limit: .connectionsPerAddress)
            }
            s.connections[address] = n + 1
            return nil
        }
    }

    func closeConnection(_ address: String) {
        state.withLockedValue { s in
            let n = s.connections[address, default: 1] - 1
            s.connections[address] = n > 0 ? n : nil
        }
    }

    /// Records a knock, or explains the limit.
    func knock(_ address: String, now: Double) -> ErrorFrame? {
        state.withLockedValue { s in
            guard s.knocks.allows(address, now: now) else {
                return ErrorFrame(.rateLimited, "more than \(limits.knocksPerMinute) knocks a minute from this address",
                                  limit: .knocksPerMinute)
            }
            s.knocks.record(address, now: now)
            return nil
        }
    }

    /// Records a log export by `key` from `address`, or explains the limit (both are counted:
    /// one address cannot spread exports over many keys, nor one key over many addresses).
    func export(_ address: String, key: String, now: Double) -> String? {
        state.withLockedValue { s in
            guard s.exports.allows(address, now: now), s.exports.allows("key:" + key, now: now) else {
                return "more than \(limits.exportsPerMinute) log exports a minute from this address or key; wait and try again"
            }
            s.exports.record(address, now: now)
            s.exports.record("key:" + key, now: now)
            return nil
        }
    }

    /// Whether this address may try a join code now.
    func mayTryCode(_ address: String, now: Double) -> ErrorFrame? {
        state.withLockedValue { s in
            s.wrongCodes.allows(address, now: now) ? nil
                : ErrorFrame(.rateLimited, "too many wrong join codes from this address; wait and try again",
                             limit: .wrongCodes)
        }
    }

    func wrongCode(_ address: String, now: Double) {
        state.withLockedValue { $0.wrongCodes.record(address, now: now) }
    }

    /// Forgets windows that have passed (run by the sweep, bounds memory).
    func prune(now: Double) {
        state.withLockedValue { s in
            s.knocks.pruneAll(now: now)
            s.wrongCodes.pruneAll(now: now)
            s.exports.pruneAll(now: now)
        }
    }
}
