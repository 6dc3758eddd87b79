import Feeds
import Foundation
import Testing
import WinnowCore

@Suite struct FeedParserTests {
    func parse(_ xml: String, url: String = "https://example.com/feed.xml", charset: String? = nil) throws -> ParsedFeed {
        try FeedParser.parse(Array(xml.utf8), url: url, charset: charset)
    }

    /// Shaped like a WordPress feed: namespaces, CDATA, content:encoded, dc:creator, tracking links.
    static let wordpressRSS = """
        <?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
            xmlns:content="http://purl.org/rss/1.0/modules/content/"
            xmlns:wfw="http://wellformedweb.org/CommentAPI/"
            xmlns:dc="http://purl.org/dc/elements/1.1/"
            xmlns:atom="http://www.w3.org/2005/Atom"
            xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
            xmlns:slash="http://purl.org/rss/1.0/modules/slash/">
        <channel>
            <title>The Daily Example &#8211; News</title>
            <atom:link href="https://example.com/feed/" rel="self" type="application/rss+xml" />
            <link>https://example.com</link>
            <description>Example news</description>
            <lastBuildDate>Mon, 06 Jan 2025 12:00:00 +0000</lastBuildDate>
            <language>en-US</language>
            <ttl>60</ttl>
            <image><url>https://example.com/logo.png</url><title>Logo title</title><link>https://example.com</link></image>
            <item>
                <title>Council approves the new &lt;b&gt;harbour&lt;/b&gt; bridge &amp; tunnel</title>
                <link>https://example.com/2025/01/06/bridge/?utm_source=rss&#038;utm_medium=rss&#038;id=7#comments</link>
                <comments>https://example.com/2025/01/06/bridge/#respond</comments>
                <dc:creator><![CDATA[Jane Reporter]]></dc:creator>
                <pubDate>Mon, 06 Jan 2025 10:30:00 +0000</pubDate>
                <category><![CDATA[Local]]></category>
                <guid isPermaLink="false">https://example.com/?p=1234</guid>
                <description><![CDATA[<p>The council voted on Monday&#8230;</p>]]></description>
                <content:encoded><![CDATA[<p>The council voted on Monday to approve the bridge.</p>
        <p>Construction starts in <strong>spring</strong>.</p><script>alert(1)</script>]]></content:encoded>
                <slash:comments>4</slash:comments>
            </item>
            <item>
                <title>Second story</title>
                <link>/2025/01/05/second/</link>
                <pubDate>Sun, 5 Jan 2025 9:05:00 EST</pubDate>
                <description>Plain &amp;amp; simple summary.</description>
            </item>
        </channel>
        </rss>
        """

    @Test func parsesARealWorldRSS2Feed() throws {
        let feed = try parse(Self.wordpressRSS)
        #expect(feed.format == .rss)
        #expect(feed.title == "The Daily Example – News")
        #expect(feed.ttlMinutes == 60)
        #expect(feed.entries.count == 2)
        let first = feed.entries[0]
        #expect(first.title == "Council approves the new harbour bridge & tunnel")
        #expect(first.id == "https://example.com/?p=1234")
        #expect(first.link == "https://example.com/2025/01/06/bridge/?utm_source=rss&utm_medium=rss&id=7#comments")
        #expect(FeedText.canonicalLink(first.link!) == "https://example.com/2025/01/06/bridge/?id=7")
        #expect(first.author == "Jane Reporter")
        #expect(first.published == DateParser.make(year: 2025, month: 1, day: 6, hour: 10, minute: 30))
        #expect(first.paragraphs == ["The council voted on Monday to approve the bridge.", "Construction starts in spring."])
        let second = feed.entries[1]
        #expect(second.link == "https://example.com/2025/01/05/second/")
        #expect(second.published == DateParser.make(year: 2025, month: 1, day: 5, hour: 14, minute: 5))
        #expect(second.paragraphs == ["Plain & simple summary."])
        #expect(second.key == "https://example.com/2025/01/05/second/")
    }

