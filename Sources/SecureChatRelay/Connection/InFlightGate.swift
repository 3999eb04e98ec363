import NIOConcurrencyHelpers

/// Bounds the messages one connection has waiting for the committer. When a client sends faster
/// than the database commits, the connection stops reading until a slot frees, so TCP pushes back
/// on that client alone instead of the relay queueing without limit.
final class InFlightGate: Sendable {
    private struct State {
        var count = 0
        var waiter: (@Sendable () -> Void)?
    }

    let limit: Int
    private let state = NIOLockedValueBox(State())

    init(limit: Int) { self.limit = limit }

    /// Takes a slot and returns true; or, when all `limit` are taken, returns false and calls
    /// `whenFree` once a slot has been handed to the caller (one waiter at a time).
    func enter(orWhenFree whenFree: @escaping @Sendable () -> Void) -> Bool {
        state.withLockedValue { s in
            if s.count < limit {
                s.count += 1
                return true
            }
            precondition(s.waiter == nil, "one waiter per connection")
            s.waiter = whenFree
            return false
        }
    }

    /// Gives a slot back; a waiting caller takes it.
    func leave() {
        let waiter = state.withLockedValue { s -> (@Sendable () -> Void)? in
            if let w = s.waiter {
                s.waiter = nil
                return w  // the slot passes straight to the waiter
            }
            s.count -= 1
            return nil
        }
        waiter?()
    }
}
