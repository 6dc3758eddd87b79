import Archive
import ArgumentParser
import Foundation
import Inbox
import Logging
import Pipeline
import WinnowCore

struct SearchBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search latency over N generated articles, and the search index's size per article.",
        discussion: """
            Fills a fresh index (or tops up --state) with N synthetic articles through ArchiveIndex.insert, \
            the path every stored article takes (row + search text), in transactions of 10,000. Words \
            follow a Zipf distribution over a 50,000-word vocabulary. Then times --queries two-word \
            queries (each word drawn from the same distribution, skipping the 100 most frequent words, \
            which people do not search for) with --limit hits, as `winnow search` runs them (a reader's connection); prints \
            p50/p95/p99, hits, the search table's bytes per article, and index build time.
            """)

    @Option(help: "Number of articles.") var count = 1_000_000
    @Option(help: "Mean body words per article.") var words = 250
    @Option(help: "Queries to time.") var queries = 1000
    @Option(help: "Hits per query.") var limit = 20
    @Option(help: "Folder for the index, kept for reuse (default: a new folder under /tmp, removed after).") var state: String?

    func run() throws {
        let dir = state ?? (NSTemporaryDirectory() + "/winnow-search-\(getpid())")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { if state == nil { for s in ["", "-wal", "-shm"] { unlink(ArchiveIndex.file(in: dir) + s) }; rmdir(dir) } }
        var corpus = GeneratedCorpus()
        let index = try ArchiveIndex(stateDirectory: dir)
        let existing = try index.articleCount()
        if existing < count {
            for _ in 0..<existing { _ = corpus.random() }  // not the same articles again
            // Filling is set-up, not what is measured: no fsync per batch and a larger page
            // cache (FTS5 merges its segments faster), both for this connection only.
            try index.database.execute("PRAGMA synchronous=OFF; PRAGMA cache_size=-262144")
            let start = monotonicSeconds()
            var done = existing
            while done < count {
                let batch = min(10_000, count - done)
                try index.transaction {
                    for i in done..<(done + batch) {
                        try index.insert(corpus.article(i, meanWords: words), path: "bench/\(i).md")
                    }
                }
                done += batch
                if isatty(2) == 1 { FileHandle.standardError.write(Data("\rindexed \(done)/\(count)".utf8)) }
            }
            try index.markSearchFilled()
            if isatty(2) == 1 { FileHandle.standardError.write(Data("\n".utf8)) }
            let seconds = monotonicSeconds() - start
            print(String(format: "indexed %d articles (row + search text; synchronous=off, 256 MB cache) in %.1f s: %.0f articles/s", count - existing, seconds,
                         Double(count - existing) / seconds))
        }
        // Queries go through a reader's connection, as `winnow search` opens it.
        guard let reader = try ArchiveIndex.openForReading(stateDirectory: dir) else { throw ValidationError("no index in \(dir)") }
        let articles = try index.articleCount()
        let ftsBytes = try index.searchBytes()
        var fileBytes = stat()
        stat(ArchiveIndex.file(in: dir), &fileBytes)
        print(String(format: "articles: %d of ~%d words; search table %.1f MB = %d bytes per article; index file %.1f MB",
                     articles, words, Double(ftsBytes) / 1e6, ftsBytes / max(1, articles), Double(fileBytes.st_size) / 1e6))

        // Two-word queries: draws from the Zipf distribution above rank 100 (content words).
        var queryCorpus = GeneratedCorpus(seed: 0x9e11)
        func contentWord() -> String {
            while true {
                let r = queryCorpus.rank()
                if r >= 100 { return queryCorpus.vocabulary[r] }
            }
        }
        let texts = (0..<queries).map { _ in contentWord() + " " + contentWord() }
        var query = SearchQuery(text: "")
        query.limit = limit
        // Warm the page cache as a running system would be (not timed).
        for text in texts.prefix(50) { query.text = text; _ = try reader.search(query) }
        var latencies: [Double] = []
        var hits = 0, empty = 0
        for text in texts {
            query.text = text
            let start = monotonicSeconds()
            let found = try reader.search(query)
            latencies.append((monotonicSeconds() - start) * 1000)
            hits += found.count
            if found.isEmpty { empty += 1 }
        }
        latencies.sort()
        func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        // The same queries ranked only (no rows, no snippets): where the time goes.
        var rankOnly: [Double] = []
        query.details = false
        for text in texts {
            query.text = text
            let start = monotonicSeconds()
            _ = try reader.search(query)
            rankOnly.append((monotonicSeconds() - start) * 1000)
        }
        rankOnly.sort()
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first ?? "?"
        print(String(format: "search, %d two-word queries, limit %d: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms; "
                     + "%.1f hits per query, %d with none", queries, limit, percentile(0.5), percentile(0.95), percentile(0.99),
                     latencies.last ?? 0, Double(hits) / Double(max(1, queries)), empty))
        print(String(format: "  of which ranking (bm25 over every match): p50 %.2f ms, p95 %.2f ms; load average at the end %@",
                     rankOnly[rankOnly.count / 2], rankOnly[min(rankOnly.count - 1, Int(Double(rankOnly.count) * 0.95))], String(load)))
    }
}

