import Archive
import Extract
import Foundation
import WinnowCore

/// Turns an input into the article it would be stored as: extraction, fallbacks, title,
/// id. Pure (nothing is read or written besides the input), so readers such as
/// `winnow similar` use it without being the writer.
public struct ArticleBuilder: Sendable {
    public var maxFileBytes: Int
    /// Extraction's time budget (`inbox.max_seconds`); nil: none.
    public var maxSeconds: Int?
    public var clock: @Sendable () -> Date

    public init(maxFileBytes: Int, maxSeconds: Int? = nil, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.maxFileBytes = maxFileBytes
        self.maxSeconds = maxSeconds
        self.clock = clock
    }

    /// The article an input would become.
    public func article(for input: IngestInput) throws(InputError) -> Article {
        makeArticle(try extract(input), input: input, inputHash: input.inputHash)
    }

    /// The extracted document; a feed entry's own content stands in when the page yields none.
    public func extract(_ input: IngestInput) throws(InputError) -> ExtractedDocument {
        do {
            let maxBytes = maxFileBytes
            guard let maxSeconds else {
                return try Extractor.extract(input.bytes, kind: input.kind, url: input.url, charset: input.charset, maxBytes: maxBytes)
            }
            // Under a time budget: a pathological input fails instead of holding the queue.
            return try BoundedExtraction.run(seconds: maxSeconds) { () throws(InputError) in
                FaultInjection.hangIfArmed(origin: input.origin)
                return try Extractor.extract(input.bytes, kind: input.kind, url: input.url, charset: input.charset, maxBytes: maxBytes)
            }
        } catch {
            if let fallback = input.fallback, !fallback.paragraphs.isEmpty { return fallback }
            throw error
        }
    }

    /// `inputHash` is the input's (passed in: hashing a large input twice is not free).
    public func makeArticle(_ document: ExtractedDocument, input: IngestInput, inputHash: String) -> Article {
        var document = document
        if let fallback = input.fallback {
            document.title = document.title ?? fallback.title
            document.published = document.published ?? fallback.published
            document.author = document.author ?? fallback.author
        }
        let title = document.title.map(Whitespace.collapse).flatMap { $0.isEmpty ? nil : $0 }
            ?? Self.titleFromBody(document.paragraphs)
        let paragraphs = document.paragraphs.map(Whitespace.collapse).filter { !$0.isEmpty }
        let url = document.url ?? input.url
        return Article(
            id: Article.contentHash(of: paragraphs), title: title, url: url,
            source: input.sourceName ?? document.site ?? url.flatMap { URL(string: $0)?.host },
            published: document.published, ingested: clock(), author: document.author, language: document.language,
            origin: input.origin, inputHash: inputHash, paragraphs: paragraphs)
    }

    /// A title for an article that has none: the first words of its body.
    static func titleFromBody(_ paragraphs: [String]) -> String {
        let words = (paragraphs.first ?? "Untitled").split(separator: " ").prefix(12)
        return words.joined(separator: " ") + (words.count == 12 ? "…" : "")
    }
}
