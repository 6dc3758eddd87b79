import Foundation
import WinnowCore

/// A feed's polling state (the `feeds` table).
public struct FeedRecord: Sendable, Equatable {
    public var url: String
    public var title: String?
    /// Added by `winnow feeds import` (polled alongside the `[[feeds]]` of the config).
    public var imported: Bool = false
    public var etag: String?
    public var lastModified: String?
    public var lastFetch: Date?
    public var lastStatus: Int?
    public var errorCount: Int = 0
    public var lastError: String?
    public var nextDue: Date?
    public var lastSuccess: Date?
    /// The name given with `feeds add --name` (or the OPML outline's), shown instead of the title.
    public var name: String?
    /// Poll interval from `feeds add --interval`; nil for the `[schedule]` default.
    public var intervalMinutes: Int?
    /// `winnow feeds disable`: kept, not polled.
    public var disabled: Bool = false
    /// The OPML folder path (`News/Tech`), kept for export.
    public var category: String?

    public init(url: String) { self.url = url }
}

/// A feed entry's progress (the `entries` table): `pending` until its article is stored,
/// found a duplicate or failed; failed entries are retried while `attempts` allows.
public struct FeedEntryRecord: Sendable, Equatable {
    public enum Status: String, Sendable { case pending, stored, duplicate, failed }
    public var feedURL: String
    public var key: String
    public var status: Status
    public var attempts: Int = 0
    public var articleID: String?
    public var lastError: String?
    public var firstSeen: Date
    public var link: String?
    public var title: String?
    public var published: Date?
    public var author: String?
    /// The entry's own text (paragraphs separated by blank lines), the fallback body.
    public var content: String?

    public init(feedURL: String, key: String, status: Status = .pending, firstSeen: Date = Date()) {
        self.feedURL = feedURL
        self.key = key
        self.status = status
        self.firstSeen = firstSeen
    }
}

extension ArchiveIndex {
    /// Adds the columns the feed poller keeps beyond the base schema (idempotent; run once
    /// after opening).
    public func prepareFeedTables() throws {
        guard !database.isPostgres else { return }  // its schema starts complete
        func columns(_ table: String) throws -> Set<String> {
            var names = Set<String>()
            try database.prepare("PRAGMA table_info(\(table))").query { names.insert($0.string(1) ?? "") }
            return names
        }
        let feedColumns = try columns("feeds")
        for (name, type) in [("title", "TEXT"), ("imported", "INTEGER NOT NULL DEFAULT 0"), ("name", "TEXT"),
                             ("interval_minutes", "INTEGER"), ("disabled", "INTEGER NOT NULL DEFAULT 0"), ("category", "TEXT")]
        where !feedColumns.contains(name) {
            try database.execute("ALTER TABLE feeds ADD COLUMN \(name) \(type)")
        }
        let entryColumns = try columns("entries")
        for name in ["link", "title", "published", "author", "content", "updated"] where !entryColumns.contains(name) {
            try database.execute("ALTER TABLE entries ADD COLUMN \(name) TEXT")
        }
        try database.execute("CREATE INDEX IF NOT EXISTS entries_status ON entries(feed_url, status)")
        // Stories (`winnow show`, feed.atom): a duplicate's publication, and lookups by article.
        if try !columns("duplicates").contains("source") { try database.execute("ALTER TABLE duplicates ADD COLUMN source TEXT") }
        try database.execute("CREATE INDEX IF NOT EXISTS duplicates_of ON duplicates(duplicate_of)")
    }

    private static let feedColumns =
        "url, title, imported, etag, last_modified, last_fetch, last_status, error_count, last_error, next_due, last_success, "
        + "name, interval_minutes, disabled, category"
    /// Columns `prepareFeedTables` adds: an index opened read-only may predate them.
    private static let addedFeedColumns = ["name", "interval_minutes", "disabled", "category"]

    /// The select list, with NULL for added columns an older index lacks.
    private func feedSelectList() throws -> String {
        guard !database.isPostgres else { return Self.feedColumns }
        var present = Set<String>()
        try database.prepare("PRAGMA table_info(feeds)").query { present.insert($0.string(1) ?? "") }
        return Self.feedColumns.split(separator: ",").map { column in
            let name = column.trimmingCharacters(in: .whitespaces)
            return Self.addedFeedColumns.contains(name) && !present.contains(name) ? "NULL" : name
        }.joined(separator: ", ")
    }

