import Archive
import Dispatch
import Extract
import Fetch
import Foundation
import Logging
import Pipeline
import WinnowCore

/// A feed to poll: from a `[[feeds]]` table of the config or imported from OPML into the index.
public struct FeedSource: Sendable, Equatable {
    public var url: String
    public var name: String?
    public var intervalMinutes: Int?
    public var insecureTLS: Bool
    /// Kept in the index (`feeds add`, OPML import) rather than the config.
    public var imported: Bool
    /// In a `[[feeds]]` table of the config.
    public var inConfig: Bool = false
    public var disabled: Bool = false
    /// OPML folder path.
    public var category: String?

    public init(url: String, name: String? = nil, intervalMinutes: Int? = nil, insecureTLS: Bool = false, imported: Bool = false) {
        self.url = url
        self.name = name
        self.intervalMinutes = intervalMinutes
        self.insecureTLS = insecureTLS
        self.imported = imported
    }

    /// Every feed: the ones added to the index, then the config's, whose settings win for a
    /// feed in both. Disabled feeds are included (marked) only when `includeDisabled`.
    public static func merge(config: [Config.Feed], records: [FeedRecord], includeDisabled: Bool) -> [String: FeedSource] {
        let byURL = Dictionary(records.map { ($0.url, $0) }, uniquingKeysWith: { a, _ in a })
        var sources: [String: FeedSource] = [:]
        for record in records where record.imported {
            var source = FeedSource(url: record.url, name: record.name ?? record.title, intervalMinutes: record.intervalMinutes,
                                    imported: true)
            source.category = record.category
            sources[record.url] = source
        }
        for feed in config {
            var source = FeedSource(url: feed.url, name: feed.name ?? sources[feed.url]?.name, intervalMinutes: feed.intervalMinutes,
                                    insecureTLS: feed.insecureTLS, imported: sources[feed.url] != nil)
            source.inConfig = true
            source.category = sources[feed.url]?.category
            sources[feed.url] = source
        }
        for url in sources.keys {
            let disabled = byURL[url]?.disabled ?? false
            if disabled && !includeDisabled { sources[url] = nil } else { sources[url]!.disabled = disabled }
        }
        return sources
    }
}

/// One feed's state, as `winnow feeds` and the daemon's status show it.
public struct FeedStatus: Sendable, Equatable {
    public enum State: String, Sendable { case new, ok, failing }
    public var url: String
    public var name: String?
    public var state: State
    public var polling: Bool
    public var imported: Bool
    public var lastFetch: Date?
    public var lastStatus: Int?
    public var errorCount: Int
    public var lastError: String?
    public var nextDue: Date?
    public var disabled: Bool
    /// Failing for more than `FeedStatus.longFailure` with no success since: still polled (at
    /// the backoff cap) but worth a look.
    public var longFailing: Bool

    /// How long a feed may fail before `winnow feeds` flags it.
    public static let longFailure: TimeInterval = 3 * 86_400

    public init(source: FeedSource?, record: FeedRecord, polling: Bool = false, now: Date = Date()) {
        url = record.url
        name = source?.name ?? record.name ?? record.title
        disabled = source?.disabled ?? record.disabled
        let since = record.lastSuccess ?? .distantPast
        longFailing = record.errorCount >= 3 && now.timeIntervalSince(since) > Self.longFailure
            && (record.lastSuccess != nil || record.errorCount >= 5)
        state = record.lastFetch == nil ? .new : (record.errorCount > 0 ? .failing : .ok)
        self.polling = polling
        imported = record.imported
        lastFetch = record.lastFetch
        lastStatus = record.lastStatus
        errorCount = record.errorCount
        lastError = record.lastError
        nextDue = record.nextDue
    }
}

/// What one poll did.
public struct FeedPollResult: Sendable, Equatable {
    public var url: String
    /// HTTP status of the feed fetch (0 when there was no response).
    public var status: Int
    public var ok: Bool
    public var newEntries = 0
    public var stored = 0
    public var duplicates = 0
    public var failedEntries = 0
    public var error: String?
}

