import Foundation
import WinnowCore

/// An indexed article with the columns a reader shows (`winnow show`, feed.atom).
public struct ArticleSummary: Sendable, Equatable {
    public var id: String
    public var path: String
    public var title: String
    public var url: String?
    public var source: String?
    public var published: String?
    public var ingested: String
    public var author: String?
    public var language: String?
    public var origin: String
}

extension ArchiveIndex {
    private static let summaryColumns = "id, path, title, url, source, published, ingested, author, language, origin"

    private static func summary(_ r: IndexRow) -> ArticleSummary {
        ArticleSummary(id: r.string(0) ?? "", path: r.string(1) ?? "", title: r.string(2) ?? "", url: r.string(3),
                       source: r.string(4), published: r.string(5), ingested: r.string(6) ?? "", author: r.string(7),
                       language: r.string(8), origin: r.string(9) ?? "")
    }

    /// The article an identifier names: its id, its path in the archive, its URL, or the
    /// URL of a copy recorded as its duplicate. Nil when none matches.
    public func findArticle(_ reference: String) throws -> ArticleSummary? {
        let sql = "SELECT \(Self.summaryColumns) FROM articles WHERE "
        for (condition, value) in [("id = ?", reference), ("path = ?", reference), ("url = ? ORDER BY ingested LIMIT 1", reference)] {
            var found: ArticleSummary?
            try db.prepare(sql + condition).query([.text(value)]) { found = Self.summary($0) }
            if let found { return found }
        }
        var original: String?
        try db.prepare("SELECT duplicate_of FROM duplicates WHERE url = ? ORDER BY seq LIMIT 1").query([.text(reference)]) {
            original = $0.string(0)
        }
        guard let original else { return nil }
        var found: ArticleSummary?
        try db.prepare(sql + "id = ?").query([.text(original)]) { found = Self.summary($0) }
        return found
    }

    /// Every duplicate recorded against an article, in the order seen.
    public func duplicates(of id: String) throws -> [DuplicateRecord] {
        var records: [DuplicateRecord] = []
        try db.prepare("SELECT \(Self.duplicateColumns) FROM duplicates WHERE duplicate_of = ? ORDER BY recorded, seq")
            .query([.text(id)]) { records.append(Self.duplicate($0)) }
        return records
    }

    /// A slice of the archive, newest first by ingest time (feed.atom, `export atom`).
    /// Uses the `articles_ingested` index, so the feed costs the same in any size of archive.
    /// `since` is an inclusive bound on the article's date (published, else ingested).
    public func latestArticles(limit: Int, since: String? = nil, source: String? = nil) throws -> [ArticleSummary] {
        var sql = "SELECT \(Self.summaryColumns) FROM articles WHERE true"
        var values: [SQLValue] = []
        if let since { sql += " AND coalesce(published, ingested) >= ?"; values.append(.text(since)) }
        if let source { sql += " AND lower(source) = lower(?)"; values.append(.text(source)) }
        // The id breaks ties (same second) the same way after a rebuild renumbers the rows.
        sql += " ORDER BY ingested DESC, id DESC"
        if limit > 0 { sql += " LIMIT ?"; values.append(.integer(Int64(limit))) }
        var rows: [ArticleSummary] = []
        try db.prepare(sql).query(values) { rows.append(Self.summary($0)) }
        return rows
    }
}
