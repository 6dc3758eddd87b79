import Extract
import Testing
import WinnowCore
import WinnowTestSupport
@testable import Pipeline

@Suite struct ArticleBuilderTests {
    let builder = ArticleBuilder(maxFileBytes: 1 << 20)

    func clipping(_ title: String, _ body: String) -> IngestInput {
        IngestInput(bytes: Array("\(title)\n\n\(body)\n".utf8), kind: .text, origin: "clip.txt")
    }

    /// A clipping names no language: it is detected from the text. (Clippings in scripts
    /// without spaces wait for the clipping line rules to know them.)
    @Test(arguments: ["ru", "ar", "de", "el"])
    func clippingGetsItsLanguageDetected(_ code: String) throws {
        let input = clipping("Новости", MultilingualText.paragraphs[code]!)
        #expect(try builder.article(for: input).language == code)
    }

    /// A page's own `lang` wins over detection.
    @Test func declaredLanguageIsKept() {
        let document = ExtractedDocument(title: "T", language: "en-GB", paragraphs: [MultilingualText.paragraphs["fr"]!])
        let article = builder.makeArticle(document, input: clipping("T", "x"), inputHash: "h")
        #expect(article.language == "en-GB")
    }

    /// A feed entry's fallback text is detected the same way.
    @Test func feedEntryWithoutLanguage() {
        let fallback = ExtractedDocument(title: "Título", paragraphs: [MultilingualText.paragraphs["es"]!])
        let input = IngestInput(bytes: [], kind: .html, origin: "https://example.org/feed", fallback: fallback)
        let article = builder.makeArticle(fallback, input: input, inputHash: "h")
        #expect(article.language == "es")
    }

    @Test func tooLittleTextHasNoLanguage() {
        let document = ExtractedDocument(title: "OK", paragraphs: ["42"])
        #expect(builder.makeArticle(document, input: clipping("OK", "42"), inputHash: "h").language == nil)
    }
}

extension ArticleBuilderTests {
    /// The check that skips `Whitespace.collapse` says "collapsed" only where collapsing
    /// changes nothing, for every kind of whitespace it folds.
    @Test func collapsedTextIsLeftAsCollapseWouldLeaveIt() {
        let spaces: [String] = [" ", "  ", "\t", "\n", "\r\n", "\u{0B}", "\u{0C}", "\u{85}", "\u{A0}", "\u{1680}", "\u{2000}", "\u{2005}",
                                "\u{200A}", "\u{200B}", "\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}", "\u{FEFF}", ""]
        let words = ["Zürich", "a", "Россия", "朝鲜", "x1", "—"]
        for space in spaces {
            for a in words {
                for b in words {
                    for text in [a + space + b, space + a, a + space, a + space + b + space + space + a, space] {
                        #expect(ArticleBuilder.collapse(text) == Whitespace.collapse(text), "\(Array(text.unicodeScalars))")
                        if ArticleBuilder.isCollapsed(text) { #expect(Whitespace.collapse(text) == text) }
                    }
                }
            }
        }
    }
}