struct StoreBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Store throughput with and without the search index (the cost of search on the store path).",
        discussion: """
            Stores N generated articles as the ingestor does, in batches of --batch: each article's \
            file staged (temp file, no fsync) and its index row inserted, with the search text (FTS \
            on) or without (FTS off), in one transaction per batch; the files made durable and \
            published before the commit (one syncfs for the data, one for the names, as a batch of \
            more than two articles does). Then the same without files, in one transaction (the \
            index's own cost). Rounds alternate on and off in fresh folders; the best of --rounds \
            is kept for each.

            With --corpus DIR, the real pipeline instead: every .html/.htm/.txt file under DIR \
            goes into a fresh inbox and is drained as `winnow once` drains it (extraction on the \
            workers, dedupe, files, index, moves), with and without the search text.
            """)

    @Option(help: "Articles per round.") var count = 2000
    @Option(help: "Mean body words per article.") var words = 400
    @Option(help: "Articles per batch (one transaction), as pipeline.batch_size.") var batch = 64
    @Option(help: "Rounds of each mode.") var rounds = 3
    @Option(help: "Parent folder for the temporary archives (default: the system temporary folder).") var folder: String?
    @Option(help: "Time the whole inbox pipeline over the pages of this folder instead.") var corpus: String?

    func run() throws {
        if let corpus { return try runPipeline(corpus: corpus) }
        var corpus = GeneratedCorpus()
        let articles = (0..<count).map { corpus.article($0, meanWords: words) }
        let batchSize = max(1, batch)
        var best: [Bool: (store: Double, index: Double)] = [:]
        /// CPU microseconds per article on the store path, the least of the rounds.
        var leastCPU: [Bool: Double] = [:]
        for round in 0..<rounds {
            for fts in [true, false] {
                let dir = (folder ?? NSTemporaryDirectory()) + "/winnow-store-\(getpid())-\(round)-\(fts)"
                defer { try? FileManager.default.removeItem(atPath: dir) }
                let store = ArchiveStore(root: dir + "/archive")
                try FileOps.makeDirectory(store.root)
                let index = try ArchiveIndex(stateDirectory: dir + "/state")
                index.indexesText = fts
                var start = monotonicSeconds()
                let cpuStart = processCPUSeconds()
                for first in stride(from: 0, to: articles.count, by: batchSize) {
                    let chunk = articles[first..<min(first + batchSize, articles.count)]
                    try index.transaction {
                        var reserved = Set<String>()
                        var staged: [ArchiveStore.Staged] = []
                        for article in chunk {
                            let item = try store.stage(article, reserved: &reserved)
                            staged.append(item)
                            try index.insert(article, path: item.path)
                        }
                        let fresh = staged.filter { $0.temp != nil }
                        if fresh.count > 2 {
                            try FileOps.syncFilesystem(store.root)
                        } else {
                            for item in fresh { try FileOps.syncFile(item.temp!) }
                        }
                        try store.publish(fresh)
                        if fresh.count > 2 {
                            try FileOps.syncFilesystem(store.root)
                        } else {
                            for folder in Set(fresh.map { ($0.path as NSString).deletingLastPathComponent }) {
                                FileOps.syncDirectory(store.root + "/" + folder)
                            }
                        }
                    }
                }
                let storeRate = Double(count) / (monotonicSeconds() - start)
                let cpu = (processCPUSeconds() - cpuStart) / Double(count) * 1e6
                leastCPU[fts] = min(leastCPU[fts] ?? .infinity, cpu)
                let bare = try ArchiveIndex(stateDirectory: dir + "/state-bare")
                bare.indexesText = fts
                start = monotonicSeconds()
                try bare.transaction { for (i, article) in articles.enumerated() { try bare.insert(article, path: "bench/\(i).md") } }
                let indexRate = Double(count) / (monotonicSeconds() - start)
                let previous = best[fts] ?? (0, 0)
                best[fts] = (max(previous.store, storeRate), max(previous.index, indexRate))
            }
        }
        let on = best[true]!, off = best[false]!
        print(String(format: "store path (files + index rows, one transaction and two syncfs per batch of %d), %d articles of ~%d words, best of %d:",
                     batchSize, count, words, rounds))
        print(String(format: "  FTS on  %.0f articles/s", on.store))
        print(String(format: "  FTS off %.0f articles/s", off.store))
        print(String(format: "  with FTS: %.1f %% of the throughput without", on.store / off.store * 100))
        print(String(format: "  CPU per article: FTS on %.0f µs, off %.0f µs (the wall clock waits on syncfs as well)",
                     leastCPU[true]!, leastCPU[false]!))
        print(String(format: "index only (rows in one transaction, no files): FTS on %.0f/s, off %.0f/s (%.1f %%)",
                     on.index, off.index, on.index / off.index * 100))
    }
}

