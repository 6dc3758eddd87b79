import Dispatch
import Foundation

/// Maps a batch on a fixed number of threads and returns the results in input order.
///
/// Workers take the next index from a shared counter, so one slow input holds one worker,
/// not a share of the batch. With one worker (or one input) it runs on the calling thread.
public enum ParallelMap {
    /// `body` of every item, in the items' order. With `cost`, the costliest items are
    /// started first: a long one taken last would run alone at the end of the batch
    /// while the other workers wait (the longest-first schedule).
    public static func run<T: Sendable, R: Sendable>(_ items: [T], workers: Int, cost: ((T) -> Int)? = nil,
                                                     _ body: @Sendable (T) -> R) -> [R] {
        let count = items.count
        let width = max(1, min(workers, count))
        if width == 1 { return items.map(body) }
        let schedule = schedule(items, cost: cost)
        let results = Slots<R>(count: count)
        let next = Counter()
        DispatchQueue.concurrentPerform(iterations: width) { [schedule] _ in
            while true {
                let n = next.take()
                guard n < count else { return }
                let i = schedule[n]
                results.set(i, body(items[i]))
            }
        }
        return results.values()
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func take() -> Int { lock.lock(); defer { value += 1; lock.unlock() }; return value }
    }

    /// Each slot is written by exactly one worker; the lock only publishes the writes.
    private final class Slots<R>: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [R?]
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ value: R) { lock.lock(); slots[i] = value; lock.unlock() }
        func values() -> [R] { lock.lock(); defer { lock.unlock() }; return slots.map { $0! } }
    }
}
