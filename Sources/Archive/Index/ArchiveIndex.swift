import CSQLite
import Foundation
import WinnowCore

/// The SQLite index beside the archive (`<state>/index.sqlite`, WAL mode).
///
/// The archive tree is the source of truth for articles; this index makes them searchable
/// and also holds what files cannot: duplicate and failure records, in-flight inbox claims,
/// feed state and dedupe signatures. Not thread-safe: use it from one queue.
public final class ArchiveIndex {
    public let path: String
    let db: IndexDatabase
    /// True for a reader's connection: no file is created and nothing is written.
    public let isReadOnly: Bool
    /// Whether `insert` also fills the search table; off only to measure what search costs
    /// (`winnow bench search`). An index stored without it is not marked searchable.
    public var indexesText = true

    // The kept statements hold the connection: let it go with the index.
    deinit { db.sqlite?.clearCachedStatements() }

    /// The index file in a state folder.
    public static func file(in stateDirectory: String) -> String { stateDirectory + "/index.sqlite" }

    /// Opens (creating if needed) the index in `stateDirectory`, for the one writer.
    public init(stateDirectory: String) throws {
        try FileOps.makeDirectory(stateDirectory)
        path = Self.file(in: stateDirectory)
        isReadOnly = false
        let sqlite = try SQLiteDatabase(path: path)
        try sqlite.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")
        db = IndexDatabase(.sqlite(sqlite))
        try db.execute(Self.schema)
        try prepareFeedTables()  // migrations, so readers find every column
        try addClaimAttempts()
        try prepareSearchTable()
    }

    private convenience init(readingAt path: String) throws {
        let sqlite = try SQLiteDatabase(path: path, readOnly: true)
        // Readers mostly search: pages read through a memory map rather than copied into a
        // private cache (SQLite clamps the size to what it was built to allow). Best effort:
        // a damaged file must still open, for `reindex --check` to report it.
        try? sqlite.execute("PRAGMA mmap_size=2147418112; PRAGMA cache_size=-65536")
        self.init(database: IndexDatabase(.sqlite(sqlite)), path: path, readOnly: true)
    }

    init(database: IndexDatabase, path: String, readOnly: Bool) {
        self.path = path
        isReadOnly = readOnly
        db = database
    }

    /// Opens the index for reading only (status, feeds, similar, `reindex --check`): it
    /// creates nothing, repairs nothing and cannot write. Nil when there is no index yet.
    public static func openForReading(stateDirectory: String) throws -> ArchiveIndex? {
        let path = file(in: stateDirectory)
        guard access(path, F_OK) == 0 else { return nil }
        return try ArchiveIndex(readingAt: path)
    }

    /// SQLite's integrity check of the file: nil when sound, else what is wrong.
    public func integrityProblems() -> String? { db.sqlite?.integrityProblems() }

    static let schema = """
        CREATE TABLE IF NOT EXISTS articles(
            id TEXT PRIMARY KEY, path TEXT NOT NULL UNIQUE, url TEXT, title TEXT NOT NULL, source TEXT,
            published TEXT, ingested TEXT NOT NULL, author TEXT, language TEXT, origin TEXT NOT NULL,
            input_hash TEXT, content_hash TEXT NOT NULL, words INTEGER NOT NULL, signature BLOB);
        CREATE INDEX IF NOT EXISTS articles_content ON articles(content_hash);
        CREATE INDEX IF NOT EXISTS articles_input ON articles(input_hash);
        CREATE INDEX IF NOT EXISTS articles_url ON articles(url);
        CREATE TABLE IF NOT EXISTS duplicates(
            seq INTEGER PRIMARY KEY, duplicate_of TEXT NOT NULL, similarity REAL NOT NULL, containment REAL NOT NULL,
            title TEXT, url TEXT, origin TEXT NOT NULL, input_hash TEXT, recorded TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS duplicates_input ON duplicates(input_hash);
        CREATE TABLE IF NOT EXISTS failures(
            seq INTEGER PRIMARY KEY, origin TEXT NOT NULL, url TEXT, input_hash TEXT, reason TEXT NOT NULL, recorded TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS failures_input ON failures(input_hash);
        CREATE TABLE IF NOT EXISTS claims(origin TEXT NOT NULL, input_hash TEXT NOT NULL, claimed TEXT NOT NULL,
            PRIMARY KEY(origin, input_hash));
        CREATE TABLE IF NOT EXISTS feeds(
            url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, last_fetch TEXT, last_status INTEGER,
            error_count INTEGER NOT NULL DEFAULT 0, last_error TEXT, next_due TEXT, last_success TEXT);
        CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS entries(
            feed_url TEXT NOT NULL, entry_key TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
            article_id TEXT, last_error TEXT, first_seen TEXT NOT NULL, PRIMARY KEY(feed_url, entry_key));
        """

