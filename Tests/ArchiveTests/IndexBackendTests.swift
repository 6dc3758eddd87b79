import Foundation
import Testing
import WinnowCore
import WinnowTestSupport
@testable import Archive

/// The backends an `ArchiveIndex` runs on; every test in `IndexBackendTests` runs on each.
enum IndexBackend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }

    /// A fresh, empty index on this backend (a new SQLite file, or a new database in the
    /// test process's PostgreSQL cluster), kept alive with its folder.
    func makeIndex() throws -> (ArchiveIndex, TemporaryDirectory) {
        let dir = TemporaryDirectory()
        switch self {
        case .sqlite: return (try ArchiveIndex(stateDirectory: dir.path + "/state"), dir)
        case .postgres: return (try ArchiveIndex(postgres: try PostgresServer.shared.get().makeDatabase()), dir)
        }
    }
}

/// The index contract, on SQLite and on PostgreSQL: the same calls give the same answers.
@Suite struct IndexBackendTests {
    static let day = DateParser.parse("2026-11-25T10:00:00Z")!

    func article(_ title: String, body: [String], source: String = "example.org", origin: String = "a.txt",
                 inputHash: String = "hash-a", ingested: Date = day) -> Article {
        Article(id: Article.contentHash(of: body + [title]), title: title, url: "https://example.org/\(title.count)", source: source,
                published: DateParser.parse("2026-11-24T08:00:00Z"), ingested: ingested, author: "Ann", language: "en",
                origin: origin, inputHash: inputHash, paragraphs: body)
    }

    @Test(arguments: IndexBackend.allCases) func articlesRoundTripAndAreFoundEveryWay(_ backend: IndexBackend) throws {
        let (index, _) = try backend.makeIndex()
        let a = article("Satellite launch", body: ["The hypersonic missile test came after a satellite launch."])
        let signature: [UInt8] = [0, 1, 2, 255, 92, 120, 0]
        try index.insert(a, path: "2026/11/24/satellite-launch.md", signature: signature)
        #expect(try index.articleCount() == 1)
        let row = try #require(try index.article(id: a.id))
        #expect(row.path == "2026/11/24/satellite-launch.md" && row.title == "Satellite launch" && row.origin == "a.txt")
        #expect(try index.article(withContentHash: a.contentHash)?.id == a.id)
        #expect(try index.articlePaths() == ["2026/11/24/satellite-launch.md"])
        var signatures: [(String, [UInt8])] = []
        try index.signatures { id, _, blob in signatures.append((id, blob)) }
        #expect(signatures.count == 1 && signatures[0].0 == a.id && signatures[0].1 == signature)
        var raw: [UInt8] = []
        try index.signatureBlobs { _, _, blob in raw = Array(blob) }
        #expect(raw == signature)
        #expect(try index.findArticle(a.id)?.title == "Satellite launch")
        #expect(try index.findArticle("2026/11/24/satellite-launch.md")?.id == a.id)
        #expect(try index.findArticle(a.url!)?.id == a.id)
        #expect(try index.outcome(origin: "a.txt", inputHash: "hash-a") == .stored(row))
        try index.removeArticle(path: row.path)
        #expect(try index.articleCount() == 0 && index.searchRowCount() == 0)
    }

    @Test(arguments: IndexBackend.allCases) func aFailedInsertLeavesNothingBehind(_ backend: IndexBackend) throws {
        let (index, _) = try backend.makeIndex()
        let a = article("One", body: ["first body"])
        try index.insert(a, path: "2026/11/24/one.md")
        // Same id again: the row is refused and no search text is left without its row.
        try index.transaction {
            #expect(throws: (any Error).self) { try index.insert(a, path: "2026/11/24/one-2.md") }
            try index.insert(article("Two", body: ["second body"]), path: "2026/11/24/two.md")
        }
        #expect(try index.articleCount() == 2 && index.searchRowCount() == 2)
    }

