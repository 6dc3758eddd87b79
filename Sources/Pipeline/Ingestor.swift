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
    public private(set) var dedupe: ArchiveDedupe
    let logger: Logger
    let clock: @Sendable () -> Date
    /// Outcome counters and timings since start.
    public let metrics = PipelineMetrics()

    /// The writer lock on the state folder, held for the ingestor's life: one writer owns
    /// the index and the archive.
    public let writerLock: WriterLock

    /// On a shared (PostgreSQL) index: where this node is in the signatures other nodes
    /// commit, and the keys of articles it stored itself since it last caught up.
    var follower: ClusterFollower?
    var ownKeys = Set<UInt64>()

    /// Takes the writer lock, opens the archive and index, and repairs an index that lags
    /// the archive (a crash between writing an article and indexing it). Throws
    /// `WriterLockError` when another process is the writer, and `ArchiveSyncError` when
    /// the archive looks absent (start-up never prunes most of the index).
    public init(config: Config, logger: Logger, clock: @escaping @Sendable () -> Date = { Date() }) throws {
        self.config = config
        self.logger = logger
        self.clock = clock
        writerLock = try WriterLock.acquire(stateDirectory: config.paths.state)
        store = ArchiveStore(root: config.paths.archive, node: config.index.isShared ? config.index.node : nil)
        try FileOps.makeDirectory(config.paths.archive)
        index = try ArchiveIndex.openForWriting(config)
        let shingleWords = config.dedupe.shingleWords
        let report = try ArchiveSync(store: store, index: index).repair(signature: {
            ArchiveDedupe.signatureBytes($0, shingleWords: shingleWords)
        })
        for path in report.missingFromIndex { logger.notice("index.repaired", metadata: ["path": "\(path)"]) }
        for path in report.missingFromArchive { logger.notice("index.pruned", metadata: ["path": "\(path)"]) }
        for problem in report.unreadable { logger.warning("archive.unreadable", metadata: ["file": "\(problem)"]) }
        dedupe = try ArchiveDedupe(parameters: config.dedupe.parameters, store: store, index: index,
                                   today: DayNumber.of(secondsSince1970: clock().timeIntervalSince1970), logger: logger)
        if index.isShared { follower = ClusterFollower(loadedUpTo: try index.maxArticleRowid()) }
        trimLedger()
    }

    /// Rebuilds the in-memory dedupe tables from the index (after a batch was rolled back:
    /// they had learnt its articles); on a shared index the follower starts again from them.
    private func reloadDedupe() throws {
        dedupe = try ArchiveDedupe(parameters: config.dedupe.parameters, store: store, index: index,
                                   today: DayNumber.of(secondsSince1970: clock().timeIntervalSince1970), logger: logger)
        if index.isShared {
            follower = ClusterFollower(loadedUpTo: try index.maxArticleRowid())
            ownKeys = []
        }
    }

    /// Shared index: locks the LSH and containment keys of every article of the batch
    /// (any two near-duplicates share one, so two nodes deciding them wait for each other),
    /// then learns what other nodes committed before the locks were granted. Decisions
    /// that follow see every stored article that could match.
    private func lockAndCatchUp(_ extracted: [(String, Result<Prepared, InputError>)]) throws {
        guard var follower else { return }
        var keys: [UInt64] = []
        for case (_, .success(let prepared)) in extracted { keys += SignatureIndex.keys(of: prepared.fingerprint.signature) }
        let started = DispatchTime.now().uptimeNanoseconds
        try index.lockForDecision(keys)
        let locked = DispatchTime.now().uptimeNanoseconds
        let learnt = try catchUp(&follower)
        guard !keys.isEmpty else { return }
        logger.debug("cluster.locked", metadata: [
            "keys": "\(keys.count)", "wait_ms": "\(String(format: "%.2f", Double(locked - started) / 1e6))",
            "caught_up": "\(learnt)",
            "catch_up_ms": "\(String(format: "%.2f", Double(DispatchTime.now().uptimeNanoseconds - locked) / 1e6))",
        ])
    }

    /// Adds the signatures other nodes committed since `follower` last looked.
    @discardableResult
    private func catchUp(_ follower: inout ClusterFollower) throws -> Int {
        let now = clock()
        let learnt = try dedupe.catchUp(&follower, ownKeys: &ownKeys, today: DayNumber.of(secondsSince1970: now.timeIntervalSince1970), now: now)
        self.follower = follower
        return learnt
    }

    /// Shared index: learns what other nodes stored (between batches, when told by
    /// NOTIFY or on a timer), so the tables stay in step however long this node idles.
    /// A plain read: no locks are needed to learn, only to decide.
    public func followCluster() throws {
        guard var follower else { return }
        try catchUp(&follower)
    }

    /// Runs one input through the pipeline (a batch of one).
    public func ingest(_ input: IngestInput) throws -> IngestResult {
        try ingest([input])[0]
    }

    /// Runs a batch of inputs through the pipeline and returns their results in input
    /// order. Never throws for bad input: that becomes a `failed` result with the reason.
    /// Throws only when the archive or index cannot be written; then nothing of the batch
    /// is kept (its files are unpublished, its ledger lines trimmed, the transaction rolled
    /// back) and it can be retried whole.
    ///
    /// Extraction runs on `pipeline.workers` threads; decisions, file writes and index
    /// updates run here, serially and in input order, so the same inputs give the same
    /// archive whatever the worker count. Group commit: every article file is fsynced, each
    /// touched folder once, the ledger once per file, and the index in one transaction.
    public func ingest(_ inputs: [IngestInput]) throws -> [IngestResult] {
        try commit(prepare(inputs))
    }

    /// A batch made ready on the workers (`prepare`), to be decided and stored (`commit`).
    public struct PreparedBatch: Sendable {
        let inputs: [IngestInput]
        let extracted: [(String, Result<Prepared, InputError>)]
        let started: UInt64
        public var count: Int { inputs.count }
    }

    /// The pure half of `ingest`: hashing, extraction, the article's text and id, shingles
    /// and signature, on `pipeline.workers` threads. It reads nothing of the archive or the
    /// index, so it may run on another thread while an earlier batch is committed here
    /// (the inbox overlaps the two). The settings are read on the calling thread.
    public func prepare(_ inputs: [IngestInput]) -> PreparedBatch {
        Self.preparation(inputs, builder: builder, shingleWords: config.dedupe.shingleWords, workers: config.pipeline.workers,
                         maxSeconds: config.inbox.maxSeconds)()
    }

    /// `prepare` as a closure that touches no state of the ingestor: made on the ingestor's
    /// thread, run on any.
    /// `hashes`, when given, are the inputs' `inputHash`es (the caller's, to save hashing twice).
    public func preparation(_ inputs: [IngestInput], hashes: [String]? = nil) -> @Sendable () -> PreparedBatch {
        Self.preparation(inputs, hashes: hashes, builder: builder, shingleWords: config.dedupe.shingleWords,
                         workers: config.pipeline.workers, maxSeconds: config.inbox.maxSeconds)
    }

    private static func preparation(_ inputs: [IngestInput], hashes: [String]? = nil, builder: ArticleBuilder, shingleWords: Int,
                                    workers: Int, maxSeconds: Int) -> @Sendable () -> PreparedBatch {
        precondition(hashes == nil || hashes!.count == inputs.count)
        return { @Sendable in
            let started = DispatchTime.now().uptimeNanoseconds
            let shingler = Shingler(words: shingleWords)
            @Sendable func prepared(_ i: Int, _ document: (IngestInput) throws(InputError) -> ExtractedDocument) -> (String, Result<Prepared, InputError>) {
                let input = inputs[i]
                let hash = hashes?[i] ?? input.inputHash
                return (hash, Result { () throws(InputError) -> Prepared in
                    let article = builder.makeArticle(try document(input), input: input, inputHash: hash)
                    return Prepared(article: article, fingerprint: NearDuplicateDetector.fingerprint(ArchiveDedupe.text(article), shingler: shingler),
                                    slug: Slug.make(article.title, fallback: article.id))
                })
            }
            // Larger inputs first: extraction time grows with the page. Past `maxSeconds` an
            // input is given up (a feed entry's own content stands in when it has some).
            let extracted = ParallelMap.run(
                Array(inputs.indices), workers: workers, cost: { inputs[$0].bytes.count }, budget: maxSeconds,
                overrun: { i in prepared(i) { input throws(InputError) in try builder.overrun(input, seconds: maxSeconds) } }
            ) { i in
                prepared(i) { input throws(InputError) in try builder.extract(input) }
            }
            return PreparedBatch(inputs: inputs, extracted: extracted, started: started)
        }
    }

    /// The writing half of `ingest`: decisions, file writes and index updates, serially and
    /// in input order (see `ingest`).
    public func commit(_ batch: PreparedBatch) throws -> [IngestResult] {
        let inputs = batch.inputs
        guard !inputs.isEmpty else { return [] }
        let extracted = batch.extracted
        var pending = PendingBatch()
        let results: [IngestResult]
        do {
            results = try index.transaction {
                try lockAndCatchUp(extracted)
                var results: [IngestResult] = []
                results.reserveCapacity(inputs.count)
                for (input, (hash, extraction)) in zip(inputs, extracted) {
                    results.append(try decide(input, inputHash: hash, extraction: extraction, into: &pending))
                }
                try makeDurable(&pending)
                if follower != nil, results.contains(where: { $0.status == .stored }) { try index.notifySignatures() }
                try FaultInjection.point("before-batch-commit")
                return results
            }
        } catch {
            rollBack(pending)
            throw error
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - batch.started) / 1e9 / Double(inputs.count)
        for (input, result) in zip(inputs, results) {
            metrics.record(result.status, seconds: seconds)
            log(result, input: input)
        }
        return results
    }

    /// Everything the batch wrote becomes durable before the index says it exists: the
    /// articles' data, then their names (published only once their data is on disk, so a
    /// name never shows a half-written file), then the ledger lines. A batch of a few
    /// files syncs each file and folder; a larger one syncs the archive's file system
    /// once for the data and once for the names.
    private func makeDurable(_ pending: inout PendingBatch) throws {
        let fresh = pending.staged.filter { $0.temp != nil }
        if fresh.count > 2 {
            try FileOps.syncFilesystem(store.root)
        } else {
            for item in fresh { try FileOps.syncFile(item.temp!) }
        }
        try store.publish(fresh)
        pending.published = fresh.map(\.path)
        if fresh.count > 2 {
            try FileOps.syncFilesystem(store.root)
        } else {
            for folder in Set(fresh.map { ($0.path as NSString).deletingLastPathComponent }) {
                FileOps.syncDirectory(store.root + "/" + folder)
            }
        }
        try FaultInjection.point("after-article-write")  // published, not yet indexed
        try store.ledger.write(pending.ledger)
    }

    /// An input made ready on a worker thread.
    struct Prepared: Sendable {
        var article: Article
        var fingerprint: Fingerprint
        /// The file name's slug (`Slug.make`: transliteration is not free).
        var slug: String
    }

    /// What a batch has written so far, to make durable before its commit or to undo.
    struct PendingBatch {
        var staged: [ArchiveStore.Staged] = []
        /// Names taken by the batch's articles, before they are published.
        var reserved: Set<String> = []
        var published: [String] = []
        var ledger = DecisionLedger.Batch()
    }

    /// Undoes an uncommitted batch: its files are unpublished (no file without its row) and
    /// its ledger lines trimmed; the in-memory dedupe tables, which learnt its articles,
    /// are rebuilt from the index.
    private func rollBack(_ pending: PendingBatch) {
        let published = Set(pending.published)
        for item in pending.staged where item.temp != nil {
            if published.contains(item.path) { store.remove(item.path) } else { store.discard(item) }
        }
        trimLedger()
        do {
            try reloadDedupe()
        } catch {
            logger.error("dedupe.rebuild_failed", metadata: ["reason": "\(error)"])
        }
    }

    /// Trims ledger lines that no committed index row backs (a batch that failed or was cut
    /// short before its commit): only a file's tail can be uncommitted.
    func trimLedger() {
        let trimmed = store.ledger.trimUncommittedTail(
            duplicateCommitted: { (try? self.index.hasDuplicate($0)) ?? true },
            failureCommitted: { (try? self.index.hasFailure($0)) ?? true })
        if trimmed > 0 { logger.notice("ledger.trimmed", metadata: ["lines": "\(trimmed)", "reason": "not committed to the index"]) }
    }

    private func log(_ result: IngestResult, input: IngestInput) {
        switch result.status {
        case .stored:
            logger.info("stored", metadata: [
                "id": "\(result.id ?? "")", "path": "\(result.path ?? "")", "origin": "\(input.origin)", "title": "\(result.title ?? "")",
            ])
        case .duplicate:
            logger.info("duplicate", metadata: [
                "origin": "\(input.origin)", "duplicate_of": "\(result.duplicateOf ?? "")",
                "similarity": "\(String(format: "%.3f", result.similarity ?? 0))",
                "containment": "\(String(format: "%.3f", result.containment ?? 0))", "match": "\(result.match ?? "")",
            ])
        case .failed:
            logger.warning("failed", metadata: ["origin": "\(input.origin)", "reason": "\(result.error ?? "")"])
        }
    }

    /// Dedupe and store: the decision for one extracted input, inside the batch's transaction.
    private func decide(_ input: IngestInput, inputHash: String, extraction: Result<Prepared, InputError>,
                        into pending: inout PendingBatch) throws -> IngestResult {
        var result = IngestResult(status: .failed, origin: input.origin)
        let prepared: Prepared
        switch extraction {
        case .success(let ready): prepared = ready
        case .failure(let error):
            result.error = error.message
            let record = FailureRecord(origin: input.origin, url: input.url, inputHash: inputHash, reason: error.message, recorded: clock())
            pending.ledger.add(record)
            try index.insert(record)
            return result
        }

        // The article's time is when it is decided, not when a worker made it.
        var article = prepared.article
        article.ingested = clock()
        result.title = article.title
        result.published = article.published

        // Exact duplicates first: same normalised body (a new article's id is that hash).
        if let existing = try index.article(withContentHash: article.id) {
            return try recordDuplicate(of: existing.id, similarity: 1, containment: 1, match: "exact",
                                       article: article, input: input, inputHash: inputHash, result: result, into: &pending)
        }

        // Near-duplicates: MinHash/LSH candidates, verified against the stored bodies.
        let today = DayNumber.of(secondsSince1970: clock().timeIntervalSince1970)
        let fingerprint = prepared.fingerprint
        if let near = dedupe.findDuplicate(fingerprint, today: today) {
            return try recordDuplicate(of: near.id, similarity: near.comparison.jaccard, containment: near.comparison.containment,
                                       match: "near", article: article, input: input, inputHash: inputHash, result: result, into: &pending)
        }

        let staged = try store.stage(article, slug: prepared.slug, reserved: &pending.reserved)
        pending.staged.append(staged)
        let path = staged.path
        try FaultInjection.point("after-article-staged")
        try index.insert(article, path: path, signature: fingerprint.signature.bytes, contentHash: article.id)
        dedupe.add(fingerprint, id: article.id, day: DayNumber.of(secondsSince1970: article.ingested.timeIntervalSince1970))
        if follower != nil { ownKeys.insert(dedupe.key(for: article.id)) }
        result.status = .stored
        result.id = article.id
        result.path = path
        return result
    }

    private func recordDuplicate(of id: String, similarity: Double, containment: Double, match: String, article: Article,
                                 input: IngestInput, inputHash: String, result: IngestResult,
                                 into pending: inout PendingBatch) throws -> IngestResult {
        let record = DuplicateRecord(duplicateOf: id, similarity: similarity, containment: containment, title: article.title,
                                     url: article.url, source: article.source, origin: input.origin, inputHash: inputHash, recorded: clock())
        pending.ledger.add(record)
        try index.insert(record)
        var result = result
        result.status = .duplicate
        result.duplicateOf = id
        result.similarity = similarity
        result.containment = containment
        result.match = match
        return result
    }

    /// Records that an input failed: in the archive's ledger first (the source of truth),
    /// then in the index. The caller logs it.
    public func recordFailure(origin: String, url: String? = nil, inputHash: String? = nil, reason: String) throws {
        let record = FailureRecord(origin: origin, url: url, inputHash: inputHash, reason: reason, recorded: clock())
        try store.ledger.append(record)
        try index.insert(record)
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

    var builder: ArticleBuilder {
        ArticleBuilder(maxFileBytes: config.inbox.maxFileBytes, clock: clock)
    }
}
