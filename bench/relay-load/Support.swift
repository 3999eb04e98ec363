import Synchronization

struct LoadError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// A queue with a timed wait (set-up frames).
final class Queue<T: Sendable>: Sendable {
    private struct State: ~Copyable {
        var items: [T] = []
        var waiter: (id: Int, continuation: CheckedContinuation<T?, Never>)?
        var closed = false
        var nextID = 0
    }

    private let state = Mutex(State())

    func put(_ item: T) {
        let w: CheckedContinuation<T?, Never>? = state.withLock { s in
            if let w = s.waiter { s.waiter = nil; return w.continuation }
            s.items.append(item)
            return nil
        }
        w?.resume(returning: item)
    }

    func close() {
        let w = state.withLock { s in s.closed = true; let w = s.waiter; s.waiter = nil; return w }
        w?.continuation.resume(returning: nil)
    }

    func take(timeout: Duration) async -> T? {
        await withCheckedContinuation { (c: CheckedContinuation<T?, Never>) in
            let now: T?? = state.withLock { s in
                if !s.items.isEmpty { return .some(s.items.removeFirst()) }
                if s.closed { return .some(nil) }
                s.nextID += 1
                s.waiter = (s.nextID, c)
                return .none
            }
            if let now { return c.resume(returning: now) }
            let id = state.withLock { $0.nextID }
            Task {
                try? await Task.sleep(for: timeout)
                let w = self.state.withLock { s -> CheckedContinuation<T?, Never>? in
                    guard let w = s.waiter, w.id == id else { return nil }
                    s.waiter = nil
                    return w.continuation
                }
                w?.resume(returning: nil)
            }
        }
    }
}

/// Counting permits: the flood's window of unacknowledged messages.
final class Permits: Sendable {
    private struct State: ~Copyable {
        var available: Int
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state: Mutex<State>

    init(_ n: Int) { state = Mutex(State(available: n)) }

    func acquire() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.available > 0 { s.available -= 1; return true }
                s.waiter = c
                return false
            }
            if now { c.resume() }
        }
    }

    func release() {
        let w = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if let w = s.waiter { s.waiter = nil; return w }
            s.available += 1
            return nil
        }
        w?.resume()
    }
}

/// One receiver's deliveries: message number and latency in nanoseconds.
final class Recorder: Sendable {
    let samples = Mutex<[(n: Int, latency: UInt64)]>([])
}
