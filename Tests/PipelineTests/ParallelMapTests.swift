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
        let results = ParallelMap.run(items, workers: 2, cost: { $0 }) { item in
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
        let results = ParallelMap.run(Array(0..<50), workers: 1) { item in
            started.withLock { $0.append(item) }
            return item
        }
        #expect(results == Array(0..<50) && started.withLock { $0 } == Array(0..<50))
    }
}
