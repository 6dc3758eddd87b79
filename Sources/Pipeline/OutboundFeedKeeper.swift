import Archive
import Foundation
import Logging
import WinnowCore

/// Keeps `<archive>/feed.atom` current for a writer: rewritten (atomically) when articles
/// were stored since the last write, so a batch of stores costs one rewrite.
///
/// Not thread-safe: call it on the ingestor's queue.
public final class OutboundFeedKeeper {
    let ingestor: Ingestor
    let logger: Logger
    /// The ingestor's stored count at the last write; nil before the first.
    private var writtenAtStored: Int?

    public init(ingestor: Ingestor, logger: Logger) {
        self.ingestor = ingestor
        self.logger = logger
    }

    /// Rewrites the feed if anything was stored since the last call (the first call always
    /// writes, so the feed reflects the archive from start-up). Never throws: a feed that
    /// cannot be written is logged and tried again after the next store.
    public func update() {
        let entries = ingestor.config.output.feedEntries
        let stored = ingestor.metrics.snapshot.stored
        guard entries > 0, stored != writtenAtStored else { return }
        do {
            let skipped = try OutboundFeed(store: ingestor.store, index: ingestor.index).write(entries: entries)
            for problem in skipped { logger.warning("feed_atom.skipped", metadata: ["file": "\(problem)"]) }
            writtenAtStored = stored
            logger.debug("feed_atom.written", metadata: ["path": "\(OutboundFeed.path(archive: ingestor.store.root))"])
        } catch {
            logger.error("feed_atom.failed", metadata: ["reason": "\(error)"])
        }
    }
}