    private static func feedRecord(_ r: IndexRow) -> FeedRecord {
        var f = FeedRecord(url: r.string(0)!)
        f.title = r.string(1)
        f.imported = (r.int(2) ?? 0) != 0
        f.etag = r.string(3)
        f.lastModified = r.string(4)
        f.lastFetch = r.string(5).flatMap(DateParser.parse)
        f.lastStatus = r.int(6)
        f.errorCount = r.int(7) ?? 0
        f.lastError = r.string(8)
        f.nextDue = r.string(9).flatMap(DateParser.parse)
        f.lastSuccess = r.string(10).flatMap(DateParser.parse)
        f.name = r.string(11)
        f.intervalMinutes = r.int(12)
        f.disabled = (r.int(13) ?? 0) != 0
        f.category = r.string(14)
        return f
    }

    public func feedRecord(url: String) throws -> FeedRecord? {
        var found: FeedRecord?
        try database.prepare("SELECT \(try feedSelectList()) FROM feeds WHERE url = ?").query([.text(url)]) { found = Self.feedRecord($0) }
        return found
    }

    public func feedRecords() throws -> [FeedRecord] {
        var rows: [FeedRecord] = []
        try database.prepare("SELECT \(try feedSelectList()) FROM feeds ORDER BY url").query { rows.append(Self.feedRecord($0)) }
        return rows
    }

    /// Inserts or replaces a feed's state.
    public func saveFeedRecord(_ f: FeedRecord) throws {
        try database.prepare("""
            INSERT INTO feeds(\(Self.feedColumns)) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            ON CONFLICT(url) DO UPDATE SET title=excluded.title, imported=excluded.imported, etag=excluded.etag,
                last_modified=excluded.last_modified, last_fetch=excluded.last_fetch, last_status=excluded.last_status,
                error_count=excluded.error_count, last_error=excluded.last_error, next_due=excluded.next_due,
                last_success=excluded.last_success, name=excluded.name, interval_minutes=excluded.interval_minutes,
                disabled=excluded.disabled, category=excluded.category
            """).run([
                .text(f.url), SQLValue(f.title), .integer(f.imported ? 1 : 0), SQLValue(f.etag), SQLValue(f.lastModified),
                SQLValue(f.lastFetch?.rfc3339), SQLValue(f.lastStatus), .integer(Int64(f.errorCount)), SQLValue(f.lastError),
                SQLValue(f.nextDue?.rfc3339), SQLValue(f.lastSuccess?.rfc3339), SQLValue(f.name), SQLValue(f.intervalMinutes),
                .integer(f.disabled ? 1 : 0), SQLValue(f.category),
            ])
    }

    /// Records a feed added by OPML import or `feeds add` (kept in the index, polled with the
    /// config's feeds); true when it was new. A feed known already keeps its settings.
    @discardableResult
    public func addImportedFeed(url: String, title: String?, name: String? = nil, intervalMinutes: Int? = nil,
                                category: String? = nil) throws -> Bool {
        if var existing = try feedRecord(url: url) {
            if existing.imported { return false }
            existing.imported = true
            existing.title = existing.title ?? title
            existing.name = name
            existing.intervalMinutes = intervalMinutes
            existing.category = category
            existing.disabled = false
            try saveFeedRecord(existing)
            return true
        }
        var record = FeedRecord(url: url)
        record.title = title
        record.imported = true
        record.name = name
        record.intervalMinutes = intervalMinutes
        record.category = category
        try saveFeedRecord(record)
        return true
    }

    /// Stops polling an added feed. Its row and entries stay, so adding it again does not
    /// fetch its old entries a second time. False when it was not an added feed.
    @discardableResult
    public func removeImportedFeed(url: String) throws -> Bool {
        try database.prepare("""
            UPDATE feeds SET imported = 0, name = NULL, interval_minutes = NULL, category = NULL, disabled = 0
            WHERE url = ? AND imported = 1
            """).run([.text(url)])
        return database.changes > 0
    }

    /// Sets or clears a feed's `disabled` flag (a config feed gets a row for it).
    public func setFeedDisabled(url: String, _ disabled: Bool) throws {
        var record = try feedRecord(url: url) ?? FeedRecord(url: url)
        record.disabled = disabled
        try saveFeedRecord(record)
    }

