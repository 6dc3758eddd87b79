import Foundation
import WinnowCore

/// Runs a pure computation (extraction) with a wall-clock budget.
///
/// Why a thread rather than a cooperative deadline check: extraction lives in its own
/// module with many loops (and libxml2 calls that cannot be interrupted); a check in each
/// would be easy to miss and would not cover a hang inside C code. A separate thread can
/// always be abandoned: past the deadline the caller gets an error and moves on, the
/// runaway thread finishes in the background and its result is dropped. Extraction
/// touches no shared state, so an abandoned run cannot corrupt anything; the cost is the
/// CPU it keeps using until it ends (counted in `runaway` and logged by the caller).
public enum BoundedExtraction {
    /// Extractions abandoned past their deadline and still running.
    public static var runaway: Int { Runaway.shared.count }

    /// `body`'s result, or an `InputError` naming the budget when it takes longer than
    /// `seconds`.
    public static func run<T: Sendable>(seconds: Int, _ body: @escaping @Sendable () throws(InputError) -> T) throws(InputError) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        ExtractionThreads.shared.run { @Sendable in
            let result = Result<T, InputError> { () throws(InputError) in try body() }
            if box.set(result) == false { Runaway.shared.finished() }
            done.signal()
        }
        if done.wait(timeout: .now() + .seconds(seconds)) == .timedOut, box.abandon() {
            Runaway.shared.started()
            throw InputError("processing took longer than \(seconds) s (inbox.max_seconds); abandoned")
        }
        switch box.result! {
        case .success(let value): return value
        case .failure(let error): throw error
        }
    }
}

/// Threads that run bounded extractions, kept between runs: a thread (and its large stack,
/// faulted in again each time) per input cost more than some small pages' extraction. A
/// thread takes one job at a time and goes back to the idle list when the job ends, even
/// one its caller abandoned; only a few idle threads are kept.
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

/// The hand-over between the worker thread and the waiting caller: whichever comes
/// second learns whether the result was taken or abandoned.
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var abandoned = false
    var result: Result<T, InputError>?

    /// Stores the result; false when the caller had already given up.
    func set(_ value: Result<T, InputError>) -> Bool {
        lock.lock(); defer { lock.unlock() }
        if abandoned { return false }
        result = value
        return true
    }

    /// Gives up on the result; false when it arrived just in time.
    func abandon() -> Bool {
        lock.lock(); defer { lock.unlock() }
        if result != nil { return false }
        abandoned = true
        return true
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