/// Polls feeds on a schedule and feeds their entries' articles through the `Ingestor`.
///
/// Threading: the service's own state lives on a private serial queue; HTTP runs on the
/// `HTTPClient`'s thread; parsing on a global queue; every `Ingestor` and `ArchiveIndex`
/// call is made on `ingestQueue`, which the caller also uses for everything else that
/// touches the index. No method may be called *on* `ingestQueue` if it waits
/// (`pollAllDue(wait: true)`, `snapshot()`).
public final class FeedService: @unchecked Sendable {
    private let queue = DispatchQueue(label: "winnow.feeds")
    private let ingestQueue: DispatchQueue
    private let ingestor: Ingestor
    private let logger: Logger
    private let client: HTTPClient
    private let clock: @Sendable () -> Date
    private let random: @Sendable () -> Double

    // Confined to `queue`.
    private var config: Config
    private var sources: [String: FeedSource] = [:]
    private var records: [String: FeedRecord] = [:]
    private var polling: Set<String> = []
    /// Feeds with entries an interrupted run left pending: polled at once (a cheap
    /// conditional GET) so those entries are finished without waiting for the schedule.
    private var resume: Set<String> = []
    private var timer: DispatchSourceTimer?
    private var stopping = false
    private var prepared = false
    private var lastRefresh = Date.distantPast
    /// Shared index: a lease query is on its way (one at a time), and when leases on the
    /// feeds being polled were last renewed.
    private var leasing = false
    private var lastRenewal = Date.distantPast

    // Confined to `ingestQueue`: entries whose pages arrived, waiting to be stored together.
    private var arrived: [ArrivedEntry] = []
    private var flushScheduled = false

    /// An entry whose page was fetched (or could not be), waiting for the next batch.
    private struct ArrivedEntry {
        var entry: FeedEntryRecord
        var input: IngestInput?
        var pageFetched: Bool
        var pageError: String?
        var completion: @Sendable (FeedEntryRecord.Status) -> Void
    }
    private let inFlight = DispatchGroup()

    /// `random` returns values in 0..<1 (for jitter); injectable for tests.
    public init(config: Config, ingestor: Ingestor, ingestQueue: DispatchQueue, logger: Logger,
                clock: @escaping @Sendable () -> Date = { Date() },
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.config = config
        self.ingestor = ingestor
        self.ingestQueue = ingestQueue
        self.logger = logger
        self.clock = clock
        self.random = random
        client = HTTPClient(settings: FetchSettings(config.fetch))
    }

    // MARK: Public API

    /// Loads feed state from the index and starts polling due feeds on a timer.
    public func start() {
        queue.async { @Sendable in
            guard self.timer == nil, !self.stopping else { return }
            self.refreshSources {
                let timer = DispatchSource.makeTimerSource(queue: self.queue)
                timer.schedule(deadline: .now(), repeating: .seconds(1), leeway: .milliseconds(250))
                timer.setEventHandler { @Sendable in self.tick() }
                timer.resume()
                self.timer = timer
            }
        }
    }

    /// Stops the timer, lets polls in flight wind down (unfinished entries stay pending in
    /// the index and are retried next time), frees the HTTP client, then calls `completion`.
    public func stop(completion: @escaping @Sendable () -> Void) {
        queue.async { @Sendable in
            self.stopping = true
            self.timer?.cancel()
            self.timer = nil
            let client = self.client
            DispatchQueue.global().async { @Sendable in
                client.shutdown()  // transfers in flight end as cancelled
                self.inFlight.notify(queue: DispatchQueue.global()) { @Sendable in completion() }
            }
        }
    }

    /// Applies a new config: feeds added, removed or changed in `[[feeds]]` take effect at
    /// once (new feeds are due immediately), as do `[schedule]` changes. `[fetch]` limits
    /// are fixed when the service is created.
    public func reload(config: Config) {
        queue.async { @Sendable in
            self.config = config
            self.refreshSources {}
        }
    }

    /// Re-reads imported feeds from the index (after `feeds import` changed it).
    public func refresh() {
        queue.async { @Sendable in self.refreshSources {} }
    }

    /// Polls every due feed (every feed when `force`); with `wait`, returns when all those
    /// polls and their entries are done. Must not be called on `ingestQueue` with `wait`.
    @discardableResult
    public func pollAllDue(wait: Bool, force: Bool = false) -> [FeedPollResult] {
        // A shared index leases a few feeds per round: with `wait`, rounds run until none
        // is left due for this node.
        guard ingestor.index.isShared, wait, !force else { return pollRound(wait: wait, force: force) }
        var all: [FeedPollResult] = []
        while true {
            let round = pollRound(wait: true, force: false)
            if round.isEmpty { return all.sorted { $0.url < $1.url } }
            all += round
        }
    }

