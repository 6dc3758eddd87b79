import Archive
import Dispatch
import Feeds
import Foundation
import Logging
import Pipeline
import Testing
import WinnowCore
import WinnowTestSupport

/// Collects log events as `key=value` lines and lets a test wait for one.
final class CapturedLog: @unchecked Sendable {
    private let condition = NSCondition()
    private var lines: [String] = []
    var all: [String] { condition.lock(); defer { condition.unlock() }; return lines }
    func append(_ line: String) { condition.lock(); lines.append(line); condition.broadcast(); condition.unlock() }
    @discardableResult
    func waitFor(_ predicate: (String) -> Bool, timeout: TimeInterval = 30) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while !lines.contains(where: predicate) { if !condition.wait(until: deadline) { return lines.contains(where: predicate) } }
        return true
    }
    func events(_ name: String) -> [String] { all.filter { $0.hasPrefix("event=\(name) ") } }
}

struct CapturingHandler: LogHandler {
    let log: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        var line = "event=\(event.message)"
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for key in merged.keys.sorted() { line += " \(key)=\(merged[key]!)" }
        log.append(line)
    }
}

/// A clock tests move by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now = Date()
    func date() -> Date { lock.lock(); defer { lock.unlock() }; return now }
    func advance(_ seconds: TimeInterval) { lock.lock(); now += seconds; lock.unlock() }
}

/// A feed service on a temporary archive, talking to a loopback server.
final class Harness: @unchecked Sendable {
    let directory = TemporaryDirectory()
    let routes = Routes()
    let server: LoopbackHTTPServer
    let log = CapturedLog()
    let clock = TestClock()
    let ingestQueue = DispatchQueue(label: "test.ingest")
    var config: Config
    let ingestor: Ingestor
    let service: FeedService

    init(configure: (inout Config) -> Void = { _ in }) throws {
        server = try LoopbackHTTPServer(handler: routes.handler)
        config = Config(archive: directory.path + "/archive", inbox: directory.path + "/inbox", state: directory.path + "/state")
        // Generous for real fetches on a loaded machine; the hang/drip cases simply wait it out.
        config.fetch.connectTimeoutSeconds = 5
        config.fetch.timeoutSeconds = 5
        config.fetch.hostDelayMilliseconds = 0
        config.fetch.maxBodyBytes = 200_000
        config.schedule.jitterPercent = 0
        configure(&config)
        let log = self.log
        var logger = Logger(label: "test") { _ in CapturingHandler(log: log) }
        logger.logLevel = .debug
        ingestor = try Ingestor(config: config, logger: logger)
        let clock = self.clock
        service = FeedService(config: config, ingestor: ingestor, ingestQueue: ingestQueue, logger: logger,
                              clock: { clock.date() }, random: { 0.5 })
    }

    deinit {
        let done = DispatchSemaphore(value: 0)
        service.stop { @Sendable in done.signal() }
        done.wait()
        server.stop()
    }

    func url(_ path: String) -> String { server.baseURL + path }

    func addFeeds(_ paths: [String]) {
        let toml = paths.map { "[[feeds]]\nurl = \"\(url($0))\"\n" }.joined()
        config.feeds = (try? Config.parse(toml, file: "test.toml", baseDirectory: directory.path).feeds) ?? []
        service.reload(config: config)
    }

    /// Index reads, on the ingest queue as the service requires.
    func onIndex<T>(_ body: (ArchiveIndex) throws -> T) throws -> T {
        try ingestQueue.sync { try body(ingestor.index) }
    }
    func record(_ path: String) throws -> FeedRecord? { try onIndex { try $0.feedRecord(url: url(path)) } }
    func articleCount() throws -> Int { try onIndex { try $0.counts().articles } }
}


