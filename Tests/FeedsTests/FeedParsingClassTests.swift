import Feeds
import Foundation
import Testing
import WinnowCore

/// One test per class of disagreement with feedparser (issue 15), each on its own fixture
/// from Fixtures/corpus served over loopback HTTP with its headers.
@Suite struct FeedParsingClassTests {
    func date(_ y: Int, _ m: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0, _ s: Int = 0) -> Date? {
        DateParser.make(year: y, month: m, day: d, hour: h, minute: mi, second: s)
    }

    // MARK: 1. Core elements win

    @Test func coreElementsWinOverNamespacedOnes() throws {
        let feed = try FeedFixtureServer().parse(fixture: "c1-namespaced-title.xml")
        #expect(feed.entries.map(\.title) == ["Core title one", "Core title two", "Core title three", "Only itunes title"])
        #expect(feed.entries.map { $0.paragraphs.first } == ["Core description one.", "Core description two.",
                                                              "Core description three.", "Only itunes summary."])
    }

    // MARK: 2. Links

    @Test func linksFromAtomIdsAtom03TextRSSHrefAndContentLocation() throws {
        let server = try FeedFixtureServer()
        let ids = try server.parse(fixture: "c2-atom-id-link.xml")
        #expect(ids.entries.map(\.link) == ["http://ids.example/posts/1", "http://ids.example/real/2",
                                            server.server.baseURL + "/relative/3", nil])
        #expect(try server.parse(fixture: "c2-atom03-link-text.xml").entries.first?.link == "http://old.example/text-link")
        #expect(try server.parse(fixture: "c2-rss-link-href.xml").entries.first?.link == "http://href.example/post/1")
        let moved = try server.parse(fixture: "c2-content-location.xml")
        #expect(moved.entries.first?.link == "http://moved.example/blog/posts/1.html")
        #expect(moved.link == "http://moved.example/")
    }

    // MARK: 3. Bodies and Atom 0.3 content types

    @Test func fallbackBodiesAndPlainTextThatLooksLikeMarkup() throws {
        let feed = try FeedFixtureServer().parse(fixture: "c3-bodies.xml")
        #expect(feed.entries.map { $0.paragraphs.first } == ["Xhtml body text.", "Full item text.", "Itunes summary text.",
                                                              "Media group description.", "Five.", "Six."])
        #expect(feed.entries[4].title == "<!-- not a comment --> starts the title")
        #expect(feed.entries[5].title == "Use the <title> element")
    }

    @Test func atom03Base64AndMIMETypes() throws {
        let feed = try FeedFixtureServer().parse(fixture: "c3-atom03-types.xml")
        #expect(feed.entries.map(\.title) == ["Decoded base64 title", "The <blink> tag is back", "Xhtml title"])
        #expect(feed.entries.map(\.paragraphs) == [["Decoded base64 body."], ["Escaped html."], ["Inline xhtml."]])
        #expect(feed.entries[0].key == "tag:t,1")
    }

    // MARK: 5. Dates

    @Test func feedDatesOfEveryClass() throws {
        let feed = try FeedFixtureServer().parse(fixture: "c5-dates.xml")
        #expect(feed.entries.map(\.published) == [
            date(2004, 1, 1, 19, 48, 21), date(2025, 1, 6, 15), date(2025, 7, 7, 17), date(2025, 1, 6, 11, 1),
            date(2003, 1, 1), date(2003, 12, 1), date(2025, 1, 6, 10), nil,
        ])
    }

    @Test func publishedBeatsIssuedWhateverTheOrder() throws {
        let xml = """
            <feed xmlns="http://purl.org/atom/ns#" version="0.3"><title>t</title>
            <entry><title>a</title><id>x</id><issued>2004-01-01T00:00:00Z</issued><published>2004-02-02T00:00:00Z</published></entry>
            </feed>
            """
        let feed = try FeedParser.parse(Array(xml.utf8), url: "http://x.example/")
        #expect(feed.entries.first?.published == date(2004, 2, 2))
    }

    // MARK: 6. Salvage

    @Test func undefinedEntitiesAndUnterminatedCDATAKeepTheEntries() throws {
        let server = try FeedFixtureServer()
        let entities = try server.parse(fixture: "c6-undefined-entity.xml")
        #expect(entities.entries.map(\.title) == ["Crêpes & more", "Second"])
        #expect(entities.entries.first?.paragraphs == ["The château is open."])
        #expect(entities.warnings.contains { $0.contains("&acirc;") })
        let cdata = try server.parse(fixture: "c6-unterminated-cdata.xml")
        #expect(cdata.entries.map(\.title) == ["First", "Second"])
        #expect(cdata.entries.map(\.paragraphs) == [["Unterminated body."], ["Fine body."]])
        let toEnd = try server.parse(fixture: "c6-cdata-to-end.xml")
        #expect(toEnd.entries.map(\.title) == ["First", "Second", "Third"])
        #expect(toEnd.entries[1].paragraphs == ["Never closed."])
    }

    @Test func itemsInsideAtomAndJSONItemsThatAreNotAList() throws {
        let server = try FeedFixtureServer()
        let mixed = try server.parse(fixture: "c6-items-in-atom.xml")
        #expect(mixed.entries.map(\.title) == ["Item in atom"])
        #expect(mixed.entries.first?.link == "http://mixed.example/1")
        let json = try server.parse(fixture: "c6-json-items-object.json")
        #expect(json.entries.isEmpty)
        #expect(json.warnings == ["JSON Feed has items that are not an array; 0 entries"])
    }
}
