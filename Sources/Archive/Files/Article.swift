import Foundation
import WinnowCore

/// A clean article as stored: front matter fields plus the body paragraphs.
public struct Article: Sendable, Equatable {
    public var id: String
    public var title: String
    public var url: String?
    public var source: String?
    public var published: Date?
    public var ingested: Date
    public var author: String?
    public var language: String?
    /// The feed URL or inbox file name it came from.
    public var origin: String
    /// Hash of the raw input bytes, used to finish interrupted inbox work exactly once.
    public var inputHash: String?
    public var paragraphs: [String]

    public init(id: String, title: String, url: String? = nil, source: String? = nil, published: Date? = nil,
                ingested: Date, author: String? = nil, language: String? = nil, origin: String,
                inputHash: String? = nil, paragraphs: [String]) {
        self.id = id
        self.title = title
        self.url = url
        self.source = source
        self.published = published
        self.ingested = ingested
        self.author = author
        self.language = language
        self.origin = origin
        self.inputHash = inputHash
        self.paragraphs = paragraphs
    }

    /// The date that files the article: published when known, else ingested (UTC).
    public var filingDate: Date { published ?? ingested }

    /// Hash of the normalised body: equal for bodies that differ only in case, punctuation
    /// or spacing.
    public var contentHash: String { Self.contentHash(of: paragraphs) }

    public static func contentHash(of paragraphs: [String]) -> String {
        Hash64.hex(Hash64.hash(TextNormalizer.normalize(paragraphs.joined(separator: "\n"))))
    }

    public var body: String { paragraphs.joined(separator: "\n\n") }
}