    // MARK: Articles

    /// An indexed article, as listed and looked up.
    public struct Row: Sendable, Equatable {
        public var id: String
        public var path: String
        public var title: String
        public var url: String?
        public var published: String?
        public var ingested: String
        public var origin: String
        public var contentHash: String
    }

    /// Indexes a stored article: its row and, in the same transaction as the caller's, its
    /// title and body in the search table (every path that indexes an article comes here).
    /// The search text goes in when the transaction commits (`deferUntilCommit`): the
    /// articles of a batch then make one FTS5 segment, not one each. `contentHash` saves
    /// recomputing it when the caller has it (a new article's id is it).
    public func insert(_ article: Article, path: String, signature: [UInt8]? = nil, contentHash: String? = nil) throws {
        try db.transaction {  // a savepoint inside the caller's: PostgreSQL aborts the whole transaction on an error outside one
            let statement = try db.cached("""
                INSERT INTO articles(id, path, url, title, source, published, ingested, author, language, origin, input_hash,
                    content_hash, words, signature) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                """)
            let words = article.paragraphs.reduce(0) { $0 + Self.wordCount($1) }
            try statement.run([
                .text(article.id), .text(path), SQLValue(article.url), .text(article.title), SQLValue(article.source),
                SQLValue(article.published?.rfc3339), .text(article.ingested.rfc3339), SQLValue(article.author),
                SQLValue(article.language), .text(article.origin), SQLValue(article.inputHash), .text(contentHash ?? article.contentHash),
                .integer(Int64(words)), signature.map { .blob($0) } ?? .null,
            ])
            guard indexesText else { return }
            try db.deferUntilCommit { [unowned self] in try insertSearchText(id: article.id, title: article.title, body: article.body) }
        }
    }

    /// The search text of the article `id`, when its row is still there (it may have been
    /// removed between the insert and the commit). One row per statement, as `VALUES`: an
    /// `INSERT … SELECT` runs under a statement savepoint, and FTS5 flushes at each one.
    private func insertSearchText(id: String, title: String, body: String) throws {
        var rowid: Int64?
        try db.cached("SELECT rowid FROM articles WHERE id = ?").query([.text(id)]) { rowid = Int64($0.int(0) ?? 0) }
        guard let rowid else { return }
        try db.cached("INSERT INTO article_text(rowid, title, body) VALUES(?, ?, ?)").run([.integer(rowid), .text(title), .text(body)])
    }

    /// `text.split(separator: " ").count` without making the pieces: runs of bytes between
    /// separating spaces. A space stands alone as a `Character` unless the scalar before it
    /// is a grapheme prefix or the one after it extends it; that depends only on those two
    /// neighbours, so only a space next to a non-ASCII scalar asks Swift about its window.
    static func wordCount(_ text: String) -> Int {
        var text = text
        return text.withUTF8 { bytes in
            var count = 0
            var inWord = false
            for i in 0..<bytes.count {
                if bytes[i] == 0x20, isSeparator(bytes, at: i) {
                    inWord = false
                } else if !inWord {
                    inWord = true
                    count += 1
                }
            }
            return count
        }
    }

    /// True when the space at `i` is a `Character` of its own.
    private static func isSeparator(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        let asciiBefore = i == 0 || bytes[i - 1] < 0x80
        let asciiAfter = i + 1 == bytes.count || bytes[i + 1] < 0x80
        if asciiBefore && asciiAfter { return true }
        var start = i
        if !asciiBefore {
            start -= 1
            while start > 0, bytes[start] & 0xC0 == 0x80 { start -= 1 }
        }
        var end = i + 1
        if !asciiAfter {
            end += 1
            while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self).contains(Character(" "))
    }

    static let rowColumns = "id, path, title, url, published, ingested, origin, content_hash"
    static func row(_ r: IndexRow) -> Row {
        Row(id: r.string(0)!, path: r.string(1)!, title: r.string(2) ?? "", url: r.string(3), published: r.string(4),
            ingested: r.string(5)!, origin: r.string(6) ?? "", contentHash: r.string(7)!)
    }