    static let atom = """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example.org/">
          <title type="text">Example Blog</title>
          <link rel="alternate" type="text/html" href="https://blog.example.org/"/>
          <link rel="self" href="https://blog.example.org/atom.xml"/>
          <id>tag:blog.example.org,2025:feed</id>
          <updated>2025-01-06T10:00:00Z</updated>
          <entry>
            <title type="html">Tips &amp;amp; tricks</title>
            <link rel="replies" href="/posts/tips#comments"/>
            <link rel="alternate" type="text/html" href="posts/tips"/>
            <id>tag:blog.example.org,2025:tips</id>
            <published>2025-01-06T09:00:00+01:00</published>
            <updated>2025-01-06T10:00:00Z</updated>
            <author><name>Sam Writer</name><email>sam@example.org</email></author>
            <summary>Short summary.</summary>
            <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>First &lt;tip&gt; paragraph.</p><p>Second paragraph.</p></div></content>
          </entry>
          <entry xml:base="https://other.example.net/dir/">
            <title>No alternate</title>
            <link href="page.html"/>
            <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
            <updated>2025-01-05T08:00:00.123-05:00</updated>
            <content type="html">&lt;p&gt;Escaped &lt;em&gt;HTML&lt;/em&gt; content.&lt;/p&gt;</content>
          </entry>
        </feed>
        """

    @Test func parsesAtomWithXMLBase() throws {
        let feed = try parse(Self.atom, url: "https://blog.example.org/atom.xml")
        #expect(feed.format == .atom)
        #expect(feed.title == "Example Blog")
        #expect(feed.entries.count == 2)
        let a = feed.entries[0]
        #expect(a.title == "Tips & tricks")
        #expect(a.link == "https://blog.example.org/posts/tips")
        #expect(a.id == "tag:blog.example.org,2025:tips")
        #expect(a.author == "Sam Writer")
        #expect(a.published == DateParser.make(year: 2025, month: 1, day: 6, hour: 8))
        #expect(a.paragraphs == ["First <tip> paragraph.", "Second paragraph."])
        let b = feed.entries[1]
        #expect(b.link == "https://other.example.net/dir/page.html")
        #expect(b.updated == DateParser.make(year: 2025, month: 1, day: 5, hour: 13))
        #expect(b.paragraphs == ["Escaped HTML content."])
    }

    @Test func parsesRSS1RDF() throws {
        let feed = try parse("""
            <?xml version="1.0"?>
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
                     xmlns:dc="http://purl.org/dc/elements/1.1/">
              <channel rdf:about="http://rdf.example.com/">
                <title>RDF Site</title><link>http://rdf.example.com/</link>
                <items><rdf:Seq><rdf:li resource="http://rdf.example.com/1"/></rdf:Seq></items>
              </channel>
              <item rdf:about="http://rdf.example.com/1">
                <title>First RDF item</title><link>http://rdf.example.com/1</link>
                <description>RDF description text.</description>
                <dc:date>2025-01-04T12:00:00Z</dc:date><dc:creator>R. Author</dc:creator>
              </item>
            </rdf:RDF>
            """)
        #expect(feed.format == .rdf)
        #expect(feed.title == "RDF Site")
        #expect(feed.entries.count == 1)
        #expect(feed.entries[0].id == "http://rdf.example.com/1")
        #expect(feed.entries[0].title == "First RDF item")
        #expect(feed.entries[0].author == "R. Author")
        #expect(feed.entries[0].published == DateParser.make(year: 2025, month: 1, day: 4, hour: 12))
    }

    @Test func parsesRSS091() throws {
        let feed = try parse("""
            <?xml version="1.0" encoding="ISO-8859-1"?>
            <!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
            <rss version="0.91"><channel><title>Old</title><link>http://old.example/</link>
            <item><title>Old item</title><link>http://old.example/1</link><description>Old text.</description></item>
            </channel></rss>
            """)
        #expect(feed.entries.map(\.link) == ["http://old.example/1"])
        #expect(feed.entries[0].key == "http://old.example/1")
    }

