import Foundation

/// What extraction keeps of a page or clipping: metadata and the body as paragraphs.
public struct ExtractedDocument: Sendable, Equatable {
    public var title: String?
    public var published: Date?
    public var author: String?
    public var site: String?
    public var language: String?
    /// The canonical URL the document names for itself, if any.
    public var url: String?
    /// Body paragraphs (headings, list items and quotes are paragraphs too), without the title.
    public var paragraphs: [String]

    public init(title: String? = nil, published: Date? = nil, author: String? = nil, site: String? = nil,
                language: String? = nil, url: String? = nil, paragraphs: [String] = []) {
        self.title = title
        self.published = published
        self.author = author
        self.site = site
        self.language = language
        self.url = url
        self.paragraphs = paragraphs
    }

    /// The body as plain text, paragraphs separated by blank lines.
    public var text: String { paragraphs.joined(separator: "\n\n") }
}