    public func article(withContentHash hash: String) throws -> Row? {
        var found: Row?
        try db.prepare("SELECT \(Self.rowColumns) FROM articles WHERE content_hash = ? ORDER BY ingested, id LIMIT 1")
            .query([.text(hash)]) { found = Self.row($0) }
        return found
    }

    public func article(id: String) throws -> Row? {
        var found: Row?
        try db.prepare("SELECT \(Self.rowColumns) FROM articles WHERE id = ?").query([.text(id)]) { found = Self.row($0) }
        return found
    }

    public func allArticles() throws -> [Row] {
        var rows: [Row] = []
        try db.prepare("SELECT \(Self.rowColumns) FROM articles ORDER BY path").query { rows.append(Self.row($0)) }
        return rows
    }

    public func articlePaths() throws -> Set<String> {
        var paths = Set<String>()
        try db.prepare("SELECT path FROM articles").query { paths.insert($0.string(0)!) }
        return paths
    }

    /// Drops an article's row and its search text.
    public func removeArticle(path: String) throws {
        try db.transaction {
            try db.prepare("DELETE FROM article_text WHERE rowid IN (SELECT rowid FROM articles WHERE path = ?)").run([.text(path)])
            try db.prepare("DELETE FROM articles WHERE path = ?").run([.text(path)])
        }
    }

    /// Stored signatures for rebuilding the in-memory LSH tables: (id, ingested, signature).
    public func signatures(_ body: (String, String, [UInt8]) throws -> Void) throws {
        try db.prepare("SELECT id, ingested, signature FROM articles WHERE signature IS NOT NULL ORDER BY rowid")
            .query { try body($0.string(0)!, $0.string(1)!, $0.blob(2) ?? []) }
    }

    /// The same rows without copying or decoding: `id` and `ingested` are the UTF-8 bytes
    /// of the text columns and `signature` the blob, all valid only inside `body` (fast
    /// start-up rebuild of the LSH tables: no String is made per row).
    public func signatureBlobs(_ body: (_ id: UnsafeRawBufferPointer, _ ingested: UnsafeRawBufferPointer,
                                        _ signature: UnsafeRawBufferPointer) throws -> Void) throws {
        guard let sqlite = db.sqlite else {
            try signatures { id, ingested, signature in
                try Array(id.utf8).withUnsafeBytes { i in
                    try Array(ingested.utf8).withUnsafeBytes { d in try signature.withUnsafeBytes { try body(i, d, $0) } }
                }
            }
            return
        }
        try sqlite.prepare("SELECT id, ingested, signature FROM articles WHERE signature IS NOT NULL ORDER BY rowid").query { row in
            // Text before its length: sqlite3_column_bytes after sqlite3_column_text gives
            // the UTF-8 length without a conversion.
            func column(_ i: Int32, text: Bool) -> UnsafeRawBufferPointer {
                let pointer = text ? UnsafeRawPointer(sqlite3_column_text(row.handle, i)) : sqlite3_column_blob(row.handle, i)
                let count = Int(sqlite3_column_bytes(row.handle, i))
                return UnsafeRawBufferPointer(start: pointer, count: pointer == nil ? 0 : count)
            }
            try body(column(0, text: true), column(1, text: true), column(2, text: false))
        }
    }

    /// Articles that have no signature yet (indexed before dedupe signatures existed).
    public func articlesWithoutSignature() throws -> [Row] {
        var rows: [Row] = []
        try db.prepare("SELECT \(Self.rowColumns) FROM articles WHERE signature IS NULL ORDER BY rowid").query { rows.append(Self.row($0)) }
        return rows
    }

    /// Drops every stored signature (they were made another way; see `meta`).
    public func clearSignatures() throws {
        try db.execute("UPDATE articles SET signature = NULL")
    }

    // MARK: Settings

    /// A value kept with the index (e.g. `dedupe_scheme`, how the signatures were made).
    public func meta(_ key: String) throws -> String? {
        var value: String?
        try db.prepare("SELECT value FROM meta WHERE key = ?").query([.text(key)]) { value = $0.string(0) }
        return value
    }

