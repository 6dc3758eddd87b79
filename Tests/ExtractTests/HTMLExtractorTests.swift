import Foundation
import Testing
import WinnowCore
@testable import Extract

/// Fixture-driven behaviour of the HTML extractor: one small page per case.
@Suite struct HTMLExtractorTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/html")

    func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: Self.fixtures.appendingPathComponent(name)))
    }

    func extract(_ name: String, url: String? = nil, charset: String? = nil) throws -> ExtractedDocument {
        HTMLExtractor.extract(try fixture(name), url: url, charset: charset)
    }

    @Test func dropsCommentSection() throws {
        let doc = try extract("comment-section.html")
        #expect(doc.text.contains("highest level in twelve years"))
        #expect(doc.text.contains("sandbags were handed out"))
        #expect(!doc.text.contains("forty years"))
        #expect(!doc.text.contains("cleared the drains"))
        #expect(!doc.text.contains("All rights reserved"))
        #expect(!doc.text.contains("Home"))
        #expect(doc.title == "River levels rise across the valley")
        // The title is metadata, not a body paragraph.
        #expect(doc.paragraphs.first?.hasPrefix("Heavy rain") == true)
    }

    @Test func dropsRelatedBlocks() throws {
        let doc = try extract("related-block.html")
        #expect(doc.paragraphs.count == 3)
        #expect(doc.text.contains("guide to mushrooms"))
        #expect(!doc.text.contains("Related articles"))
        #expect(!doc.text.contains("bus lanes"))
        #expect(!doc.text.contains("four lanes by spring"))
        #expect(!doc.text.contains("Market hall"))
    }

    @Test func dropsSponsorBlock() throws {
        let doc = try extract("sponsor-block.html")
        #expect(doc.paragraphs.count == 3)
        #expect(doc.text.contains("a third less water"))
        #expect(doc.text.contains("three more seasons"))
        #expect(!doc.text.contains("tractor"))
    }

    @Test func dropsCookieBanner() throws {
        let doc = try extract("cookie-banner.html")
        #expect(doc.text.contains("every eight minutes"))
        #expect(!doc.text.contains("cookies"))
        #expect(!doc.text.contains("Accept all"))
    }

    @Test func fallsBackToJSONLDArticleBody() throws {
        let doc = try extract("jsonld-only.html")
        #expect(doc.paragraphs == [
            "The lighthouse on the northern cape has been restored after last winter's storm tore away part of its gallery.",
            "Volunteers raised most of the money for the repairs through a series of concerts in the harbour church.",
        ])
        #expect(doc.title == "Lighthouse restored after storm damage")
        #expect(doc.author == "Mara Olsen")
        #expect(doc.site == "Coast Herald")
        #expect(doc.published == DateParser.parse("2023-03-14T08:30:00Z"))
    }

    @Test func keepsBodyWithoutAnyContainer() throws {
        let doc = try extract("no-container.html")
        #expect(doc.text.contains("lives in the back of the fridge"))
        #expect(doc.text.contains("long cold rise overnight"))
        #expect(doc.text.contains("sounds hollow"))
        #expect(!doc.text.contains("older posts"))
        #expect(!doc.text.contains("recipes"))
        // No lang attribute anywhere: the stopword guess.
        #expect(doc.language == "en")
    }

    @Test func decodesDeclaredLatin1AsWindows1252() throws {
        let doc = try extract("windows-1252.html")
        #expect(doc.title == "Café culture in the old town")
        #expect(doc.text.contains("The cafés along the river"))
        #expect(doc.text.contains("naïve optimism of spring is everywhere – even"))
        #expect(doc.text.contains("crème fraîche"))
    }

    @Test func decodesUndeclaredLatin1() throws {
        let doc = try extract("latin1-undeclared.html")
        #expect(doc.text.contains("Das Straßenfest in der Altstadt"))
        #expect(doc.text.contains("Nächstes Jahr"))
        #expect(doc.title == "Straßenfest")
        #expect(doc.language == "de")
    }

    @Test func httpCharsetIsUsedForNonUTF8Bytes() {
        // ISO-8859-2 bytes, no declaration in the page: the HTTP header decides.
        let latin2: [UInt8] = Array("<html><body><p>Wroc".utf8) + [0xB3] + Array("aw le".utf8) + [0xBF]
            + Array("y nad Odr".utf8) + [0xB1] + Array(", m".utf8) + [0xF3] + Array("wi".utf8) + [0xB1]
            + Array(" jego mieszka".utf8) + [0xF1] + Array("cy, i jest pi".utf8) + [0xEA]
            + Array("kny o ka".utf8) + [0xBF] + Array("dej porze roku.</p></body></html>".utf8)
        let doc = HTMLExtractor.extract(latin2, url: nil, charset: "ISO-8859-2")
        #expect(doc.text.hasPrefix("Wrocław leży nad Odrą, mówią jego mieszkańcy, i jest piękny"))
    }

    @Test func repairsStrayLatin1BytesInUTF8Page() {
        // UTF-8 page (declared) with one Windows-1252 byte pasted in: the UTF-8 letters must survive.
        let bytes = Array("<html><head><meta charset=\"utf-8\"></head><body><p>Grüße aus Köln, wo das Wetter schön ist und das Caf".utf8)
            + [0xE9] + Array(" am Dom seit Montag wieder geöffnet hat, wie die Wirtin erzählt.</p></body></html>".utf8)
        let doc = HTMLExtractor.extract(bytes, url: nil, charset: nil)
        #expect(doc.text.hasPrefix("Grüße aus Köln, wo das Wetter schön ist und das Café am Dom"))
    }

    @Test func extractsMetadata() throws {
        let doc = try extract("metadata.html")
        #expect(doc.title == "Harbour bridge to close for repairs")
        #expect(doc.site == "The Northern Post")
        #expect(doc.author == "Jane Whitfield")
        #expect(doc.language == "en")
        #expect(doc.url == "https://northernpost.example/news/2024/05/02/harbour-bridge")
        #expect(doc.published == DateParser.parse("2024-05-02T07:15:00Z"))
        #expect(doc.paragraphs.count == 2)
        #expect(!doc.text.contains("By Jane Whitfield"))
        #expect(!doc.text.contains("2 May 2024"))
    }

    @Test func titleSuffixAndURLDate() {
        let html = """
            <html><head><title>Snow closes mountain pass | Alpine Daily</title></head><body><div>
            <p>The pass road was closed on Tuesday night after half a metre of fresh snow fell in a few hours, stranding a dozen lorries.</p>
            </div></body></html>
            """
        let doc = HTMLExtractor.extract(Array(html.utf8), url: "https://alpine.example/2021/01/19/snow-pass", charset: nil)
        #expect(doc.title == "Snow closes mountain pass")
        #expect(doc.published == DateParser.parse("2021-01-19"))
        #expect(doc.paragraphs.count == 1)
    }
}