    /// Search text goes in when the transaction commits: a unit rolled back takes its
    /// articles' text with it, an article removed before the commit leaves none, and more
    /// articles than the deferral holds still all arrive.
    @Test(arguments: IndexBackend.allCases) func searchTextFollowsItsTransaction(_ backend: IndexBackend) throws {
        let (index, _) = try backend.makeIndex()
        struct Undo: Error {}
        try index.transaction {
            try index.insert(article("Kept", body: ["kept body"]), path: "2026/11/24/kept.md")
            #expect(throws: Undo.self) {
                try index.transaction {
                    try index.insert(article("Undone", body: ["undone body"]), path: "2026/11/24/undone.md")
                    throw Undo()
                }
            }
            try index.insert(article("Removed", body: ["removed body"]), path: "2026/11/24/removed.md")
            try index.removeArticle(path: "2026/11/24/removed.md")
        }
        #expect(try index.articleCount() == 1 && index.searchRowCount() == 1)
        #expect(try index.search(SearchQuery(text: "kept")).map(\.path) == ["2026/11/24/kept.md"])
        #expect(try index.search(SearchQuery(text: "undone")).isEmpty && index.search(SearchQuery(text: "removed")).isEmpty)

        let many = IndexDatabase.deferredLimit + 10
        #expect(throws: Undo.self) {
            try index.transaction {
                for i in 0..<many { try index.insert(article("Batch \(i)", body: ["batch body \(i)"]), path: "2026/11/25/b\(i).md") }
                throw Undo()
            }
        }
        #expect(try index.articleCount() == 1 && index.searchRowCount() == 1)
        try index.transaction {
            for i in 0..<many { try index.insert(article("Batch \(i)", body: ["batch body \(i)"]), path: "2026/11/25/b\(i).md") }
        }
        #expect(try index.articleCount() == 1 + many && index.searchRowCount() == 1 + many)
    }

    @Test(arguments: IndexBackend.allCases) func decisionsClaimsAndCounts(_ backend: IndexBackend) throws {
        let (index, _) = try backend.makeIndex()
        let a = article("Story", body: ["story body"])
        try index.insert(a, path: "2026/11/24/story.md")
        let copy = DuplicateRecord(duplicateOf: a.id, similarity: 0.91, containment: 0.875, title: "Story (copy)",
                                   url: "https://other.example/story", source: "other.example", origin: "b.txt", inputHash: "hash-b",
                                   recorded: Self.day.addingTimeInterval(60))
        let failure = FailureRecord(origin: "c.pdf", url: nil, inputHash: "hash-c", reason: "unsupported file type", recorded: Self.day)
        try index.insert(copy)
        try index.insert(failure)
        #expect(try index.hasDuplicate(copy) && index.hasFailure(failure))
        #expect(try index.decisions().duplicates == [copy] && index.decisions().failures == [failure])
        #expect(try index.duplicates(of: a.id) == [copy])
        #expect(try index.outcome(origin: "b.txt", inputHash: "hash-b") == .duplicate(of: a.id, similarity: 0.91))
        #expect(try index.outcome(origin: "c.pdf", inputHash: "hash-c") == .failed(reason: "unsupported file type"))
        #expect(try index.outcome(origin: "d.txt", inputHash: "hash-d") == nil)
        #expect(try index.findArticle("https://other.example/story")?.id == a.id)

        #expect(try index.claimAttempt(origin: "e.txt", inputHash: "hash-e") == 1)
        #expect(try index.claimAttempt(origin: "e.txt", inputHash: "hash-e") == 2)
        try index.releaseClaim(origin: "e.txt", inputHash: "hash-e")
        #expect(try index.claimAttempt(origin: "e.txt", inputHash: "hash-e") == 1)

        let counts = try index.counts(today: "2026-11-25")
        #expect(counts.articles == 1 && counts.duplicates == 1 && counts.failures == 1)
        #expect(counts.articlesToday == 1 && counts.duplicatesToday == 1)
        try index.setMeta("dedupe_scheme", "v2")
        try index.setMeta("dedupe_scheme", "v3")
        #expect(try index.meta("dedupe_scheme") == "v3" && index.meta("missing") == nil)
    }

    @Test(arguments: IndexBackend.allCases) func feedsAndEntries(_ backend: IndexBackend) throws {
        let (index, _) = try backend.makeIndex()
        var feed = FeedRecord(url: "http://127.0.0.1/feed.xml")
        feed.etag = "\"abc\""
        feed.nextDue = Self.day
        feed.errorCount = 2
        try index.saveFeedRecord(feed)
        #expect(try index.feedRecord(url: feed.url)?.etag == "\"abc\"")
        #expect(try index.feedRecord(url: feed.url)?.nextDue == Self.day)
        #expect(try index.addImportedFeed(url: "http://127.0.0.1/b.xml", title: "B", category: "news"))
        #expect(try !index.addImportedFeed(url: "http://127.0.0.1/b.xml", title: "B"))
        #expect(try index.feedRecords().map(\.url) == ["http://127.0.0.1/b.xml", feed.url])
        #expect(try index.removeImportedFeed(url: "http://127.0.0.1/b.xml"))
        #expect(try !index.removeImportedFeed(url: "http://127.0.0.1/b.xml"))

        let entry = FeedEntryRecord(feedURL: feed.url, key: "guid-1", status: .pending, firstSeen: Self.day)
        #expect(try index.insertEntry(entry))
        #expect(try !index.insertEntry(entry))  // the same key from another poll (or node) is skipped
        #expect(try index.insertEntry(FeedEntryRecord(feedURL: feed.url, key: "guid-2", status: .pending, firstSeen: Self.day)))
        #expect(try index.entriesToProcess(feedURL: feed.url, maxAttempts: 3).map(\.key) == ["guid-1", "guid-2"])
        try index.updateEntry(feedURL: feed.url, key: "guid-1", status: .stored, attempts: 1, articleID: "x", lastError: nil)
        #expect(try index.entryExists(feedURL: feed.url, key: "guid-1"))
        #expect(try index.entryCounts(feedURL: feed.url) == ["stored": 1, "pending": 1])
        #expect(try index.storedCountsByFeed() == [feed.url: 1])
        #expect(try index.feedsWithPendingEntries() == [feed.url])
    }

    @Test(arguments: IndexBackend.allCases) func searchRanksFiltersAndRefusesBadQueries(_ backend: IndexBackend) throws {
        let (index, _) = try backend.makeIndex()
        let missile = article("Hypersonic missile test", body: ["Officials said the launch used a new satellite tracker."],
                              source: "alpha.example", origin: "a.txt")
        let weather = article("Weather", body: ["Rain over the coast; a hypersonic missile was not mentioned at all today."],
                              source: "beta.example", origin: "b.txt", inputHash: "hash-b")
        let garden = article("Gardening", body: ["Plant the bulbs before the frost arrives."], source: "beta.example",
                             origin: "c.txt", inputHash: "hash-c")
        for (i, a) in [missile, weather, garden].enumerated() { try index.insert(a, path: "2026/11/24/\(i).md") }
        #expect(try index.search(SearchQuery(text: "hypersonic missile")).map(\.id) == [missile.id, weather.id])
        #expect(try index.search(SearchQuery(text: "\"missile test\"")).map(\.id) == [missile.id])
        #expect(try index.search(SearchQuery(text: "satell*")).map(\.id) == [missile.id])
        var filtered = SearchQuery(text: "missile")
        filtered.source = "BETA.example"
        #expect(try index.search(filtered).map(\.id) == [weather.id])
        #expect(try index.search(SearchQuery(text: "frost")).first?.snippet.contains("**frost**") == true)
        #expect(throws: SearchQueryError.self) { try index.search(SearchQuery(text: "\"unterminated")) }
        #expect(try index.latestArticles(limit: 2).count == 2)
        #expect(try index.latestArticles(limit: 0, source: "beta.example").count == 2)
    }
}