@Suite struct FeedServiceTests {
    @Test func pollsEveryFormatThenGets304sWithoutReparsing() throws {
        let h = try Harness()
        FeedFixtures.serveFeed(h.routes, base: h.server.baseURL, path: "/rss.xml", count: 3, seed: 1)
        FeedFixtures.serveFeed(h.routes, base: h.server.baseURL, path: "/atom.xml", count: 2, atom: true, seed: 2)
        let json = """
            {"version": "https://jsonfeed.org/version/1.1", "title": "J",
             "items": [{"id": "j1", "url": "\(h.url("/j1.html"))", "title": "J one"}]}
            """
        h.routes.serve("/feed.json", json, type: "application/feed+json", etag: "\"j\"")
        h.routes.serve("/j1.html", FeedFixtures.articleHTML(seed: 999, title: "J one"), type: "text/html")
        h.addFeeds(["/rss.xml", "/atom.xml", "/feed.json"])

        let first = h.service.pollAllDue(wait: true)
        #expect(first.map(\.status) == [200, 200, 200])
        #expect(first.map(\.stored) == [2, 1, 3])  // sorted by URL: atom, feed.json, rss
        #expect(first.map(\.newEntries) == [2, 1, 3])
        #expect(try h.articleCount() == 6)
        #expect(h.log.events("feed.polled").count == 3)
        #expect(h.log.events("feed.polled").allSatisfy { $0.contains("status=200") && $0.contains("duration_ms=") })

        // Not due yet: nothing is polled.
        #expect(h.service.pollAllDue(wait: true).isEmpty)

        let second = h.service.pollAllDue(wait: true, force: true)
        #expect(second.map(\.status) == [304, 304, 304])
        #expect(second.allSatisfy { $0.newEntries == 0 && $0.stored == 0 })
        #expect(try h.articleCount() == 6)
        for path in ["/rss.xml", "/atom.xml", "/feed.json"] {
            let exchanges = h.server.requests(path: path)
            #expect(exchanges.map(\.status) == [200, 304])
            #expect(exchanges.last?.bodyBytesSent == 0)
            #expect(exchanges.last?.request.headers["if-none-match"] != nil)
        }
        // Article pages were fetched once.
        #expect(h.server.log.filter { $0.request.path.hasPrefix("/articles/") }.count == 5)
        let statuses = h.service.snapshot()
        #expect(statuses.count == 3 && statuses.allSatisfy { $0.state == .ok && $0.errorCount == 0 && $0.nextDue != nil })
    }

