import Archive
import Extract
import Foundation
import Languages
import WinnowCore

/// Turns an input into the article it would be stored as: extraction, fallbacks, title,
/// id. Pure (nothing is read or written besides the input), so readers such as
/// `winnow similar` use it without being the writer.
public struct ArticleBuilder: Sendable {
    public var maxFileBytes: Int
    public var clock: @Sendable () -> Date

    public init(maxFileBytes: Int, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.maxFileBytes = maxFileBytes
        self.clock = clock
    }

    /// The article an input would become.
    public func article(for input: IngestInput) throws(InputError) -> Article {
        makeArticle(try extract(input), input: input, inputHash: input.inputHash)
    }

    /// The extracted document; a feed entry's own content stands in when the page yields none.
    public func extract(_ input: IngestInput) throws(InputError) -> ExtractedDocument {
        do {
            FaultInjection.hangIfArmed(origin: input.origin)
            return try Extractor.extract(input.bytes, kind: input.kind, url: input.url, charset: input.charset, maxBytes: maxFileBytes)
        } catch {
            if let fallback = input.fallback, !fallback.paragraphs.isEmpty { return fallback }
            throw error
        }
    }

    /// What stands in for an extraction abandoned past its time budget (`inbox.max_seconds`):
    /// a feed entry's own content, or the error naming the budget.
    public func overrun(_ input: IngestInput, seconds: Int) throws(InputError) -> ExtractedDocument {
        if let fallback = input.fallback, !fallback.paragraphs.isEmpty { return fallback }
        throw InputError("processing took longer than \(seconds) s (inbox.max_seconds); abandoned")
    }

    /// `inputHash` is the input's (passed in: hashing a large input twice is not free).
    public func makeArticle(_ document: ExtractedDocument, input: IngestInput, inputHash: String) -> Article {
        var document = document
        if let fallback = input.fallback {
            document.title = document.title ?? fallback.title
            document.published = document.published ?? fallback.published
            document.author = document.author ?? fallback.author
        }
        let title = document.title.map(Self.collapse).flatMap { $0.isEmpty ? nil : $0 }
            ?? Self.titleFromBody(document.paragraphs)
        let paragraphs = document.paragraphs.map(Self.collapse).filter { !$0.isEmpty }
        let url = document.url ?? input.url
        return Article(
            id: Article.contentHash(of: paragraphs), title: title, url: url,
            source: input.sourceName ?? document.site ?? url.flatMap { URL(string: $0)?.host },
            published: document.published, ingested: clock(), author: document.author,
            // Clippings and feed entries name no language; pages without `lang` neither.
            language: document.language ?? LanguageDetector.detect(paragraphs: [title] + paragraphs),
            origin: input.origin, inputHash: inputHash, paragraphs: paragraphs)
    }

    /// `Whitespace.collapse`, skipped for text it would leave as it is (most extracted
    /// paragraphs already are: a scan without a copy).
    static func collapse(_ s: String) -> String {
        isCollapsed(s) ? s : Whitespace.collapse(s)
    }

    /// True when `s` has no leading, trailing or repeated whitespace and none but single
    /// spaces (Unicode White_Space, as `Whitespace.collapse` sees it).
    static func isCollapsed(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { bytes in
            let n = bytes.count
            guard n > 0 else { return true }
            if bytes[0] == 0x20 || bytes[n - 1] == 0x20 { return false }
            var i = 0
            while i < n {
                let b = bytes[i]
                if b < 0x80 {
                    if b == 0x20 {
                        if bytes[i + 1] == 0x20 { return false }  // i + 1 < n: the last byte is no space
                    } else if b >= 0x09 && b <= 0x0D {
                        return false
                    }
                } else if b == 0xC2 {
                    if i + 1 < n, bytes[i + 1] == 0x85 || bytes[i + 1] == 0xA0 { return false }
                } else if b == 0xE1 {
                    if i + 2 < n, bytes[i + 1] == 0x9A, bytes[i + 2] == 0x80 { return false }
                } else if b == 0xE2 {
                    if i + 2 < n {
                        let b1 = bytes[i + 1], b2 = bytes[i + 2]
                        if b1 == 0x80, (b2 >= 0x80 && b2 <= 0x8A) || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF { return false }
                        if b1 == 0x81, b2 == 0x9F { return false }
                    }
                } else if b == 0xE3 {
                    if i + 2 < n, bytes[i + 1] == 0x80, bytes[i + 2] == 0x80 { return false }
                }
                i += 1
            }
            return true
        }
    }

    /// A title for an article that has none: the first words of its body.
    static func titleFromBody(_ paragraphs: [String]) -> String {
        let words = (paragraphs.first ?? "Untitled").split(separator: " ").prefix(12)
        return words.joined(separator: " ") + (words.count == 12 ? "…" : "")
    }
}