@Suite struct UnicodeFormTests {
    @Test func extractedTextIsNFC() throws {
        // "য়" written as one precomposed code point (which NFC decomposes) and "é" as e + combining acute.
        let html = "<html><body><article><p>\u{09DF} and caf\u{0065}\u{0301} appear in a paragraph long enough to be kept as the body of this page.</p></article></body></html>"
        let doc = try Extractor.extract(Array(html.utf8), kind: .html)
        let text = doc.paragraphs.joined()
        #expect(text.unicodeScalars.contains("\u{09BC}"))
        #expect(text.unicodeScalars.contains("\u{00E9}"))
        #expect(!text.unicodeScalars.contains("\u{0301}"))
    }
}

/// Issue 13: failure classes seen on unseen pages, one small page each.
@Suite struct HTMLExtractorGeneralisationTests {
    func extract(_ name: String) throws -> ExtractedDocument {
        let bytes = Array(try Data(contentsOf: HTMLExtractorTests.fixtures.appendingPathComponent(name)))
        return HTMLExtractor.extract(bytes, url: nil, charset: nil)
    }


    @Test func noscriptMarkupNeverComesOutAsText() throws {
        let doc = try extract("noscript-markup.html")
        #expect(doc.paragraphs.count == 3)
        #expect(doc.text.contains("thirty-nine euros"))
        #expect(!doc.text.contains("<img"))
        #expect(!doc.text.contains("<iframe"))
        #expect(!doc.text.contains("display:none"))
    }

    @Test func teaserStoriesAfterTheArticleEndIt() throws {
        let doc = try extract("teaser-stories.html")
        #expect(doc.text.contains("used least"))
        #expect(!doc.text.contains("bread prize"))
        #expect(!doc.text.contains("evening buses"))
        #expect(!doc.text.contains("river path"))
        #expect(!doc.text.contains("More from the town desk"))
    }