    private func pollRound(wait: Bool, force: Bool) -> [FeedPollResult] {
        let group = DispatchGroup()
        let results = Locked<[FeedPollResult]>([])
        group.enter()
        queue.async { @Sendable in
            self.refreshSources {
                let now = self.clock()
                if self.ingestor.index.isShared, !force {
                    self.leaseAndPoll(now: now, willPoll: { group.enter() }, completion: { @Sendable result in
                        results.mutate { $0.append(result) }
                        group.leave()
                    }, done: { group.leave() })
                    return
                }
                for url in self.sources.keys.sorted() where !self.polling.contains(url) && !self.stopping {
                    let due = self.resume.contains(url) || (self.records[url]?.nextDue.map { $0 <= now } ?? true)
                    guard force || due else { continue }
                    group.enter()
                    self.poll(url) { @Sendable result in
                        results.mutate { $0.append(result) }
                        group.leave()
                    }
                }
                group.leave()
            }
        }
        if wait { group.wait() }
        return results.value.sorted { $0.url < $1.url }
    }

    /// Each feed's state (must not be called on the service's own queue).
    public func snapshot() -> [FeedStatus] {
        queue.sync {
            sources.keys.sorted().map { url in
                FeedStatus(source: sources[url], record: records[url] ?? FeedRecord(url: url), polling: polling.contains(url))
            }
        }
    }

    // MARK: Sources

    /// Merges config feeds with imported ones from the index, then runs `then` on `queue`.
    private func refreshSources(then: @escaping @Sendable () -> Void) {
        let config = self.config
        let needsPrepare = !prepared
        ingestQueue.async { @Sendable in
            var loaded: [FeedRecord] = []
            var pending = Set<String>()
            do {
                if needsPrepare {
                    try self.ingestor.index.prepareFeedTables()
                    pending = try self.ingestor.index.feedsWithPendingEntries()
                }
                // A shared index leases feeds by their rows: the configured ones get theirs.
                try self.ingestor.index.ensureFeedRows(config.feeds.map(\.url))
                loaded = try self.ingestor.index.feedRecords()
            } catch {
                self.logger.error("feeds.state_unreadable", metadata: ["reason": "\(error)"])
            }
            let stored = loaded
            let resume = pending
            self.queue.async { @Sendable in
                self.prepared = true
                self.resume.formUnion(resume)
                // Disabled feeds are not polled.
                let sources = FeedSource.merge(config: config.feeds, records: stored, includeDisabled: false)
                self.sources = sources
                var records: [String: FeedRecord] = [:]
                for record in stored where sources[record.url] != nil { records[record.url] = record }
                for url in sources.keys where records[url] == nil { records[url] = FeedRecord(url: url) }
                // Keep in-memory state that is newer than what was read (a poll in flight, or
                // one that finished while the index was being read).
                for (url, mine) in self.records where sources[url] != nil {
                    let loaded = records[url]?.lastFetch ?? .distantPast
                    if self.polling.contains(url) || (mine.lastFetch ?? .distantPast) > loaded { records[url] = mine }
                }
                self.lastRefresh = self.clock()
                self.records = records
                then()
            }
        }
    }

    private func tick() {
        guard !stopping else { return }
        let now = clock()
        // Picks up feeds imported (`winnow feeds import`) while the daemon runs.
        if abs(now.timeIntervalSince(lastRefresh)) > 60 {
            lastRefresh = now
            refreshSources {}
        }
        if ingestor.index.isShared {
            leaseAndPoll(now: now)
            return
        }
        // Every configured or imported feed; one never polled has no record yet and is due.
        for url in sources.keys.sorted() where !polling.contains(url) {
            if resume.contains(url) || (records[url]?.nextDue.map({ $0 <= now }) ?? true) {
                poll(url) { @Sendable _ in }
            }
        }
    }

    // MARK: Leases (shared index)

