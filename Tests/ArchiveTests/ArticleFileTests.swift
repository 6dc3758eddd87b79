import Foundation
import Testing
@testable import Archive
import WinnowCore

@Suite struct ArticleFileTests {
    /// What `render` writes, `parse` reads back: fields with quotes, escapes and other
    /// scripts, paragraphs with markers of the format inside them.
    @Test func roundTrips() throws {
        let article = Article(
            id: "0123456789abcdef", title: "Квартал: \"рост\" — 5 % \\ 朝鲜", url: "https://example.com/a?b=1&c=2",
            source: "Example: News", published: Date(timeIntervalSince1970: 1_700_000_000), ingested: Date(timeIntervalSince1970: 1_700_003_600),
            author: "Ann O'Neil", language: "ru", origin: "inbox/a.html", inputHash: "feedface",
            paragraphs: ["First line\nsecond line of one paragraph.", "# Not a heading once inside", "---", "Ünïcödé café\u{2028}", "Last."])
        let parsed = try ArticleFile.parse(ArticleFile.render(article))
        #expect(parsed.id == article.id && parsed.title == article.title && parsed.url == article.url)
        #expect(parsed.source == article.source && parsed.author == article.author && parsed.language == article.language)
        #expect(parsed.published == article.published && parsed.ingested == article.ingested)
        #expect(parsed.origin == article.origin && parsed.inputHash == article.inputHash)
        #expect(parsed.paragraphs == ["First line\nsecond line of one paragraph.", "# Not a heading once inside", "---", "Ünïcödé café", "Last."])
    }

    @Test(arguments: [
        ("no front matter", "# Title\n\nBody\n"),
        ("front matter is not closed", "---\nid: \"x\"\n\nBody\n"),
        ("front matter has no id", "---\ntitle: \"T\"\n---\n\n# T\n\nBody\n"),
        ("front matter has no valid ingested date", "---\nid: \"x\"\ningested: \"soon\"\n---\n\n# T\n\nBody\n"),
    ])
    func refuses(_ reason: String, _ text: String) {
        #expect(throws: InputError(reason)) { try ArticleFile.parse(text) }
    }

    @Test func titleOnlyHasNoParagraphs() throws {
        let parsed = try ArticleFile.parse("---\nid: \"x\"\ningested: \"2025-01-06T00:00:00Z\"\n---\n\n# Only a title")
        #expect(parsed.paragraphs.isEmpty)
    }
}

@Suite struct AtomEscapeTests {
    /// The byte-level escape agrees with escaping scalar by scalar.
    @Test func agreesWithScalarEscape() {
        func reference(_ text: String) -> String {
            var out = ""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
                default:
                    if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                    out.unicodeScalars.append(scalar)
                }
            }
            return out
        }
        var samples = ["", "plain text", "<p>a & b</p>", "\"quoted\" 'single'", "tab\tnew\nline\rcr", "\u{1}\u{8}\u{1F}bell",
                       "\u{FFFE}\u{FFFF}\u{FEFF}\u{FFFD}", "ｆｕｌｌ ＆ width", "emoji 🎉 & <b>", "Ελλάδα > Κύπρος"]
        samples.append(String((0..<0x80).map { Character(Unicode.Scalar(UInt8($0))) }))
        for text in samples { #expect(AtomFeed.escape(text) == reference(text), "\(text.debugDescription)") }
    }
}
