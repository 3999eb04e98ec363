import Synchronization

/// Bounds the messages one connection has waiting for the committer. When a client sends faster
/// than the database commits, its reader waits here, so TCP pushes back on that client alone
/// instead of the relay queueing without limit.
final class InFlightGate: Sendable {
    private struct State: ~Copyable {
        var count = 0
        var waiter: CheckedContinuation<Void, Never>?
    }

    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) { self.limit = limit }

    /// Takes a slot, waiting while `limit` are taken.
    func enter() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.count < limit {
                    s.count += 1
                    return true
                }
                s.waiter = c
                return false
            }
            if now { c.resume() }
        }
    }

    /// Gives a slot back; a waiting reader takes it.
    func leave() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if let w = s.waiter {
                s.waiter = nil
                return w  // the slot passes straight to the waiter
            }
            s.count -= 1
            return nil
        }
        waiter?.resume()
    }
}