    @Test func failuresAreRecordedWithReasonsAndBackoffWhileOthersWork() throws {
        let h = try Harness { $0.schedule.backoffMinMinutes = 5; $0.schedule.backoffMaxMinutes = 60 }
        FeedFixtures.serveFeed(h.routes, base: h.server.baseURL, path: "/good.xml", count: 2, seed: 3)
        h.routes["/e404.xml"] = .respond(status: 404, headers: [:], body: [])
        h.routes["/e500.xml"] = .respond(status: 500, headers: [:], body: [])
        h.routes["/e503.xml"] = .respond(status: 503, headers: ["Retry-After": "7200"], body: [])
        h.routes["/e429.xml"] = .respond(status: 429, headers: ["Retry-After": "30"], body: [])
        h.routes["/hang.xml"] = .hang
        h.routes["/drip.xml"] = .drip(headers: [:], body: Array(repeating: 0x20, count: 400), chunk: 1, pauseMilliseconds: 50)
        h.routes.serve("/garbage.xml", "<html><body>This is not a feed</body></html>", type: "text/html")
        h.routes.serve("/broken.xml", "<rss><channel><title>x</title><item><title>unterminated", type: "application/xml")
        h.routes["/huge.xml"] = .flood(headers: ["Content-Type": "application/rss+xml"], total: 32 << 20)
        h.routes["/tofile.xml"] = .respond(status: 302, headers: ["Location": "file:///etc/passwd"], body: [])
        h.routes["/loop.xml"] = .respond(status: 302, headers: ["Location": "/loop.xml"], body: [])
        let gz = try TestCompression.gzip(Array(FeedFixtures.rss(title: "gz", items: []).utf8))
        h.routes["/truncgz.xml"] = .respond(status: 200, headers: ["Content-Encoding": "gzip"], body: Array(gz.prefix(gz.count / 2)))
        let bad = ["/e404.xml", "/e500.xml", "/e503.xml", "/e429.xml", "/hang.xml", "/drip.xml", "/garbage.xml", "/broken.xml",
                   "/huge.xml", "/tofile.xml", "/loop.xml", "/truncgz.xml"]
        h.addFeeds(["/good.xml"] + bad)

        let now = h.clock.date()
        let results = Dictionary(uniqueKeysWithValues: h.service.pollAllDue(wait: true).map { ($0.url, $0) })
        #expect(results[h.url("/good.xml")]?.stored == 2)
        let reasons: [String: String] = [
            "/e404.xml": "HTTP 404", "/e500.xml": "HTTP 500", "/e503.xml": "HTTP 503", "/e429.xml": "HTTP 429",
            "/hang.xml": "timeout", "/drip.xml": "timeout", "/garbage.xml": "not a feed", "/broken.xml": "parse",
            "/huge.xml": "too_large", "/tofile.xml": "refused_protocol", "/loop.xml": "too_many_redirects", "/truncgz.xml": "parse",
        ]
        for path in bad {
            let result = try #require(results[h.url(path)])
            #expect(!result.ok, "\(path)")
            let record = try #require(try h.record(path))
            #expect(record.errorCount == 1, "\(path)")
            #expect(record.lastError?.contains(reasons[path]!) == true, "\(path): \(record.lastError ?? "nil")")
            #expect(h.log.events("feed.failed").contains { $0.contains("url=\(h.url(path))") && $0.contains("reason=") && $0.contains("next_due=") })
            let due = try #require(record.nextDue)
            #expect(due.timeIntervalSince(now) >= 5 * 60 - 1, "\(path)")
        }
        #expect(try h.record("/e503.xml")?.nextDue.map { $0.timeIntervalSince(now) >= 7200 - 1 } == true)
        #expect(h.server.waitUntil { $0.contains { $0.request.path == "/huge.xml" && $0.complete } })
        #expect(try #require(h.server.requests(path: "/huge.xml").first).bodyBytesSent < 32 << 20)

        // An hour later everything but the 503 is due again; the backoff doubles.
        h.clock.advance(3600)
        let again = h.service.pollAllDue(wait: true)
        #expect(!again.contains { $0.url == h.url("/e503.xml") })
        #expect(!again.contains { $0.url == h.url("/good.xml") } || again.first { $0.url == h.url("/good.xml") }?.status == 304)
        let e404 = try #require(try h.record("/e404.xml"))
        #expect(e404.errorCount == 2)
        #expect(e404.nextDue.map { $0.timeIntervalSince(h.clock.date()) >= 10 * 60 - 1 } == true)

        // The 404 feed comes back: errors reset, entries stored. A broken feed is never dropped.
        FeedFixtures.serveFeed(h.routes, base: h.server.baseURL, path: "/e404.xml", count: 1, seed: 4)
        h.clock.advance(3600)
        _ = h.service.pollAllDue(wait: true)
        let healed = try #require(try h.record("/e404.xml"))
        #expect(healed.errorCount == 0 && healed.lastError == nil && healed.lastStatus == 200)
        let snapshot = Dictionary(uniqueKeysWithValues: h.service.snapshot().map { ($0.url, $0) })
        #expect(snapshot.count == 13)
        #expect(snapshot[h.url("/e404.xml")]?.state == .ok)
        #expect(snapshot[h.url("/e500.xml")]?.state == .failing)
        #expect(snapshot[h.url("/e500.xml")]?.errorCount == 3)
        let summary = h.service.summary()
        #expect(summary.ok == 2 && summary.failing == 11 && summary.new == 0 && summary.nextDue != nil)
    }