    @Test func parsesJSONFeed() throws {
        let feed = try parse("""
            {"version": "https://jsonfeed.org/version/1.1", "title": "JSON Site", "home_page_url": "https://json.example/",
             "items": [
               {"id": "1", "url": "/posts/1?utm_campaign=x", "title": "JSON one", "content_html": "<p>Hello <b>JSON</b>.</p>",
                "date_published": "2025-01-03T10:00:00Z", "authors": [{"name": "J. Son"}]},
               {"id": 2, "external_url": "https://elsewhere.example/2", "content_text": "Plain text.\\n\\nSecond para.",
                "date_modified": "2025-01-02T10:00:00+02:00"}
             ]}
            """, url: "https://json.example/feed.json")
        #expect(feed.format == .json)
        #expect(feed.title == "JSON Site")
        #expect(feed.entries.count == 2)
        #expect(feed.entries[0].link == "https://json.example/posts/1?utm_campaign=x")
        #expect(feed.entries[0].author == "J. Son")
        #expect(feed.entries[0].paragraphs == ["Hello JSON."])
        #expect(feed.entries[1].id == "2")
        #expect(feed.entries[1].paragraphs == ["Plain text.", "Second para."])
        #expect(feed.entries[1].updated == DateParser.make(year: 2025, month: 1, day: 2, hour: 8))
    }

    @Test func decodesISO88591() throws {
        var bytes = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>Caf".utf8)
        bytes += [0xE9] + Array("</title><item><title>Cr".utf8) + [0xE8] + Array("me br".utf8) + [0xFB] + Array("l".utf8) + [0xE9, 0x65]
        bytes += Array("</title><guid>g1</guid><description>Na".utf8) + [0xEF] + Array("ve text</description></item></channel></rss>".utf8)
        let feed = try FeedParser.parse(bytes, url: "http://x.example/feed")
        #expect(feed.title == "Café")
        #expect(feed.entries.first?.title == "Crème brûlée")
        #expect(feed.entries.first?.paragraphs == ["Naïve text"])
    }

    @Test func decodesWindows1252FromTheHTTPCharset() throws {
        var bytes = Array("<rss version=\"2.0\"><channel><title>Quotes</title><item><title>".utf8)
        bytes += [0x93] + Array("Smart".utf8) + [0x94, 0x20, 0x96, 0x20, 0x80, 0x35]
        bytes += Array("</title><guid>q</guid></item></channel></rss>".utf8)
        let feed = try FeedParser.parse(bytes, url: "http://x.example/feed", charset: "windows-1252")
        #expect(feed.entries.first?.title == "\u{201C}Smart\u{201D} \u{2013} €5")
    }

    @Test func invalidBytesStillYieldTheValidEntries() throws {
        var bytes = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>T</title>".utf8)
        bytes += Array("<item><title>Good one</title><guid>1</guid></item>".utf8)
        bytes += Array("<item><title>Bad ".utf8) + [0xFF, 0xC3, 0x28, 0x01] + Array(" bytes</title><guid>2</guid></item>".utf8)
        bytes += Array("<item><title>Good three</title><guid>3</guid></item></channel></rss>".utf8)
        let feed = try FeedParser.parse(bytes, url: "http://x.example/feed")
        #expect(feed.entries.map(\.id) == ["1", "2", "3"])
        #expect(feed.entries[0].title == "Good one")
        #expect(feed.entries[2].title == "Good three")
    }

    @Test func malformedXMLKeepsTheEntriesBeforeTheBreak() throws {
        let xml = """
            <rss version="2.0"><channel><title>Broken</title>
            <item><title>One</title><guid>1</guid><description>First.</description></item>
            <item><title>Two</title><guid>2</guid><description>Second.</description></item>
            <item><title>Three <b>unclosed</title><guid>3</guid></item>
            <item><title>Four & bare ampersand</title><guid>4</guid>
            """
        let feed = try parse(xml)
        #expect(feed.entries.count >= 2)
        #expect(Array(feed.entries.prefix(2).map(\.id)) == ["1", "2"])
        #expect(!feed.warnings.isEmpty)
    }