    /// Articles stored from each feed (entries that became an article, duplicates not counted).
    public func storedCountsByFeed() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        try database.prepare("SELECT feed_url, count(*) FROM entries WHERE status = 'stored' GROUP BY feed_url")
            .query { counts[$0.string(0) ?? ""] = $0.int(1) ?? 0 }
        return counts
    }

    // MARK: Entries

    public func entryExists(feedURL: String, key: String) throws -> Bool {
        var found = false
        try database.prepare("SELECT 1 FROM entries WHERE feed_url = ? AND entry_key = ?").query([.text(feedURL), .text(key)]) { _ in found = true }
        return found
    }

    /// Inserts an entry unless one with the same key is known; true when inserted.
    @discardableResult
    public func insertEntry(_ e: FeedEntryRecord) throws -> Bool {
        try database.prepare("""
            INSERT INTO entries(feed_url, entry_key, status, attempts, article_id, last_error, first_seen, link, title,
                published, author, content, updated) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING
            """).run([
                .text(e.feedURL), .text(e.key), .text(e.status.rawValue), .integer(Int64(e.attempts)), SQLValue(e.articleID),
                SQLValue(e.lastError), .text(e.firstSeen.rfc3339), SQLValue(e.link), SQLValue(e.title),
                SQLValue(e.published?.rfc3339), SQLValue(e.author), SQLValue(e.content), .text(e.firstSeen.rfc3339),
            ])
        return database.changes > 0
    }

    private static let entryColumns =
        "feed_url, entry_key, status, attempts, article_id, last_error, first_seen, link, title, published, author, content"

    private static func entryRecord(_ r: IndexRow) -> FeedEntryRecord {
        var e = FeedEntryRecord(feedURL: r.string(0)!, key: r.string(1)!, status: FeedEntryRecord.Status(rawValue: r.string(2) ?? "") ?? .pending,
                                firstSeen: r.string(6).flatMap(DateParser.parse) ?? Date())
        e.attempts = r.int(3) ?? 0
        e.articleID = r.string(4)
        e.lastError = r.string(5)
        e.link = r.string(7)
        e.title = r.string(8)
        e.published = r.string(9).flatMap(DateParser.parse)
        e.author = r.string(10)
        e.content = r.string(11)
        return e
    }

    /// Entries still to do for a feed: pending ones, and failed ones with attempts left.
    public func entriesToProcess(feedURL: String, maxAttempts: Int) throws -> [FeedEntryRecord] {
        var rows: [FeedEntryRecord] = []
        try database.prepare("""
            SELECT \(Self.entryColumns) FROM entries WHERE feed_url = ? AND (status = 'pending' OR (status = 'failed' AND attempts < ?))
            ORDER BY first_seen, rowid
            """).query([.text(feedURL), .integer(Int64(maxAttempts))]) { rows.append(Self.entryRecord($0)) }
        return rows
    }

    public func entries(feedURL: String) throws -> [FeedEntryRecord] {
        var rows: [FeedEntryRecord] = []
        try database.prepare("SELECT \(Self.entryColumns) FROM entries WHERE feed_url = ? ORDER BY first_seen, rowid")
            .query([.text(feedURL)]) { rows.append(Self.entryRecord($0)) }
        return rows
    }

    /// Records what became of an entry.
    public func updateEntry(feedURL: String, key: String, status: FeedEntryRecord.Status, attempts: Int, articleID: String?,
                            lastError: String?, at date: Date = Date()) throws {
        try database.prepare("""
            UPDATE entries SET status = ?, attempts = ?, article_id = ?, last_error = ?, updated = ? WHERE feed_url = ? AND entry_key = ?
            """).run([.text(status.rawValue), .integer(Int64(attempts)), SQLValue(articleID), SQLValue(lastError),
                      .text(date.rfc3339), .text(feedURL), .text(key)])
    }

    /// Feeds with entries left `pending` (by an interrupted run).
    public func feedsWithPendingEntries() throws -> Set<String> {
        var urls = Set<String>()
        try database.prepare("SELECT DISTINCT feed_url FROM entries WHERE status = 'pending'").query { urls.insert($0.string(0)!) }
        return urls
    }

    /// Entry counts by status for a feed.
    public func entryCounts(feedURL: String) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        try database.prepare("SELECT status, count(*) FROM entries WHERE feed_url = ? GROUP BY status")
            .query([.text(feedURL)]) { counts[$0.string(0) ?? ""] = $0.int(1) ?? 0 }
        return counts
    }
}
