import Foundation
import WinnowCore

/// A full-text query with its filters (`winnow search`).
public struct SearchQuery: Sendable, Equatable {
    /// FTS5 query syntax: words (all must match), "a phrase", prefix*, OR, NOT, title:word.
    public var text: String
    /// Inclusive lower bound on the article's date (published, else ingested), RFC 3339.
    public var since: String?
    /// Exclusive upper bound on the same date, RFC 3339.
    public var until: String?
    public var source: String?
    public var language: String?
    public var limit: Int = 20
    /// Put around each matched word in the snippet.
    public var highlight: (open: String, close: String) = ("**", "**")
    /// False: ids and scores only (the benchmark's breakdown of where a query's time goes).
    public var details = true

    public init(text: String) { self.text = text }

    public static func == (a: SearchQuery, b: SearchQuery) -> Bool {
        a.text == b.text && a.since == b.since && a.until == b.until && a.source == b.source && a.language == b.language
            && a.limit == b.limit && a.highlight == b.highlight && a.details == b.details
    }
}

/// One search result, best first.
public struct SearchHit: Sendable, Equatable {
    public var id: String
    public var path: String
    public var title: String
    public var source: String?
    public var language: String?
    /// Published date, else ingested (RFC 3339).
    public var date: String
    public var url: String?
    /// A short passage of the body with the matched words highlighted.
    public var snippet: String
    /// Relevance: SQLite's bm25 negated, so higher is better.
    public var score: Double
}

/// A search query SQLite's FTS5 parser refused, with what is wrong in one line.
public struct SearchQueryError: Error, CustomStringConvertible, Sendable {
    public var query: String
    public var problem: String
    public var description: String {
        let hint = problem.hasPrefix("syntax error") ? " (quote words holding punctuation, e.g. \"north-korea\"; AND, OR, NOT join two terms)" : ""
        return "malformed query '\(query)': \(problem)\(hint)"
    }
}

/// The search index is absent (an index written by an older Winnow, not yet migrated).
public struct SearchUnavailableError: Error, CustomStringConvertible, Sendable {
    public var description: String {
        "the index has no search table yet; the writer (daemon, once, ingest) fills it at start, or run `winnow reindex`"
    }
}

extension ArchiveIndex {
    /// The FTS5 table: title and body of every article, keyed by the `articles` rowid.
    /// A plain (content-storing) FTS5 table: SQLite 3.40 cannot delete from a contentless
    /// one without the original text, and the body lives nowhere else in the index; the
    /// stored copy also gives `snippet()` and `reindex --check` something to read.
    static let searchTable = "article_text"
    static let searchSchema = """
        CREATE VIRTUAL TABLE IF NOT EXISTS article_text USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');
        """
    /// `meta` key set once every article's text is in the search table.
    static let searchFilledKey = "search_filled"

    /// Title hits count this many times a body hit in the ranking.
    public static let titleWeight = 10.0

    /// True when the search table exists (readers on an unmigrated index lack it).
    public func hasSearchTable() throws -> Bool {
        guard !db.isPostgres else { return true }  // created with the schema
        var found = false
        try db.prepare("SELECT 1 FROM sqlite_master WHERE name = ?").query([.text(Self.searchTable)]) { _ in found = true }
        return found
    }

    /// Creates the search table (writer only). Marked filled at once when there are no
    /// articles; otherwise `ArchiveSync.repair` fills it from the files at start.
    func prepareSearchTable() throws {
        let existed = try hasSearchTable()
        try db.execute(Self.searchSchema + "CREATE INDEX IF NOT EXISTS articles_ingested ON articles(ingested);")
        if !existed, try articleCount() == 0 { try setMeta(Self.searchFilledKey, "1") }
    }

    /// True when every article's text is in the search table.
    public func isSearchFilled() throws -> Bool { try meta(Self.searchFilledKey) == "1" }

    /// Marks the search table complete (after a fill or rebuild).
    public func markSearchFilled() throws { try setMeta(Self.searchFilledKey, "1") }

    /// Empties the search table (a rebuild refills it).
    func clearSearchText() throws {
        guard !db.isPostgres else { return try db.execute("DELETE FROM article_text") }
        try db.execute("DROP TABLE IF EXISTS article_text;" + Self.searchSchema)
    }

    /// Adds the text of an already indexed article (the fill of an index made before search).
    public func insertSearchText(_ article: Article, path: String) throws {
        try db.prepare("INSERT INTO article_text(rowid, title, body) SELECT rowid, ?, ? FROM articles WHERE path = ?")
            .run([.text(article.title), .text(article.body), .text(path)])
    }

    /// The title and body held for each article path (for `reindex --check`).
    public func searchTexts(_ body: (_ path: String, _ title: String, _ text: String) throws -> Void) throws {
        try db.prepare("""
            SELECT a.path, t.title, t.body FROM article_text t JOIN articles a ON a.rowid = t.rowid ORDER BY a.path
            """).query { try body($0.string(0) ?? "", $0.string(1) ?? "", $0.string(2) ?? "") }
    }