    @Test func siteFooterProseAfterAShortArticleGoes() throws {
        let doc = try extract("footer-prose.html")
        #expect(doc.paragraphs.count == 2)
        #expect(doc.text.contains("twice as many as the museum had expected"))
        #expect(!doc.text.contains("Customer Service"))
        #expect(!doc.text.contains("newsletter"))
        #expect(!doc.text.contains("All rights reserved"))
    }

    @Test func linkedItemsOfAPlainListStay() throws {
        let doc = try extract("linked-products.html")
        #expect(doc.paragraphs.contains("Quick baking powder"))
        #expect(doc.paragraphs.contains("Fine wheat flour (300 g)"))
        #expect(doc.paragraphs.contains("4 eggs"))
        #expect(doc.text.contains("let it cool in the tin"))
        #expect(!doc.text.contains("Recipes"))
    }

    @Test func contentTableKeptAsRows() throws {
        let doc = try extract("results-table.html")
        #expect(doc.paragraphs.contains("Team Won Lost Points"))
        #expect(doc.paragraphs.contains("Harbour Knights 7 2 14"))
        #expect(doc.paragraphs.contains("Mill Street Rooks 7 2 14"))
        #expect(doc.paragraphs.contains("Quarry Lane Bishops 2 7 4"))
        #expect(doc.text.contains("northern villages"))
        #expect(!doc.text.contains("All rights reserved"))
    }

    @Test func titleFromDeclaredMetadataNotTheBlogName() throws {
        let doc = try extract("metadata-titles.html")
        #expect(doc.title == "Counting swifts over the old town")
        #expect(doc.author == "Mara Lind")
        #expect(doc.text.contains("three hundred birds"))
    }

    @Test func headingAnchorIdsAreNoBoilerplateHints() throws {
        let doc = try extract("heading-anchors.html")
        #expect(doc.text.contains("The simplest case is one developer with two clones"))
        #expect(doc.text.contains("pulled on the server before every test run"))
    }

    @Test func dublinCoreTitleAndSpaceSeparatedProperties() {
        let page = """
            <html><head><title>Title Element</title>
            <meta property="x:title dc:title" content="Ferry timetable for the winter">
            <meta property="og:title" content="Open Graph title"></head>
            <body><article><p>The winter timetable of the island ferry starts on the first Sunday of November, with four crossings a day instead of seven.</p>
            <p>The first ferry leaves the mainland at seven, the last one returns from the island at half past six in the evening.</p></article></body></html>
            """
        let doc = HTMLExtractor.extract(Array(page.utf8), url: nil, charset: "utf-8")
        #expect(doc.title == "Ferry timetable for the winter")
    }
}

/// Issue 13: section headings, list items, bylines and JSON-LD across sites.
@Suite struct HTMLSectionsAndMetadataTests {
    func extract(_ name: String) throws -> ExtractedDocument {
        HTMLExtractor.extract(Array(try Data(contentsOf: HTMLExtractorTests.fixtures.appendingPathComponent(name))), url: nil, charset: nil)
    }

    @Test func sectionHeadingsFoldCaseBeyondASCIIAndDropCounts() throws {
        let doc = try extract("section-heading-case.html")
        #expect(doc.text.contains("dreitausend Menschen"))
        #expect(!doc.text.contains("Ähnliche Beiträge"))
        #expect(!doc.text.contains("Marktplatzes"))
        #expect(!doc.text.contains("Kommentare"))
        #expect(!doc.text.contains("mit dem Fahrrad"))
        #expect(BlockFilter.normalized("Über den Autor") == "über den autor")
        #expect(BlockFilter.uncounted("12 comments") == "comments")
        #expect(BlockFilter.uncounted("2024") == "2024")
    }

    @Test func keepsShortListItemsBeforeADroppedLinkLine() throws {
        let doc = try extract("ingredient-list.html")
        for item in ["250 g red lentils", "1 medium onion, chopped", "2 tablespoons olive oil", "1 litre vegetable stock"] {
            #expect(doc.paragraphs.contains(item))
        }
        #expect(!doc.text.contains("basket"))
        #expect(doc.text.contains("juice of a lemon"))
    }

