import Foundation
import WinnowCore

/// Maps a batch on a fixed number of threads, results in input order, with a time budget
/// per item, for work that can hang (extraction of a pathological page). Workers take the
/// next item as they finish one, so one slow input holds one worker, not a share of the batch.
///
/// Why threads rather than a cooperative deadline check: extraction lives in its own
/// module with many loops (and libxml2 calls that cannot be interrupted); a check in each
/// would be easy to miss and would not cover a hang inside C code. A thread can always be
/// abandoned: past the deadline its item gets the overrun result, a new thread takes over
/// the rest of the batch, and the runaway thread finishes in the background with its
/// result dropped. The work touches no shared state, so an abandoned run cannot corrupt
/// anything; the cost is the CPU it keeps using until it ends (`runaway`).
public enum ParallelMap {
    /// Threads abandoned past their budget and still running.
    public static var runaway: Int { Runaway.shared.count }

    /// `body` of every item, in the items' order, on `workers` threads of the extraction
    /// pool that take the next item (costliest first, with `cost`) as they finish one. An
    /// item still running `seconds` after it started gets `overrun(item)` instead. The
    /// calling thread keeps the time: it sleeps until a worker finishes an item or the
    /// earliest deadline passes. Work goes straight from item to item on the same thread:
    /// handing each item to a thread of its own and back cost a tenth of the pipeline.
    public static func run<T: Sendable, R: Sendable>(_ items: [T], workers: Int, cost: ((T) -> Int)? = nil, budget seconds: Int,
                                                     overrun: (T) -> R, _ body: @escaping @Sendable (T) -> R) -> [R] {
        guard !items.isEmpty else { return [] }
        let run = BudgetedRun<R>(count: items.count, schedule: schedule(items, cost: cost), budget: UInt64(max(1, seconds)) * 1_000_000_000)
        for _ in 0..<max(1, min(workers, items.count)) { run.startWorker(items, body) }
        while true {
            for index in run.abandonOverdue(now: DispatchTime.now().uptimeNanoseconds) {
                run.fill(index, overrun(items[index]))
                if run.hasUnstartedItems { run.startWorker(items, body) }
            }
            if run.isComplete { return run.values() }
            run.sleep()
        }
    }

    /// Item indices in the order to start them: costliest first when `cost` is given.
    static func schedule<T>(_ items: [T], cost: ((T) -> Int)?) -> [Int] {
        var order = Array(items.indices)
        guard let cost else { return order }
        let costs = items.map(cost)
        order.sort { costs[$0] != costs[$1] ? costs[$0] > costs[$1] : $0 < $1 }
        return order
    }
}