    @Test func entriesFallBackOnTheirOwnTextAndFailedOnesAreRetried() throws {
        let h = try Harness { $0.schedule.entryRetries = 3 }
        let items = [
            FeedFixtures.Item(id: "a", link: h.url("/a.html"), title: "Page works"),
            FeedFixtures.Item(id: "b", link: h.url("/b.html"), title: "Page missing, summary kept",
                              summary: FeedFixtures.paragraphs(seed: 77, count: 2).joined(separator: "\n")),
            FeedFixtures.Item(id: "c", link: h.url("/c.html"), title: "Nothing at all"),
        ]
        h.routes.serve("/f.xml", FeedFixtures.rss(title: "F", items: items), etag: "\"f1\"")
        h.routes.serve("/a.html", FeedFixtures.articleHTML(seed: 70, title: "A"), type: "text/html")
        h.addFeeds(["/f.xml"])

        let first = try #require(h.service.pollAllDue(wait: true).first)
        #expect(first.stored == 2 && first.failedEntries == 1)
        let feedURL = h.url("/f.xml")
        var entries = Dictionary(uniqueKeysWithValues: try h.onIndex { try $0.entries(feedURL: feedURL) }.map { ($0.key, $0) })
        #expect(entries["a"]?.status == .stored)
        #expect(entries["b"]?.status == .stored)
        #expect(entries["c"]?.status == .failed)
        #expect(entries["c"]?.attempts == 1)
        #expect(entries["c"]?.lastError?.contains("HTTP 404") == true)
        #expect(h.log.events("entry.failed").contains { $0.contains("entry=c") && $0.contains("reason=") })

        // A 304 poll still retries the failed entry.
        let second = try #require(h.service.pollAllDue(wait: true, force: true).first)
        #expect(second.status == 304 && second.failedEntries == 1)
        h.routes.serve("/c.html", FeedFixtures.articleHTML(seed: 71, title: "C"), type: "text/html")
        let third = try #require(h.service.pollAllDue(wait: true, force: true).first)
        #expect(third.stored == 1)
        entries = Dictionary(uniqueKeysWithValues: try h.onIndex { try $0.entries(feedURL: feedURL) }.map { ($0.key, $0) })
        #expect(entries["c"]?.status == .stored && entries["c"]?.attempts == 3)
        #expect(try h.articleCount() == 3)
        let fourth = try #require(h.service.pollAllDue(wait: true, force: true).first)
        #expect(fourth.stored + fourth.failedEntries + fourth.duplicates == 0)
    }

    @Test func retriesStopAfterTheConfiguredAttempts() throws {
        let h = try Harness { $0.schedule.entryRetries = 2 }
        h.routes.serve("/f.xml", FeedFixtures.rss(title: "F", items: [FeedFixtures.Item(id: "x", link: h.url("/x.html"), title: "X")]))
        h.addFeeds(["/f.xml"])
        for _ in 0..<4 { _ = h.service.pollAllDue(wait: true, force: true) }
        let entry = try #require(try h.onIndex { try $0.entries(feedURL: h.url("/f.xml")) }.first)
        #expect(entry.status == .failed && entry.attempts == 2)
        #expect(h.server.requests(path: "/x.html").count == 2)
    }

    @Test func pendingEntriesFromAnInterruptedRunAreFinished() throws {
        let h = try Harness()
        FeedFixtures.serveFeed(h.routes, base: h.server.baseURL, path: "/p.xml", count: 3, seed: 5)
        let feedURL = h.url("/p.xml")
        // As a killed run leaves it: feed state saved (validators), entries pending.
        try h.onIndex { index in
            try index.prepareFeedTables()
            var record = FeedRecord(url: feedURL)
            record.etag = "\"p-xml-v1\""
            record.lastFetch = Date()
            try index.saveFeedRecord(record)
            for i in 0..<3 {
                var e = FeedEntryRecord(feedURL: feedURL, key: "p-xml-\(i)")
                e.link = h.url("/articles/p-xml/\(i).html")
                e.title = "Story \(i)"
                try index.insertEntry(e)
            }
        }
        h.addFeeds(["/p.xml"])
        let result = try #require(h.service.pollAllDue(wait: true).first)
        #expect(result.status == 304)
        #expect(result.stored == 3)
        #expect(try h.onIndex { try $0.entryCounts(feedURL: feedURL) } == ["stored": 3])
    }

    @Test func reloadAddsAndRemovesFeedsAndImportedFeedsArePolled() throws {
        let h = try Harness()
        FeedFixtures.serveFeed(h.routes, base: h.server.baseURL, path: "/one.xml", count: 1, seed: 6)
        FeedFixtures.serveFeed(h.routes, base: h.server.baseURL, path: "/two.xml", count: 1, seed: 7)
        FeedFixtures.serveFeed(h.routes, base: h.server.baseURL, path: "/three.xml", count: 1, seed: 8)
        h.addFeeds(["/one.xml"])
        #expect(h.service.pollAllDue(wait: true).map(\.url) == [h.url("/one.xml")])
        h.addFeeds(["/two.xml"])
        try h.onIndex { try $0.prepareFeedTables(); try $0.addImportedFeed(url: h.url("/three.xml"), title: "Three") }
        h.service.refresh()
        #expect(h.service.pollAllDue(wait: true).map(\.url).sorted() == [h.url("/three.xml"), h.url("/two.xml")])
        #expect(h.service.snapshot().map(\.url).sorted() == [h.url("/three.xml"), h.url("/two.xml")])
        #expect(try h.articleCount() == 3)
    }