    @Test func bylineFromClassAndJSONLDInsideCDATA() throws {
        let doc = try extract("byline-class.html")
        #expect(doc.author == "Ines Moreau")
        #expect(doc.published == DateParser.parse("2022-06-03T09:45:00Z"))
        #expect(!doc.text.contains("Ines Moreau"))
        #expect(MetadataResolver.bylineName("Joe Wee Monday, February 29, 2016") == nil)
        #expect(MetadataResolver.bylineName("by Stella Kim, Jennifer Jett") == "Stella Kim, Jennifer Jett")
        #expect(JSONLDInfo.unwrapped("  //<![CDATA[\n{\"a\": 1}\n//]]>  ") == "\n{\"a\": 1}\n")
    }

    @Test func socialMediaPostingDatesAndOpenGraphArticleAuthor() throws {
        let doc = try extract("social-posting.html")
        #expect(doc.published == DateParser.parse("2014-09-02T12:35:27Z"))
        #expect(doc.author == "The Launcher Team")
    }
}

extension HTMLSectionsAndMetadataTests {
    @Test func pageWithoutAnArticleStillYieldsItsHeadings() throws {
        let doc = try extract("headings-only.html")
        #expect(doc.paragraphs == ["First set of pictures", "Second set of pictures"])
    }

    @Test func longTickerInASidebarStaysOut() throws {
        let doc = try extract("sidebar-ticker.html")
        #expect(doc.text.contains("valley hospital"))
        #expect(!doc.text.contains("Ticker item"))
    }
}

extension HTMLSectionsAndMetadataTests {
    @Test func linkedSectionHeadingsOverTheirSectionsStay() throws {
        let doc = try extract("linked-section-headings.html")
        #expect(doc.paragraphs.contains("Installing on Linux"))
        #expect(doc.paragraphs.contains("Installing on macOS"))
        #expect(!doc.text.contains("Jobs at the company"))
    }
}

extension HTMLExtractorGeneralisationTests {
    /// A formula is part of its sentence: MathML is read (Readability keeps it), its TeX
    /// annotation is not shown, and a hidden copy (Wikipedia's accessibility MathML) stays out.
    @Test func mathFormulasStayInTheirSentences() throws {
        let doc = try extract("math-formulas.html")
        #expect(doc.text.contains("When a≠0, the equation"))
        #expect(doc.text.contains("x2+bx+c=0 has two solutions"))
        #expect(!doc.text.contains("ax^2"))
        #expect(!doc.text.contains("hiddencopy"))
    }
}

/// A site's notices about an article, wherever they stand, are not the article: affiliate
/// and advertiser disclosures (how the site earns money), opinion disclaimers (whose views
/// the text is), blog engines' post footers (where and when a post was filed), and appeals
/// to the reader after it (rate it, follow us, sign up by e-mail, log in to comment, get the
/// app), in several languages. Each fixture has three paragraphs of article.
struct SiteNotice: Sendable, CustomTestStringConvertible {
    var fixture: String
    var dropped: [String]
    var kept: [String]
    var testDescription: String { fixture }

    static let all = [
        SiteNotice(fixture: "affiliate-disclosure.html", dropped: ["compensation", "advertisers"], kept: ["twenty times"]),
        SiteNotice(fixture: "opinion-disclaimer.html", dropped: ["Redaktion", "n'engagent"],
                   kept: ["weniger als ein Parkplatz", "fünfzig neue Bänke"]),
        SiteNotice(fixture: "post-meta-footer.html", dropped: ["permalink", "abgelegt"], kept: ["peated ones last"]),
        SiteNotice(fixture: "reader-appeals.html", dropped: ["Valora", "Telegram", "E-Mail-Adresse", "comentar", "Android"],
                   kept: ["cuarenta puestos", "miles de visitantes"]),
    ]
}

extension HTMLExtractorGeneralisationTests {
    @Test(arguments: SiteNotice.all) func siteNoticesAreNotTheArticle(_ notice: SiteNotice) throws {
        let doc = try extract(notice.fixture)
        for phrase in notice.dropped { #expect(!doc.text.contains(phrase), "\(phrase) kept") }
        for phrase in notice.kept { #expect(doc.text.contains(phrase), "\(phrase) lost") }
        #expect(doc.paragraphs.count == 3)
    }
}
