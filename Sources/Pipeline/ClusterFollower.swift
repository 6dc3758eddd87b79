import Archive
import Dedupe
import Foundation

/// Keeps a node's in-memory signature tables in step with the signatures other nodes
/// commit to a shared index. Rows are read by row id above a low-water mark; ids are
/// handed out when a row is inserted, not when it commits, so a lower id can become
/// visible after a higher one. Row ids above the mark that were seen are remembered, and
/// the mark moves past a missing id only once it has been missing for `gapSeconds`
/// (an insert rolled back, or a transaction longer than that, which no batch is).
struct ClusterFollower {
    private(set) var low: Int64
    private var seen = Set<Int64>()
    private var gapSince: (rowid: Int64, since: Date)?
    let gapSeconds: TimeInterval = 30

    /// Starts after the rows a full load just read, re-reading the last `margin` row ids
    /// (ones still uncommitted during the load may appear later).
    init(loadedUpTo maxRowid: Int64, margin: Int64 = 1000) {
        low = max(0, maxRowid - margin)
    }

    /// Marks a row as read; false when it was read before.
    mutating func see(_ rowid: Int64) -> Bool {
        rowid > low && seen.insert(rowid).inserted
    }

    /// Moves the low-water mark over every contiguous row id seen, and over a gap that
    /// has stayed open for `gapSeconds`.
    mutating func advance(now: Date) {
        while true {
            if seen.remove(low + 1) != nil {
                low += 1
                gapSince = nil
                continue
            }
            guard let highest = seen.max(), highest > low + 1 else { return }
            if let gap = gapSince, gap.rowid == low + 1 {
                guard now.timeIntervalSince(gap.since) >= gapSeconds else { return }
                low += 1
                gapSince = nil
            } else {
                gapSince = (low + 1, now)
                return
            }
        }
    }
}

extension ArchiveDedupe {
    /// Adds the signatures other nodes committed since the last call (shared index only);
    /// returns how many. Rows this node stored itself are known already and skipped.
    @discardableResult
    func catchUp(_ follower: inout ClusterFollower, ownKeys: inout Set<UInt64>, today: Int, now: Date) throws -> Int {
        var added = 0
        let minDay = detector.minDay(today: today)
        try index.signatures(after: follower.low) { rowid, id, ingested, blob in
            guard follower.see(rowid) else { return }
            let key = self.key(for: id)
            if ownKeys.remove(key) != nil { return }
            guard let signature = Signature(bytes: blob) else { return }
            let day = DayNumber.parse(ingested) ?? today
            guard day >= minDay else { return }
            self.detector.index.insert(signature, key: key, day: day)
            added += 1
        }
        follower.advance(now: now)
        return added
    }
}