    /// Several nodes share the feeds: each polls only the due feeds it holds a lease on.
    /// The lease is taken in the index (skipping feeds another node is leasing at that
    /// moment), renewed while the poll lasts, and released when it ends; a node that dies
    /// loses its leases when they expire. The feed's state is re-read with the lease, as
    /// another node may have polled it last.
    private func leaseAndPoll(now: Date, willPoll: (@Sendable () -> Void)? = nil, completion: (@Sendable (FeedPollResult) -> Void)? = nil,
                              done: (@Sendable () -> Void)? = nil) {
        let node = config.index.node
        let seconds = config.index.leaseSeconds
        if !polling.isEmpty, now.timeIntervalSince(lastRenewal) >= Double(seconds) / 3 {
            lastRenewal = now
            let held = Array(polling)
            ingestQueue.async { @Sendable in
                do { try self.ingestor.index.renewLeases(held, node: node, seconds: seconds) } catch {
                    self.logger.error("feeds.lease_renewal_failed", metadata: ["reason": "\(error)"])
                }
            }
        }
        guard !leasing else { done?(); return }
        let candidates = sources.keys.sorted().filter { !polling.contains($0) }
        guard !candidates.isEmpty else { done?(); return }
        // A few at a time, up to the transfers this node can run: the first node to tick
        // does not take every due feed, so the work spreads over the nodes.
        let limit = max(0, min(4, config.fetch.maxConnections - polling.count))
        guard limit > 0 else { done?(); return }
        leasing = true
        ingestQueue.async { @Sendable in
            var leased: [(String, FeedRecord?)] = []
            do {
                for url in try self.ingestor.index.leaseDueFeeds(candidates, node: node, now: now, seconds: seconds, limit: limit) {
                    leased.append((url, try self.ingestor.index.feedRecord(url: url)))
                }
            } catch {
                self.logger.error("feeds.lease_failed", metadata: ["reason": "\(error)"])
            }
            let fresh = leased
            self.queue.async { @Sendable in
                self.leasing = false
                for (url, record) in fresh where !self.polling.contains(url) && !self.stopping {
                    if let record { self.records[url] = record }
                    self.logger.debug("feed.leased", metadata: ["url": "\(url)", "node": "\(node)"])
                    willPoll?()
                    self.poll(url, completion: completion ?? { @Sendable _ in })
                }
                done?()
            }
        }
    }

    // MARK: Polling

    /// Polls one feed (on `queue`); `completion` runs when its entries are done too.
    private func poll(_ url: String, completion: @escaping @Sendable (FeedPollResult) -> Void) {
        guard let source = sources[url], !stopping else {
            completion(FeedPollResult(url: url, status: 0, ok: false, error: "not polled"))
            return
        }
        polling.insert(url)
        resume.remove(url)
        inFlight.enter()
        let record = records[url] ?? FeedRecord(url: url)
        let config = self.config
        let started = DispatchTime.now()
        var headers: [String] = []
        if let etag = record.etag { headers.append("If-None-Match: \(etag)") }
        if let modified = record.lastModified { headers.append("If-Modified-Since: \(modified)") }
        if source.insecureTLS {
            logger.warning("feed.insecure_tls", metadata: ["url": "\(url)", "reason": "TLS verification is off for this feed"])
        }
        let shared = ingestor.index.isShared
        let node = config.index.node
        let finish: @Sendable (FeedPollResult, FeedRecord?) -> Void = { result, updated in
            if shared {
                // After the new schedule is saved (queued before this on the same queue).
                self.ingestQueue.async { @Sendable in
                    do { try self.ingestor.index.releaseLease(url, node: node) } catch {
                        self.logger.error("feeds.lease_release_failed", metadata: ["url": "\(url)", "reason": "\(error)"])
                    }
                }
            }
            self.queue.async { @Sendable in
                if let updated { self.records[url] = updated }
                self.polling.remove(url)
                completion(result)
                self.inFlight.leave()
            }
        }
        client.fetch(HTTPRequest(url: url, headers: headers, insecureTLS: source.insecureTLS),
                     queue: DispatchQueue.global()) { @Sendable fetched in
            self.handleFeedResponse(fetched, source: source, record: record, config: config, started: started, finish: finish)
        }
    }

