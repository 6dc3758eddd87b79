import Dispatch

/// Fills a `SlotTable` on a worker thread while the start-up load is still reading
/// signatures: the caller hands over each completed chunk of documents and goes on
/// reading; the worker computes their keys and inserts them. On two cores the table is
/// built in the shadow of the SQLite scan; on one it costs what inserting inline would.
///
/// The table must be sized for every document up front (it is never rehashed while the
/// worker runs), and a chunk's signature values must not change once handed over.
final class TableFiller: @unchecked Sendable {
    private let queue = DispatchQueue(label: "winnow.signature-index.fill")
    private let table: SlotTable
    private let threaded: Bool

    /// `threaded: false` fills inline, on the caller's thread (for measuring the split).
    init(table: SlotTable, threaded: Bool = true) {
        self.table = table
        self.threaded = threaded
    }

    /// Queues the table entries of documents `firstDoc..<firstDoc + n`, whose signatures
    /// are stored back to back from `values`.
    func fill(_ values: UnsafePointer<UInt32>, firstDoc: Int, count n: Int) {
        let job = Job(values: values, firstDoc: firstDoc, count: n)
        if threaded {
            queue.async { [table] in job.run(table) }
        } else {
            job.run(table)
        }
    }

    /// Returns once every queued document is in the table.
    func wait() { queue.sync {} }

    private struct Job: @unchecked Sendable {
        let values: UnsafePointer<UInt32>
        let firstDoc: Int
        let count: Int

        func run(_ table: SlotTable) {
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: SignatureIndex.keysPerDocument) { hashes in
                for i in 0..<count {
                    let sig = UnsafeBufferPointer(start: values + i * Dedupe.signatureLength, count: Dedupe.signatureLength)
                    let n = SignatureIndex.keyHashes(sig, into: hashes)
                    table.insert(hashes: UnsafeBufferPointer(rebasing: hashes[0..<n]), doc: UInt32(firstDoc + i))
                }
            }
        }
    }
}