    public func setMeta(_ key: String, _ value: String) throws {
        try db.prepare("INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            .run([.text(key), .text(value)])
    }

    /// Number of articles (from the smallest index: no table scan).
    public func articleCount() throws -> Int {
        var count = 0
        try db.prepare("SELECT count(*) FROM articles").query { count = $0.int(0) ?? 0 }
        return count
    }

    public func setSignature(id: String, _ signature: [UInt8]) throws {
        try db.prepare("UPDATE articles SET signature = ? WHERE id = ?").run([.blob(signature), .text(id)])
    }

    // MARK: Decisions

    /// Indexes a duplicate decision (already in the archive's ledger).
    public func insert(_ record: DuplicateRecord) throws {
        try db.prepare("""
            INSERT INTO duplicates(duplicate_of, similarity, containment, title, url, source, origin, input_hash, recorded)
            VALUES(?,?,?,?,?,?,?,?,?)
            """).run([.text(record.duplicateOf), .real(record.similarity), .real(record.containment), SQLValue(record.title),
                      SQLValue(record.url), SQLValue(record.source), .text(record.origin), SQLValue(record.inputHash), .text(record.recorded.rfc3339)])
    }

    static let duplicateColumns = "duplicate_of, similarity, containment, title, url, source, origin, input_hash, recorded"
    static func duplicate(_ r: IndexRow) -> DuplicateRecord {
        DuplicateRecord(
            duplicateOf: r.string(0) ?? "", similarity: r.double(1) ?? 0, containment: r.double(2) ?? 0, title: r.string(3),
            url: r.string(4), source: r.string(5), origin: r.string(6) ?? "", inputHash: r.string(7),
            recorded: r.string(8).flatMap(DateParser.parse) ?? Date(timeIntervalSince1970: 0))
    }

    /// Indexes a failure (already in the archive's ledger).
    public func insert(_ record: FailureRecord) throws {
        try db.prepare("INSERT INTO failures(origin, url, input_hash, reason, recorded) VALUES(?,?,?,?,?)")
            .run([.text(record.origin), SQLValue(record.url), SQLValue(record.inputHash), .text(record.reason),
                  .text(record.recorded.rfc3339)])
    }

    /// True when the index holds this duplicate record (the ledger's tail check).
    public func hasDuplicate(_ r: DuplicateRecord) throws -> Bool {
        var found = false
        try db.prepare("SELECT 1 FROM duplicates WHERE origin = ? AND recorded = ? AND duplicate_of = ? LIMIT 1")
            .query([.text(r.origin), .text(r.recorded.rfc3339), .text(r.duplicateOf)]) { _ in found = true }
        return found
    }

    /// True when the index holds this failure record (the ledger's tail check).
    public func hasFailure(_ r: FailureRecord) throws -> Bool {
        var found = false
        try db.prepare("SELECT 1 FROM failures WHERE origin = ? AND recorded = ? AND reason = ? LIMIT 1")
            .query([.text(r.origin), .text(r.recorded.rfc3339), .text(r.reason)]) { _ in found = true }
        return found
    }

    /// Every duplicate and failure record, in the order recorded (for `reindex --check`).
    public func decisions() throws -> (duplicates: [DuplicateRecord], failures: [FailureRecord]) {
        var duplicates: [DuplicateRecord] = []
        var failures: [FailureRecord] = []
        try db.prepare("""
            SELECT \(Self.duplicateColumns) FROM duplicates ORDER BY seq
            """).query { duplicates.append(Self.duplicate($0)) }
        try db.prepare("SELECT origin, url, input_hash, reason, recorded FROM failures ORDER BY seq").query { r in
            failures.append(FailureRecord(origin: r.string(0) ?? "", url: r.string(1), inputHash: r.string(2), reason: r.string(3) ?? "",
                                          recorded: r.string(4).flatMap(DateParser.parse) ?? Date(timeIntervalSince1970: 0)))
        }
        return (duplicates, failures)
    }

    /// What was already decided for an input, used to finish interrupted work exactly once.
    public enum Outcome: Sendable, Equatable {
        case stored(Row)
        case duplicate(of: String, similarity: Double)
        case failed(reason: String)
    }

    public func outcome(origin: String, inputHash: String) throws -> Outcome? {
        var result: Outcome?
        try db.prepare("SELECT \(Self.rowColumns) FROM articles WHERE input_hash = ? AND origin = ? LIMIT 1")
            .query([.text(inputHash), .text(origin)]) { result = .stored(Self.row($0)) }
        if let result { return result }
        try db.prepare("SELECT duplicate_of, similarity FROM duplicates WHERE input_hash = ? AND origin = ? ORDER BY seq DESC LIMIT 1")
            .query([.text(inputHash), .text(origin)]) { result = .duplicate(of: $0.string(0)!, similarity: $0.double(1) ?? 1) }
        if let result { return result }
        try db.prepare("SELECT reason FROM failures WHERE input_hash = ? AND origin = ? ORDER BY seq DESC LIMIT 1")
            .query([.text(inputHash), .text(origin)]) { result = .failed(reason: $0.string(0)!) }
        return result
    }

    // MARK: Claims

    /// Marks an input as in progress; returns true when a claim from an interrupted run existed.
    @discardableResult
    public func claim(origin: String, inputHash: String) throws -> Bool {
        var existed = false
        try db.prepare("SELECT 1 FROM claims WHERE origin = ? AND input_hash = ?").query([.text(origin), .text(inputHash)]) { _ in existed = true }
        if !existed {
            try db.prepare("INSERT INTO claims(origin, input_hash, claimed) VALUES(?,?,?)")
                .run([.text(origin), .text(inputHash), .text(Date().rfc3339)])
        }
        return existed
    }

    /// Claims an input before work on it starts and returns which attempt this is: 1 for a
    /// fresh input, N when N - 1 earlier attempts were interrupted (a crash or kill left
    /// their claim). Committed before it returns, so a kill during the work is counted.
    public func claimAttempt(origin: String, inputHash: String) throws -> Int {
        try db.cached("""
            INSERT INTO claims(origin, input_hash, claimed, attempts) VALUES(?,?,?,1)
            ON CONFLICT(origin, input_hash) DO UPDATE SET attempts = claims.attempts + 1, claimed = excluded.claimed
            """).run([.text(origin), .text(inputHash), .text(Date().rfc3339)])
        var attempts = 1
        try db.cached("SELECT attempts FROM claims WHERE origin = ? AND input_hash = ?")
            .query([.text(origin), .text(inputHash)]) { attempts = $0.int(0) ?? 1 }
        return attempts
    }

    /// True when an earlier attempt on this input left its claim: it was interrupted (or
    /// its batch was), and it may be what killed the process.
    public func hasClaim(origin: String, inputHash: String) throws -> Bool {
        var found = false
        try db.cached("SELECT 1 FROM claims WHERE origin = ? AND input_hash = ?").query([.text(origin), .text(inputHash)]) { _ in found = true }
        return found
    }

    /// Indexes made before attempts were counted get the column (CREATE TABLE IF NOT
    /// EXISTS leaves an existing table as it was).
    private func addClaimAttempts() throws {
        guard !db.isPostgres else { return }
        var columns: [String] = []
        try db.prepare("PRAGMA table_info(claims)").query { columns.append($0.string(1) ?? "") }
        if !columns.contains("attempts") {
            try db.execute("ALTER TABLE claims ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1")
        }
    }

    public func releaseClaim(origin: String, inputHash: String) throws {
        try db.cached("DELETE FROM claims WHERE origin = ? AND input_hash = ?").run([.text(origin), .text(inputHash)])
    }

    // MARK: Counts

    public struct Counts: Sendable, Equatable {
        public var articles = 0
        public var duplicates = 0
        public var failures = 0
        public var articlesToday = 0
        public var duplicatesToday = 0
        public var failuresToday = 0
        public init() {}
    }

    public func counts(today: String = Date().utcDay) throws -> Counts {
        var c = Counts()
        func scalar(_ sql: String, _ values: [SQLValue] = []) throws -> Int {
            var v = 0
            try db.prepare(sql).query(values) { v = $0.int(0) ?? 0 }
            return v
        }
        c.articles = try scalar("SELECT count(*) FROM articles")
        c.duplicates = try scalar("SELECT count(*) FROM duplicates")
        c.failures = try scalar("SELECT count(*) FROM failures")
        c.articlesToday = try scalar("SELECT count(*) FROM articles WHERE ingested >= ?", [.text(today)])
        c.duplicatesToday = try scalar("SELECT count(*) FROM duplicates WHERE recorded >= ?", [.text(today)])
        c.failuresToday = try scalar("SELECT count(*) FROM failures WHERE recorded >= ?", [.text(today)])
        return c
    }

    /// True when the database answers a trivial query.
    public func ping() -> Bool {
        (try? db.prepare("SELECT 1").all()) != nil
    }

    public func transaction<T>(_ body: () throws -> T) throws -> T { try db.transaction(body) }

    /// Raw access for the modules that keep their own tables here (feeds, entries).
    public var database: IndexDatabase { db }
}