/// The shared state of one budgeted run, under one lock.
private final class BudgetedRun<R: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    /// Signalled whenever an item ends, so the timekeeper looks again.
    private let ended = DispatchSemaphore(value: 0)
    private let schedule: [Int]
    private let budget: UInt64
    private var next = 0
    private var results: [R?]
    private var filled = 0
    /// Items being worked on, by worker: the item and when its budget runs out.
    private var running: [Int: (index: Int, deadline: UInt64)] = [:]
    private var abandoned: Set<Int> = []
    private var workers = 0

    init(count: Int, schedule: [Int], budget: UInt64) {
        results = Array(repeating: nil, count: count)
        self.schedule = schedule
        self.budget = budget
    }

    func startWorker<T: Sendable>(_ items: [T], _ body: @escaping @Sendable (T) -> R) {
        let id: Int = lock.withLock { workers += 1; return workers }
        ExtractionThreads.shared.run { @Sendable [self] in
            while let index = take(worker: id) { finish(worker: id, index: index, body(items[index])) }
        }
    }

    /// The next item for `worker`, its clock started; nil when none is left or the worker
    /// was abandoned.
    private func take(worker: Int) -> Int? {
        lock.withLock {
            guard !abandoned.contains(worker), next < schedule.count else { return nil }
            let index = schedule[next]
            next += 1
            running[worker] = (index, DispatchTime.now().uptimeNanoseconds + budget)
            return index
        }
    }

    private func finish(worker: Int, index: Int, _ result: R) {
        lock.withLock {
            if abandoned.remove(worker) != nil {
                Runaway.shared.finished()
                return
            }
            running[worker] = nil
            results[index] = result
            filled += 1
        }
        ended.signal()
    }

    /// Gives up on every item past its deadline: the items, to be filled by the caller.
    func abandonOverdue(now: UInt64) -> [Int] {
        lock.withLock {
            var overdue: [Int] = []
            for (worker, item) in running where item.deadline <= now {
                running[worker] = nil
                abandoned.insert(worker)
                Runaway.shared.started()
                overdue.append(item.index)
            }
            return overdue
        }
    }

    func fill(_ index: Int, _ result: R) {
        lock.withLock {
            results[index] = result
            filled += 1
        }
    }

    var hasUnstartedItems: Bool { lock.withLock { next < schedule.count } }
    var isComplete: Bool { lock.withLock { filled == results.count } }

    /// Waits for an item to end, or for the earliest deadline. With no item started yet
    /// (a worker thread still on its way), the first one cannot end before one budget
    /// from now: waiting without a deadline would miss it if it hangs.
    func sleep() {
        let earliest = lock.withLock { running.values.map(\.deadline).min() } ?? DispatchTime.now().uptimeNanoseconds + budget
        _ = ended.wait(timeout: DispatchTime(uptimeNanoseconds: earliest))
    }

    func values() -> [R] { lock.withLock { results.map { $0! } } }
}

/// Threads that run budgeted work, kept between runs: a new thread (and its large stack,
/// faulted in again each time) per batch costs more than a batch of small pages. A thread
/// takes one job at a time and goes back to the idle list when the job ends, even one
/// its caller abandoned; only a few idle threads are kept.
final class ExtractionThreads: @unchecked Sendable {
    static let shared = ExtractionThreads()
    private let lock = NSLock()
    private var idle: [Worker] = []
    static let maxIdle = 16
    /// How much lower extraction threads are scheduled than the rest of the process.
    static let niceIncrement: Int32 = 5

    func run(_ job: @escaping @Sendable () -> Void) {
        lock.lock()
        let worker = idle.popLast()
        lock.unlock()
        (worker ?? Worker(pool: self)).start(job)
    }

    /// False when enough threads are idle already: the caller's thread then ends.
    fileprivate func returnIdle(_ worker: Worker) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard idle.count < Self.maxIdle else { return false }
        idle.append(worker)
        return true
    }

    fileprivate final class Worker: @unchecked Sendable {
        private let wake = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var job: (@Sendable () -> Void)?
        private var thread: Thread?

        init(pool: ExtractionThreads) {
            let thread = Thread { [self] in
                // Extraction runs ahead of the thread that commits the batch before: that
                // thread's work (the index, the files) is the pipeline's critical path, so it
                // gets a core first when both want one.
                ThreadPriority.lower(by: ExtractionThreads.niceIncrement)
                while true {
                    wake.wait()
                    lock.lock()
                    let job = self.job
                    self.job = nil
                    lock.unlock()
                    job?()
                    if !pool.returnIdle(self) { break }
                }
            }
            thread.stackSize = 16 << 20  // extraction recurses (libxml2); as roomy as a main thread
            self.thread = thread
            thread.start()
        }

        func start(_ job: @escaping @Sendable () -> Void) {
            lock.lock()
            self.job = job
            lock.unlock()
            wake.signal()
        }
    }
}

private final class Runaway: @unchecked Sendable {
    static let shared = Runaway()
    private let lock = NSLock()
    private var value = 0
    var count: Int { lock.lock(); defer { lock.unlock() }; return value }
    func started() { lock.lock(); value += 1; lock.unlock() }
    func finished() { lock.lock(); value -= 1; lock.unlock() }
}