extension StoreBench {
    /// The inbox pipeline over real pages, with and without search text: pages stored per
    /// second and CPU per page, the best of the rounds for each.
    func runPipeline(corpus: String) throws {
        let pages = Self.pages(under: corpus)
        guard !pages.isEmpty else { throw ValidationError("no .html/.htm/.txt files under \(corpus)") }
        var logger = Logger(label: "winnow.bench")
        logger.logLevel = .error
        var best: [Bool: (rate: Double, cpu: Double, stored: Int)] = [:]
        for round in 0..<rounds {
            for fts in [true, false] {
                let dir = (folder ?? NSTemporaryDirectory()) + "/winnow-store-pipeline-\(getpid())-\(round)-\(fts)"
                defer { try? FileManager.default.removeItem(atPath: dir) }
                var config = Config(archive: dir + "/archive", inbox: dir + "/inbox", state: dir + "/state")
                config.inbox.settleMilliseconds = 0
                try FileOps.makeDirectory(config.paths.inbox)
                for (i, page) in pages.enumerated() {
                    let target = config.paths.inbox + "/" + String(format: "%05d-", i) + (page as NSString).lastPathComponent
                    if link(page, target) != 0 { try FileManager.default.copyItem(atPath: page, toPath: target) }
                }
                let ingestor = try Ingestor(config: config, logger: logger)
                ingestor.index.indexesText = fts
                let inbox = try InboxProcessor(folder: InboxFolder(root: config.paths.inbox), ingestor: ingestor, logger: logger)
                let start = monotonicSeconds(), cpuStart = processCPUSeconds()
                let report = try inbox.drain()
                let seconds = monotonicSeconds() - start, cpu = processCPUSeconds() - cpuStart
                let stored = report.results.filter { $0.status == .stored }.count
                let previous = best[fts] ?? (0, .infinity, 0)
                best[fts] = (max(previous.rate, Double(pages.count) / seconds), min(previous.cpu, cpu / Double(pages.count) * 1e3), stored)
            }
        }
        let on = best[true]!, off = best[false]!
        print("inbox pipeline over \(pages.count) pages of \(corpus) (\(on.stored) stored), best of \(rounds):")
        print(String(format: "  FTS on  %.1f pages/s, %.2f ms CPU per page", on.rate, on.cpu))
        print(String(format: "  FTS off %.1f pages/s, %.2f ms CPU per page", off.rate, off.cpu))
        print(String(format: "  with FTS: %.1f %% of the throughput without; search text costs %.1f %% of the CPU",
                     on.rate / off.rate * 100, (on.cpu - off.cpu) / on.cpu * 100))
    }

    /// Every .html/.htm/.txt file under `root`, sorted.
    static func pages(under root: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            let lower = relative.lowercased()
            if lower.hasSuffix(".html") || lower.hasSuffix(".htm") || lower.hasSuffix(".txt") { found.append(root + "/" + relative) }
        }
        return found.sorted()
    }
}
