import Extract
import Foundation
import WinnowCore

/// The syntax a feed was written in.
public enum FeedFormat: String, Sendable { case rss, rdf, atom, json }

/// One item of a feed.
public struct FeedEntry: Sendable, Equatable {
    /// guid / atom:id / rdf:about / JSON `id`.
    public var id: String?
    /// Absolute link (resolved against xml:base and the feed URL).
    public var link: String?
    public var title: String?
    public var published: Date?
    public var updated: Date?
    public var author: String?
    /// Summary and full content as HTML (plain-text fields are escaped into HTML).
    public var summary: String?
    public var content: String?

    public init(id: String? = nil, link: String? = nil, title: String? = nil, published: Date? = nil, updated: Date? = nil,
                author: String? = nil, summary: String? = nil, content: String? = nil) {
        self.id = id
        self.link = link
        self.title = title
        self.published = published
        self.updated = updated
        self.author = author
        self.summary = summary
        self.content = content
    }

    /// The key that identifies this entry within its feed: guid/id, else canonical link,
    /// else a hash of title and body.
    public var key: String {
        if let id = id?.trimmingCharacters(in: .whitespacesAndNewlines), !id.isEmpty { return id }
        if let link, let canonical = FeedText.canonicalLink(link) { return canonical }
        return "hash:" + Hash64.hex(Hash64.hash((title ?? "") + "\u{1}" + (content ?? summary ?? "")))
    }

    /// Plain-text body paragraphs: full content when present, else the summary.
    public var paragraphs: [String] {
        let content = content.map(FeedText.paragraphs(fromHTML:)) ?? []
        if !content.isEmpty { return content }
        return summary.map(FeedText.paragraphs(fromHTML:)) ?? []
    }

    /// What the pipeline falls back on when the article page yields nothing.
    public var fallbackDocument: ExtractedDocument {
        ExtractedDocument(title: title, published: published ?? updated, author: author, url: link, paragraphs: paragraphs)
    }
}

/// A parsed feed: its own fields and its entries in document order.
public struct ParsedFeed: Sendable {
    public var format: FeedFormat
    public var title: String?
    public var link: String?
    /// RSS `<ttl>` in minutes.
    public var ttlMinutes: Int?
    public var entries: [FeedEntry] = []
    /// Problems that did not stop parsing (malformed XML salvaged, …).
    public var warnings: [String] = []
    /// The encoding the document was read as and where that came from, e.g. `SHIFT_JIS (detected)`.
    public var encoding: String?
}

/// Why a document could not be read as a feed (one line, no input name: the caller adds it).
public struct FeedParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