    @Test func theTimerPollsDueFeedsAndStopWaits() throws {
        let h = try Harness()
        FeedFixtures.serveFeed(h.routes, base: h.server.baseURL, path: "/t.xml", count: 2, seed: 9)
        h.addFeeds(["/t.xml"])
        h.service.start()
        #expect(h.log.waitFor { $0.hasPrefix("event=feed.polled") })
        let stopped = DispatchSemaphore(value: 0)
        h.service.stop { @Sendable in stopped.signal() }
        stopped.wait()
        #expect(try h.articleCount() == 2)
        // After stop nothing more is polled.
        #expect(h.service.pollAllDue(wait: true, force: true).isEmpty)
    }

    @Test func latin1AndWindows1252FeedsOverHTTP() throws {
        let h = try Harness()
        func summary(_ seed: Int) -> [UInt8] { Array(FeedFixtures.paragraphs(seed: seed, count: 1)[0].utf8) }
        // ISO-8859-1 declared in the XML, served without a charset.
        var latin1 = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>Caf".utf8) + [0xE9]
        latin1 += Array("</title><item><guid>l1</guid><title>Cr".utf8) + [0xE8] + Array("me br".utf8) + [0xFB] + Array("l".utf8) + [0xE9, 0x65]
        latin1 += Array("</title><description>".utf8) + summary(801) + Array("</description></item></channel></rss>".utf8)
        h.routes["/latin1.xml"] = .respond(status: 200, headers: ["Content-Type": "application/rss+xml"], body: latin1)
        // Windows-1252 named only by the HTTP header.
        var cp1252 = Array("<rss version=\"2.0\"><channel><title>Quotes</title><item><guid>w1</guid><title>".utf8)
        cp1252 += [0x93] + Array("Smart".utf8) + [0x94] + Array(" prices ".utf8) + [0x96, 0x20, 0x80] + Array("5".utf8)
        cp1252 += Array("</title><description>".utf8) + summary(802) + Array("</description></item></channel></rss>".utf8)
        h.routes["/cp1252.xml"] = .respond(status: 200, headers: ["Content-Type": "text/xml; charset=windows-1252"], body: cp1252)
        h.addFeeds(["/latin1.xml", "/cp1252.xml"])
        let results = h.service.pollAllDue(wait: true)
        #expect(results.map(\.stored) == [1, 1])
        let titles = Set(try h.onIndex { try $0.allArticles() }.map(\.title))
        #expect(titles == ["Crème brûlée", "\u{201C}Smart\u{201D} prices \u{2013} €5"])
        #expect(h.service.snapshot().compactMap(\.name).sorted() == ["Café", "Quotes"])
    }

    @Test func ttlAndMaxAgeAreLowerBoundsOfTheInterval() throws {
        let h = try Harness { $0.schedule.intervalMinutes = 10 }
        h.routes.serve("/ttl.xml", FeedFixtures.rss(title: "TTL", items: [], ttl: 120))
        h.routes["/cc.xml"] = .respond(status: 200, headers: ["Cache-Control": "public, max-age=7200"],
                                       body: Array(FeedFixtures.rss(title: "CC", items: []).utf8))
        h.routes.serve("/plain.xml", FeedFixtures.rss(title: "Plain", items: []))
        h.addFeeds(["/ttl.xml", "/cc.xml", "/plain.xml"])
        let now = h.clock.date()
        _ = h.service.pollAllDue(wait: true)
        func due(_ p: String) throws -> TimeInterval { try #require(try h.record(p)?.nextDue).timeIntervalSince(now) }
        #expect(try due("/ttl.xml") >= 7199)
        #expect(try due("/cc.xml") >= 7199)
        #expect(try abs(due("/plain.xml") - 600) <= 1)
    }
}
