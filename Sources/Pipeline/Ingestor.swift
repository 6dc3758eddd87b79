import Archive
import Dedupe
import Extract
import Foundation
import Logging
import WinnowCore

/// The pipeline from raw document to archive: extract, check for duplicates, store, index.
///
/// Not thread-safe: it owns the index connection, so run it on one serial queue.
public final class Ingestor {
    /// Settings in force; the daemon replaces them on reload (paths excepted).
    public var config: Config
    public let store: ArchiveStore
    public let index: ArchiveIndex
    /// Near-duplicate detection (signatures of stored articles, rebuilt at start-up).
    public let dedupe: ArchiveDedupe
    let logger: Logger
    let clock: @Sendable () -> Date
    /// Outcome counters and timings since start.
    public let metrics = PipelineMetrics()

    /// The writer lock on the state folder, held for the ingestor's life: one writer owns
    /// the index and the archive.
    public let writerLock: WriterLock

    /// Takes the writer lock, opens the archive and index, and repairs an index that lags
    /// the archive (a crash between writing an article and indexing it). Throws
    /// `WriterLockError` when another process is the writer, and `ArchiveSyncError` when
    /// the archive looks absent (start-up never prunes most of the index).
    public init(config: Config, logger: Logger, clock: @escaping @Sendable () -> Date = { Date() }) throws {
        self.config = config
        self.logger = logger
        self.clock = clock
        writerLock = try WriterLock.acquire(stateDirectory: config.paths.state)
        store = ArchiveStore(root: config.paths.archive)
        try FileOps.makeDirectory(config.paths.archive)
        index = try ArchiveIndex(stateDirectory: config.paths.state)
        let shingleWords = config.dedupe.shingleWords
        let report = try ArchiveSync(store: store, index: index).repair(signature: {
            ArchiveDedupe.signatureBytes($0, shingleWords: shingleWords)
        })
        for path in report.missingFromIndex { logger.notice("index.repaired", metadata: ["path": "\(path)"]) }
        for path in report.missingFromArchive { logger.notice("index.pruned", metadata: ["path": "\(path)"]) }
        for problem in report.unreadable { logger.warning("archive.unreadable", metadata: ["file": "\(problem)"]) }
        dedupe = try ArchiveDedupe(parameters: config.dedupe.parameters, store: store, index: index,
                                   today: DayNumber.of(secondsSince1970: clock().timeIntervalSince1970), logger: logger)
    }

    /// Runs one input through the pipeline. Never throws for bad input: that becomes a
    /// `failed` result with the reason, recorded in the index. Throws only when the archive
    /// or index cannot be written.
    public func ingest(_ input: IngestInput) throws -> IngestResult {
        let started = DispatchTime.now().uptimeNanoseconds
        let result = try decide(input)
        metrics.record(result.status, seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        return result
    }

    /// Extract, dedupe, store: the decision for one input.
    func decide(_ input: IngestInput) throws -> IngestResult {
        let inputHash = input.inputHash
        var result = IngestResult(status: .failed, origin: input.origin)

        let document: ExtractedDocument
        do {
            document = try builder.extract(input)
        } catch {
            result.error = error.message
            try recordFailure(origin: input.origin, url: input.url, inputHash: inputHash, reason: error.message)
            return result
        }

        let article = builder.makeArticle(document, input: input, inputHash: inputHash)
        result.title = article.title
        result.published = article.published

        // Exact duplicates first: same normalised body.
        if let existing = try index.article(withContentHash: article.contentHash) {
            return try recordDuplicate(of: existing.id, similarity: 1, containment: 1, match: "exact",
                                       article: article, input: input, inputHash: inputHash, result: result)
        }

        // Near-duplicates: MinHash/LSH candidates, verified against the stored bodies.
        let today = DayNumber.of(secondsSince1970: clock().timeIntervalSince1970)
        let fingerprint = dedupe.fingerprint(article)
        if let near = dedupe.findDuplicate(fingerprint, today: today) {
            return try recordDuplicate(of: near.id, similarity: near.comparison.jaccard, containment: near.comparison.containment,
                                       match: "near", article: article, input: input, inputHash: inputHash, result: result)
        }

        let path = try store.write(article)
        try FaultInjection.point("after-article-write")
        do {
            try index.insert(article, path: path, signature: fingerprint.signature.bytes)
        } catch {
            // No file may stay published without its row (a full state disk, say): the
            // retry would otherwise publish a second copy.
            store.remove(path)
            throw error
        }
        dedupe.add(fingerprint, id: article.id, day: DayNumber.of(secondsSince1970: article.ingested.timeIntervalSince1970))
        result.status = .stored
        result.id = article.id
        result.path = path
        logger.info("stored", metadata: [
            "id": "\(article.id)", "path": "\(path)", "origin": "\(input.origin)", "title": "\(article.title)",
        ])
        return result
    }

    private func recordDuplicate(of id: String, similarity: Double, containment: Double, match: String, article: Article,
                                 input: IngestInput, inputHash: String, result: IngestResult) throws -> IngestResult {
        let record = DuplicateRecord(duplicateOf: id, similarity: similarity, containment: containment, title: article.title,
                                     url: article.url, source: article.source, origin: input.origin, inputHash: inputHash, recorded: clock())
        try store.ledger.append(record)
        try index.insert(record)
        var result = result
        result.status = .duplicate
        result.duplicateOf = id
        result.similarity = similarity
        result.containment = containment
        logger.info("duplicate", metadata: [
            "origin": "\(input.origin)", "duplicate_of": "\(id)", "similarity": "\(String(format: "%.3f", similarity))",
            "containment": "\(String(format: "%.3f", containment))", "match": "\(match)",
        ])
        return result
    }

    /// Records that an input failed: in the archive's ledger first (the source of truth),
    /// then in the index; and logs it.
    public func recordFailure(origin: String, url: String? = nil, inputHash: String? = nil, reason: String) throws {
        let record = FailureRecord(origin: origin, url: url, inputHash: inputHash, reason: reason, recorded: clock())
        try store.ledger.append(record)
        try index.insert(record)
        logger.warning("failed", metadata: ["origin": "\(origin)", "reason": "\(reason)"])
    }

    /// True while the index answers queries (used for watchdog pings).
    public var isHealthy: Bool { index.ping() }

    /// The decision already recorded for an input, if any (used to finish interrupted work).
    public func recordedResult(for input: IngestInput) throws -> IngestResult? {
        guard let outcome = try index.outcome(origin: input.origin, inputHash: input.inputHash) else { return nil }
        var result = IngestResult(status: .failed, origin: input.origin)
        switch outcome {
        case .stored(let row):
            result.status = .stored
            result.id = row.id
            result.path = row.path
            result.title = row.title
            result.published = row.published.flatMap(DateParser.parse)
        case .duplicate(let of, let similarity):
            result.status = .duplicate
            result.duplicateOf = of
            result.similarity = similarity
        case .failed(let reason):
            result.error = reason
        }
        return result
    }

    /// The article an input would become (extraction only; nothing is stored).
    public func article(for input: IngestInput) throws(InputError) -> Article {
        try builder.article(for: input)
    }

    var builder: ArticleBuilder { ArticleBuilder(maxFileBytes: config.inbox.maxFileBytes, clock: clock) }
}