    @Test func garbageIsAnErrorNotACrash() throws {
        for input in ["", "   ", "<html><body>not a feed</body></html>", "<<<>>>&&&", "{\"not\": \"a feed\"}", "{broken json",
                      "\u{0}\u{1}\u{2}binary", "<rss"] {
            #expect(throws: FeedParseError.self) { try FeedParser.parse(Array(input.utf8), url: "http://x.example/") }
        }
        // Random bytes never crash.
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let bytes = (0..<Int.random(in: 0..<400, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = try? FeedParser.parse(Array("<rss><channel><item><title>".utf8) + bytes, url: "http://x.example/")
        }
    }

    @Test func externalEntitiesAreNeverRead() throws {
        let passwd = (try? String(contentsOfFile: "/etc/passwd", encoding: .utf8)) ?? "root:x:0:0"
        let marker = String(passwd.prefix(while: { $0 != "\n" }))
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [
              <!ENTITY x SYSTEM "file:///etc/passwd">
              <!ENTITY % p SYSTEM "file:///etc/passwd">
            ]>
            <rss version="2.0"><channel><title>XXE &x;</title>
            <item><title>Leak &x;</title><guid>1</guid><description>Body &x; here</description></item>
            </channel></rss>
            """
        let result = try? parse(xml)
        let everything = [result?.title ?? ""] + (result?.entries ?? []).flatMap { [$0.title ?? "", $0.summary ?? "", $0.content ?? ""] }
        for text in everything {
            #expect(!text.contains(marker))
            #expect(!text.contains("root:"))
        }
    }

    @Test func billionLaughsIsBounded() throws {
        var xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n"
        xml += "<!ENTITY lol1 \"" + String(repeating: "&lol;", count: 10) + "\">\n"
        for i in 2...9 { xml += "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i - 1);", count: 10) + "\">\n" }
        xml += "]>\n<rss version=\"2.0\"><channel><title>&lol9;</title><item><title>&lol9;</title><guid>1</guid>"
        xml += "<description>&lol9;</description></item><item><title>Fine</title><guid>2</guid></item></channel></rss>"
        let result = try? parse(xml)
        for entry in result?.entries ?? [] {
            #expect((entry.title?.count ?? 0) < 10_000)
            #expect((entry.summary?.count ?? 0) < 10_000)
        }
        #expect((result?.title?.count ?? 0) < 10_000)
    }

    @Test func canonicalLinksDropTrackingAndFragments() {
        #expect(FeedText.canonicalLink("HTTPS://Example.COM/a?utm_source=x&b=1&fbclid=2&gclid=3#frag") == "https://example.com/a?b=1")
        #expect(FeedText.canonicalLink("http://example.com?utm_medium=rss") == "http://example.com/")
        #expect(FeedText.canonicalLink("javascript:alert(1)") == nil)
        #expect(FeedText.canonicalLink("file:///etc/passwd") == nil)
    }

    @Test func feedDatesInTheWild() {
        let cases: [(String, Date?)] = [
            ("Mon, 06 Jan 2025 10:30:00 +0000", DateParser.make(year: 2025, month: 1, day: 6, hour: 10, minute: 30)),
            ("Mon, 6 Jan 2025 10:30:00 GMT", DateParser.make(year: 2025, month: 1, day: 6, hour: 10, minute: 30)),
            ("6 Jan 2025 10:30 PST", DateParser.make(year: 2025, month: 1, day: 6, hour: 18, minute: 30)),
            ("Tue, 06 Jan 2025 10:30:00 +0100", DateParser.make(year: 2025, month: 1, day: 6, hour: 9, minute: 30)),  // wrong weekday
            ("2025-01-06T10:30:00Z", DateParser.make(year: 2025, month: 1, day: 6, hour: 10, minute: 30)),
            ("2025-01-06T10:30:00.5+02:00", DateParser.make(year: 2025, month: 1, day: 6, hour: 8, minute: 30)),
        ]
        for (text, expected) in cases { #expect(DateParser.parse(text) == expected, "\(text)") }
    }

    @Test func opmlRoundTrip() throws {
        let opml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <opml version="1.0"><head><title>Subs</title></head><body>
              <outline text="Folder">
                <outline type="rss" text="One &amp; Only" xmlUrl="https://one.example/feed"/>
                <outline type="rss" title="Two" xmlUrl="http://two.example/rss.xml"/>
                <outline type="rss" title="Bad" xmlUrl="file:///etc/passwd"/>
              </outline>
            </body></opml>
            """
        let outlines = try OPML.parse(Array(opml.utf8))
        #expect(outlines == [OPML.Outline(url: "https://one.example/feed", title: "One & Only", category: "Folder"),
                             OPML.Outline(url: "http://two.example/rss.xml", title: "Two", category: "Folder")])
        let again = try OPML.parse(Array(OPML.export(outlines).utf8))
        #expect(again == outlines)
        #expect(throws: FeedParseError.self) { try OPML.parse(Array("<html/>".utf8)) }
    }
}
