import Foundation

/// Counters and a processing-time histogram, updated by the pipeline from any queue and
/// written out as Prometheus text by the daemon.
public final class PipelineMetrics: @unchecked Sendable {
    /// Upper bounds (seconds) of the processing-time histogram buckets.
    public static let bucketBounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    public struct Snapshot: Sendable {
        public var stored = 0
        public var duplicates = 0
        public var failed = 0
        public var bucketCounts: [Int] = Array(repeating: 0, count: PipelineMetrics.bucketBounds.count)
        public var observations = 0
        public var secondsTotal = 0.0
    }

    private let lock = NSLock()
    private var state = Snapshot()

    public init() {}

    public func record(_ status: IngestResult.Status, seconds: Double) {
        lock.lock()
        defer { lock.unlock() }
        switch status {
        case .stored: state.stored += 1
        case .duplicate: state.duplicates += 1
        case .failed: state.failed += 1
        }
        state.observations += 1
        state.secondsTotal += seconds
        for (i, bound) in Self.bucketBounds.enumerated() where seconds <= bound { state.bucketCounts[i] += 1 }
    }

    public var snapshot: Snapshot {
        lock.lock()
        defer { lock.unlock() }
        return state
    }
}
