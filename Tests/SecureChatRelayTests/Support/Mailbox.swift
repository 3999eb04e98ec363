import NIOConcurrencyHelpers

/// A queue one side fills and the test drains, waiting at most a given time for each item.
final class Mailbox<T: Sendable>: Sendable {
    private struct State {
        var items: [T] = []
        var waiter: (id: Int, continuation: CheckedContinuation<T?, Never>)?
        var closed = false
        var nextID = 0
    }

    private let state = NIOLockedValueBox(State())

    func put(_ item: T) {
        let waiter: CheckedContinuation<T?, Never>? = state.withLockedValue { s in
            guard !s.closed else { return nil }
            if let w = s.waiter {
                s.waiter = nil
                return w.continuation
            }
            s.items.append(item)
            return nil
        }
        waiter?.resume(returning: item)
    }

    /// After `close`, `take` returns what is queued and then nil at once.
    func close() {
        let waiter = state.withLockedValue { s in
            s.closed = true
            let w = s.waiter
            s.waiter = nil
            return w
        }
        waiter?.continuation.resume(returning: nil)
    }

    var isClosed: Bool { state.withLockedValue { $0.closed && $0.items.isEmpty } }

    /// The next item, or nil when closed or after `timeout`.
    func take(timeout: Duration) async -> T? {
        await withCheckedContinuation { (c: CheckedContinuation<T?, Never>) in
            let now: T?? = state.withLockedValue { s in
                if !s.items.isEmpty { return .some(s.items.removeFirst()) }
                if s.closed { return .some(nil) }
                s.nextID += 1
                s.waiter = (s.nextID, c)
                return .none
            }
            if let now { return c.resume(returning: now) }
            let id = state.withLockedValue { $0.nextID }
            Task {
                try? await Task.sleep(for: timeout)
                let expired = self.state.withLockedValue { s -> CheckedContinuation<T?, Never>? in
                    guard let w = s.waiter, w.id == id else { return nil }
                    s.waiter = nil
                    return w.continuation
                }
                expired?.resume(returning: nil)
            }
        }
    }
}