    /// Off any special queue: interprets the response and parses the feed.
    private func handleFeedResponse(_ fetched: FetchResult, source: FeedSource, record: FeedRecord, config: Config,
                                    started: DispatchTime, finish: @escaping @Sendable (FeedPollResult, FeedRecord?) -> Void) {
        let url = source.url
        let now = clock()
        var updated = record
        updated.lastFetch = now
        let response: HTTPResponse
        switch fetched {
        case .failure(let error):
            if error.kind == .cancelled {
                finish(FeedPollResult(url: url, status: 0, ok: false, error: error.description), nil)
                return
            }
            failed(record: updated, status: nil, reason: error.description, retryAfter: nil, config: config, finish: finish)
            return
        case .success(let r):
            response = r
        }
        updated.lastStatus = response.status
        if response.status == 304 {
            succeeded(record: updated, response: response, feed: nil, source: source, config: config, started: started, finish: finish)
            return
        }
        guard (200..<300).contains(response.status) else {
            let retryAfter = [429, 503].contains(response.status) ? response.retryAfter(now: now) : nil
            failed(record: updated, status: response.status, reason: "HTTP \(response.status)", retryAfter: retryAfter,
                   config: config, finish: finish)
            return
        }
        let feed: ParsedFeed
        do {
            feed = try FeedParser.parse(response.body, url: response.effectiveURL, charset: response.charset,
                                        contentLocation: response.header("content-location"))
        } catch {
            failed(record: updated, status: response.status, reason: "parse: \(error.message)", retryAfter: nil, config: config,
                   finish: finish)
            return
        }
        for warning in feed.warnings {
            logger.warning("feed.warning", metadata: ["url": "\(url)", "reason": "\(warning)"])
        }
        succeeded(record: updated, response: response, feed: feed, source: source, config: config, started: started, finish: finish)
    }

    private func failed(record: FeedRecord, status: Int?, reason: String, retryAfter: TimeInterval?, config: Config,
                        finish: @escaping @Sendable (FeedPollResult, FeedRecord?) -> Void) {
        var updated = record
        updated.errorCount += 1
        updated.lastError = reason
        let now = clock()
        let exponent = min(updated.errorCount - 1, 30)
        let minutes = min(Double(config.schedule.backoffMinMinutes) * pow(2, Double(exponent)), Double(config.schedule.backoffMaxMinutes))
        var delay = minutes * 60
        if let retryAfter { delay = max(delay, retryAfter) }
        updated.nextDue = now.addingTimeInterval(delay)
        let saved = updated
        ingestQueue.async { @Sendable in
            do { try self.ingestor.index.saveFeedRecord(saved) } catch {
                self.logger.error("feed.state_unwritable", metadata: ["url": "\(record.url)", "reason": "\(error)"])
            }
            self.logger.warning("feed.failed", metadata: [
                "url": "\(record.url)", "reason": "\(reason)", "status": "\(status.map(String.init) ?? "-")",
                "errors": "\(saved.errorCount)", "next_due": "\(saved.nextDue!.rfc3339)",
            ])
            finish(FeedPollResult(url: record.url, status: status ?? 0, ok: false, error: reason), saved)
        }
    }