    /// Rows in the search table.
    public func searchRowCount() throws -> Int {
        var count = 0
        try db.prepare("SELECT count(*) FROM article_text").query { count = $0.int(0) ?? 0 }
        return count
    }

    /// Bytes the search table and its shadow tables take (SQLite's `dbstat`).
    public func searchBytes() throws -> Int {
        var bytes = 0
        if db.isPostgres {
            try db.prepare("SELECT pg_total_relation_size('article_text')").query { bytes = $0.int(0) ?? 0 }
            return bytes
        }
        try db.prepare("SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE 'article_text%'").query { bytes = $0.int(0) ?? 0 }
        return bytes
    }

    /// Ranked full-text search over title and body (bm25, title weighted up), filtered.
    /// Throws `SearchQueryError` for a query FTS5 cannot parse and
    /// `SearchUnavailableError` when the index has no search table.
    public func search(_ query: SearchQuery) throws -> [SearchHit] {
        let trimmed = query.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw SearchQueryError(query: query.text, problem: "it is empty") }
        guard try hasSearchTable() else { throw SearchUnavailableError() }
        if db.isPostgres { return try postgresSearch(query, text: trimmed) }
        // Ranking first, over row ids only: snippets and the article columns are then made
        // for the hits kept, not for every match (the sorter would otherwise carry them all).
        let rank = "rank MATCH 'bm25(\(Self.titleWeight), 1.0)'"
        var sql: String
        let (filters, filterValues) = Self.searchFilters(query)
        var values: [SQLValue] = [.text(trimmed)] + filterValues
        if filters.isEmpty {
            sql = "SELECT rowid, rank FROM article_text WHERE article_text MATCH ? AND \(rank) ORDER BY rank LIMIT ?"
        } else {
            sql = """
                SELECT t.rowid, t.rank FROM article_text t JOIN articles a ON a.rowid = t.rowid
                WHERE t.article_text MATCH ? AND t.\(rank)\(filters) ORDER BY t.rank LIMIT ?
                """
        }
        values.append(.integer(Int64(query.limit > 0 ? query.limit : -1)))
        var ranked: [(rowid: Int64, score: Double)] = []
        var hits: [SearchHit] = []
        do {
            try db.prepare(sql).query(values) { ranked.append((Int64($0.int(0) ?? 0), $0.double(1) ?? 0)) }
            let details = try db.prepare("""
                SELECT a.id, a.path, a.title, a.source, a.language, coalesce(a.published, a.ingested), a.url, t.body
                FROM article_text t JOIN articles a ON a.rowid = t.rowid WHERE t.rowid = ?
                """)
            let snippet = SearchSnippet(query: trimmed)
            for (rowid, score) in ranked where query.details {
                try details.query([.integer(rowid)]) { r in
                    hits.append(SearchHit(id: r.string(0) ?? "", path: r.string(1) ?? "", title: r.string(2) ?? "", source: r.string(3),
                                          language: r.string(4), date: r.string(5) ?? "", url: r.string(6),
                                          snippet: snippet.make(from: r.string(7) ?? "", open: query.highlight.open, close: query.highlight.close),
                                          score: -score))
                }
            }
        } catch let error as SQLiteError {
            if let problem = Self.queryProblem(error.message) { throw SearchQueryError(query: query.text, problem: problem) }
            throw error
        }
        return hits
    }

    /// The `--since/--until/--source/--language` conditions on the articles (alias `a`), as
    /// SQL to append after a WHERE and the values for its placeholders (both backends).
    static func searchFilters(_ query: SearchQuery) -> (sql: String, values: [SQLValue]) {
        var sql = ""
        var values: [SQLValue] = []
        if let since = query.since { sql += " AND coalesce(a.published, a.ingested) >= ?"; values.append(.text(since)) }
        if let until = query.until { sql += " AND coalesce(a.published, a.ingested) < ?"; values.append(.text(until)) }
        if let source = query.source { sql += " AND lower(a.source) = lower(?)"; values.append(.text(source)) }
        if let language = query.language { sql += " AND lower(a.language) = lower(?)"; values.append(.text(language)) }
        return (sql, values)
    }

    /// The user's mistake in an FTS5 error message, or nil when the error is not about the query.
    static func queryProblem(_ message: String) -> String? {
        var text = message
        if text.hasPrefix("fts5: ") { text.removeFirst("fts5: ".count) }
        let queryErrors = ["syntax error", "unterminated string", "no such column", "unknown special query", "fts5"]
        guard queryErrors.contains(where: { text.contains($0) }) else { return nil }
        if text == "syntax error near \"\"" { return "syntax error at the end of the query" }
        if text.hasPrefix("no such column: ") { return "no field '\(text.dropFirst("no such column: ".count))' (fields: title, body)" }
        return text
    }
}
