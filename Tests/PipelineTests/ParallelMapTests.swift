import Foundation
import Synchronization
import Testing
@testable import Pipeline

@Suite struct ParallelMapTests {
    /// Results come back in the items' order whatever the schedule; the costliest items
    /// are handed out first.
    @Test func costliestFirstResultsInOrder() {
        let items = [1, 5, 3, 9, 2, 7, 4]
        let started = Mutex<[Int]>([])
        let results = ParallelMap.run(items, workers: 2, cost: { $0 }, budget: 60, overrun: { _ in -1 }) { item in
            started.withLock { $0.append(item) }
            return item * 10
        }
        #expect(results == items.map { $0 * 10 })
        // Only the two costliest can be the first to start (before one of them ends,
        // nothing else is handed out); in input order 1 would be.
        let order = started.withLock { $0 }
        #expect([9, 7].contains(order.first ?? 0))
        #expect(order.sorted() == items.sorted())
    }

    @Test func withoutCostTakesItemsInOrder() {
        let started = Mutex<[Int]>([])
        let results = ParallelMap.run(Array(0..<50), workers: 1, budget: 60, overrun: { _ in -1 }) { item in
            started.withLock { $0.append(item) }
            return item
        }
        #expect(results == Array(0..<50) && started.withLock { $0 } == Array(0..<50))
    }

    /// An item past its budget gets the overrun result while the others are finished by the
    /// remaining and replacement threads; the run does not wait for the runaway.
    @Test func itemPastItsBudgetIsGivenUp() {
        let release = DispatchSemaphore(value: 0)
        let started = DispatchTime.now()
        let results = ParallelMap.run(Array(0..<20), workers: 2, budget: 1, overrun: { -$0 }) { item in
            if item == 3 { release.wait() }  // hangs until the test lets it go
            return item
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        #expect(results == (0..<20).map { $0 == 3 ? -3 : $0 })
        #expect(seconds >= 1 && seconds < 10)
        #expect(ParallelMap.runaway >= 1)
        release.signal()
    }
}