    private func succeeded(record: FeedRecord, response: HTTPResponse, feed: ParsedFeed?, source: FeedSource, config: Config,
                           started: DispatchTime, finish: @escaping @Sendable (FeedPollResult, FeedRecord?) -> Void) {
        var updated = record
        let now = clock()
        updated.errorCount = 0
        updated.lastError = nil
        updated.lastSuccess = now
        if response.status != 304 {
            updated.etag = response.header("etag")
            updated.lastModified = response.header("last-modified")
        }
        if let title = feed?.title, !title.isEmpty { updated.title = title }
        var interval = Double(source.intervalMinutes ?? config.schedule.intervalMinutes) * 60
        if let ttl = feed?.ttlMinutes { interval = max(interval, Double(ttl) * 60) }
        if let maxAge = response.maxAge { interval = max(interval, maxAge) }
        let jitter = Double(config.schedule.jitterPercent) / 100 * (random() * 2 - 1)
        updated.nextDue = now.addingTimeInterval(interval * (1 + jitter))
        let sourceName = source.name ?? updated.title ?? URL(string: source.url)?.host
        let entries = feed?.entries ?? []
        let retries = max(1, config.schedule.entryRetries)
        let saved = updated

        ingestQueue.async { @Sendable in
            let index = self.ingestor.index
            var newCount = 0
            var todo: [FeedEntryRecord] = []
            do {
                try index.transaction {
                    for entry in entries {
                        var e = FeedEntryRecord(feedURL: source.url, key: entry.key, firstSeen: now)
                        e.link = entry.link.flatMap(FeedText.canonicalLink)
                        e.title = entry.title
                        e.published = entry.published ?? entry.updated
                        e.author = entry.author
                        let text = entry.paragraphs.joined(separator: "\n\n")
                        e.content = text.isEmpty ? nil : text
                        if try index.insertEntry(e) { newCount += 1 }
                    }
                    try index.saveFeedRecord(saved)
                }
                todo = try index.entriesToProcess(feedURL: source.url, maxAttempts: retries)
            } catch {
                self.logger.error("feed.state_unwritable", metadata: ["url": "\(source.url)", "reason": "\(error)"])
            }
            let result = Locked(FeedPollResult(url: source.url, status: response.status, ok: true, newEntries: newCount))
            let group = DispatchGroup()
            for entry in todo {
                group.enter()
                self.processEntry(entry, sourceName: sourceName, insecureTLS: source.insecureTLS) { @Sendable status in
                    result.mutate {
                        switch status {
                        case .stored: $0.stored += 1
                        case .duplicate: $0.duplicates += 1
                        case .failed: $0.failedEntries += 1
                        case .pending: break
                        }
                    }
                    group.leave()
                }
            }
            group.notify(queue: DispatchQueue.global()) { @Sendable in
                let r = result.value
                let ms = (DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000
                self.logger.info("feed.polled", metadata: [
                    "url": "\(source.url)", "status": "\(response.status)", "new": "\(r.newEntries)", "stored": "\(r.stored)",
                    "duplicates": "\(r.duplicates)", "failed": "\(r.failedEntries)", "duration_ms": "\(ms)",
                    "next_due": "\(saved.nextDue!.rfc3339)",
                ])
                finish(r, saved)
            }
        }
    }

    /// Fetches an entry's article page and ingests it (falling back on the entry's own text);
    /// the entry row is updated only once the outcome is recorded.
    private func processEntry(_ entry: FeedEntryRecord, sourceName: String?, insecureTLS: Bool,
                              completion: @escaping @Sendable (FeedEntryRecord.Status) -> Void) {
        let fallbackParagraphs = entry.content.map { $0.components(separatedBy: "\n\n") } ?? []
        let fallback = ExtractedDocument(title: entry.title, published: entry.published, author: entry.author, url: entry.link,
                                         paragraphs: fallbackParagraphs)
        // Pages arrive one by one from libcurl; they are stored in batches (extraction in
        // parallel, one commit), whatever has arrived when the ingest queue gets to them.
        let ingest: @Sendable (HTTPResponse?, String?) -> Void = { page, pageError in
            self.ingestQueue.async { @Sendable in
                let input: IngestInput? = page == nil && fallback.paragraphs.isEmpty ? nil
                    : IngestInput(bytes: page?.body ?? [], kind: .html, origin: entry.feedURL, url: entry.link,
                                  charset: page?.charset, sourceName: sourceName, fallback: fallback)
                self.arrived.append(ArrivedEntry(entry: entry, input: input, pageFetched: page != nil, pageError: pageError,
                                                 completion: completion))
                guard !self.flushScheduled else { return }
                self.flushScheduled = true
                self.ingestQueue.async { @Sendable in
                    self.flushScheduled = false
                    self.storeArrived()
                }
            }
        }
        guard let link = entry.link else {
            ingest(nil, "entry has no link")
            return
        }
        let stopping = queue.sync { self.stopping }
        if stopping { completion(.pending); return }
        client.fetch(HTTPRequest(url: link, insecureTLS: insecureTLS), queue: DispatchQueue.global()) { @Sendable fetched in
            switch fetched {
            case .success(let r) where (200..<300).contains(r.status):
                ingest(r, nil)
            case .success(let r):
                ingest(nil, "HTTP \(r.status)")
            case .failure(let e) where e.kind == .cancelled:
                completion(.pending)
            case .failure(let e):
                ingest(nil, e.description)
            }
        }
    }

    /// On `ingestQueue`: stores the entries that have arrived, a batch at a time, then
    /// records each entry's outcome (one transaction per batch).
    private func storeArrived() {
        let all = arrived
        arrived.removeAll()
        let size = max(1, ingestor.config.pipeline.batchSize)
        for start in stride(from: 0, to: all.count, by: size) {
            let chunk = Array(all[start..<min(start + size, all.count)])
            let statuses = storeBatch(chunk)
            for (item, status) in zip(chunk, statuses) { item.completion(status) }
        }
    }

    private func storeBatch(_ chunk: [ArrivedEntry]) -> [FeedEntryRecord.Status] {
        let index = ingestor.index
        var results = [IngestResult?](repeating: nil, count: chunk.count)
        var fresh: [Int] = []
        do {
            for (i, item) in chunk.enumerated() {
                guard let input = item.input else { continue }
                if item.pageFetched, let recorded = try ingestor.recordedResult(for: input), recorded.status != .failed {
                    results[i] = recorded  // finished before an interruption; not stored twice
                    continue
                }
                if let pageError = item.pageError {
                    logger.info("entry.page_unavailable", metadata: ["url": "\(item.entry.link ?? "")", "reason": "\(pageError)"])
                }
                fresh.append(i)
            }
            for (i, result) in zip(fresh, try ingestor.ingest(fresh.map { chunk[$0].input! })) { results[i] = result }
            return try index.transaction {
                try zip(chunk, results).map { item, result in try recordOutcome(item, result: result) }
            }
        } catch {
            for item in chunk {
                logger.error("entry.error", metadata: ["feed": "\(item.entry.feedURL)", "entry": "\(item.entry.key)", "reason": "\(error)"])
            }
            return chunk.map { _ in .pending }
        }
    }

    /// Updates an entry's row with what became of it.
    private func recordOutcome(_ item: ArrivedEntry, result: IngestResult?) throws -> FeedEntryRecord.Status {
        let index = ingestor.index
        let entry = item.entry
        let attempts = entry.attempts + 1
        guard let r = result else {
            let reason = "page not fetched (\(item.pageError ?? "unknown")) and the entry has no text"
            try index.updateEntry(feedURL: entry.feedURL, key: entry.key, status: .failed, attempts: attempts, articleID: nil,
                                  lastError: reason, at: clock())
            logger.warning("entry.failed", metadata: ["feed": "\(entry.feedURL)", "entry": "\(entry.key)", "reason": "\(reason)",
                                                      "attempts": "\(attempts)"])
            return .failed
        }
        switch r.status {
        case .stored:
            try index.updateEntry(feedURL: entry.feedURL, key: entry.key, status: .stored, attempts: attempts, articleID: r.id,
                                  lastError: nil, at: clock())
            return .stored
        case .duplicate:
            try index.updateEntry(feedURL: entry.feedURL, key: entry.key, status: .duplicate, attempts: attempts,
                                  articleID: r.duplicateOf ?? r.id, lastError: nil, at: clock())
            return .duplicate
        case .failed:
            let reason = r.error ?? "failed"
            try index.updateEntry(feedURL: entry.feedURL, key: entry.key, status: .failed, attempts: attempts, articleID: nil,
                                  lastError: reason, at: clock())
            logger.warning("entry.failed", metadata: ["feed": "\(entry.feedURL)", "entry": "\(entry.key)", "reason": "\(reason)",
                                                      "attempts": "\(attempts)"])
            return .failed
        }
    }
}

/// A value behind a lock.
final class Locked<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T { lock.lock(); defer { lock.unlock() }; return stored }
    func mutate(_ body: (inout T) -> Void) { lock.lock(); body(&stored); lock.unlock() }
}

/// Feed health at a glance (for `winnow status` and the daemon's status line).
public struct FeedsSummary: Sendable, Equatable {
    public var ok = 0
    public var failing = 0
    /// Never fetched yet.
    public var new = 0
    public var polling = 0
    /// The earliest next poll among feeds not being polled now.
    public var nextDue: Date?
}

extension FeedService {
    /// Counts of feeds by state and the next due time (must not be called on the service's queue).
    public func summary() -> FeedsSummary {
        var s = FeedsSummary()
        for status in snapshot() {
            switch status.state {
            case .ok: s.ok += 1
            case .failing: s.failing += 1
            case .new: s.new += 1
            }
            if status.polling { s.polling += 1 } else if let due = status.nextDue, s.nextDue.map({ due < $0 }) ?? true { s.nextDue = due }
        }
        return s
    }
}
