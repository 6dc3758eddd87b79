import Archive
import Feeds
import Foundation
import Testing
import WinnowCore

/// Class 4: every language's text served with no declaration, with a wrong declaration and
/// with an HTTP charset that disagrees with the declaration, plus UTF-16/32 without BOMs.
@Suite struct FeedEncodingTests {
    static let languages: [(code: String, title: String, sentence: String)] = [
        ("ru", "Новости дня", "правительство объявило о новых мерах поддержки экономики и малого бизнеса в регионах страны."),
        ("ja", "今日のニュース", "政府は地域の経済と中小企業を支援する新しい措置を発表しました。東京の天気は晴れです。"),
        ("ko", "오늘의 뉴스", "정부는 지역 경제와 중소기업을 지원하기 위한 새로운 조치를 발표했습니다. 서울의 날씨는 맑습니다."),
        ("zh", "今日新闻", "政府宣布了支持地区经济和中小企业的新措施。北京的天气晴朗，气温适中，市民外出活动增多。"),
        ("fr", "Les élèves ont céléb", "Les élèves ont célébré la fête de l’école avec des crêpes, du café et des gâteaux à la crème brûlée."),
    ]

    @Test(arguments: ["nodecl", "wrongdecl", "header"])
    func everyLanguageIsReadRight(_ variant: String) throws {
        let server = try FeedFixtureServer()
        for language in Self.languages {
            let name = "c4-\(language.code)-\(variant).xml"
            let feed = try server.parse(fixture: name)
            #expect(feed.entries.first?.title == language.title, "\(name)")
            #expect(feed.entries.first?.paragraphs.first?.contains(language.sentence) == true, "\(name): \(feed.encoding ?? "")")
            let body = feed.entries.first?.paragraphs.first ?? ""
            #expect(!body.unicodeScalars.contains("\u{FFFD}"), "\(name)")
        }
    }

    @Test(arguments: ["c4-utf16-nobom.xml", "c4-utf32-bom.xml", "c4-utf32-nobom.xml"])
    func wideEncodingsAreRead(_ name: String) throws {
        let feed = try FeedFixtureServer().parse(fixture: name)
        #expect(feed.entries.first?.paragraphs.first?.hasPrefix("Новости дня: правительство") == true, "\(name)")
    }

    @Test func theHTTPCharsetBeatsTheDeclaration() throws {
        // Declared windows-1251, served as KOI8-R, really KOI8-R: RFC 7303 follows the header.
        let feed = try FeedFixtureServer().parse(fixture: "c4-koi8-header.xml")
        #expect(feed.entries.first?.title == "Привет мир")
    }

    @Test func anUnknownDeclaredEncodingIsReadAsWhatTheBytesLookLike() throws {
        let xml = "<?xml version=\"1.0\" encoding=\"nonsense-9\"?><rss><channel><item><title>Crème brûlée</title></item></channel></rss>"
        let feed = try FeedParser.parse(Array(xml.utf8), url: "http://x.example/")
        #expect(feed.entries.first?.title == "Crème brûlée")
        #expect(feed.encoding == "UTF-8 (detected)")
    }

    @Test func misdecodedTextIsRepaired() throws {
        // UTF-8 read as Latin-1 upstream, and a C1 control for windows-1252's apostrophe.
        let xml = "<rss><channel><item><title>Caf\u{C3}\u{A9} \u{E2}\u{80}\u{A6}</title><description>don&#146;t</description></item></channel></rss>"
        let feed = try FeedParser.parse(Array(xml.utf8), url: "http://x.example/")
        #expect(feed.entries.first?.title == "Café …")
        #expect(feed.entries.first?.paragraphs == ["don\u{2019}t"])
    }
}

@Suite struct FeedStatusTests {
    @Test func aFeedFailingForDaysIsFlaggedButStillPolled() {
        let now = Date(timeIntervalSince1970: 2_000_000_000)
        var record = FeedRecord(url: "http://x.example/feed")
        record.lastFetch = now
        record.errorCount = 6
        record.lastSuccess = now.addingTimeInterval(-4 * 86_400)
        record.nextDue = now.addingTimeInterval(86_400)
        #expect(FeedStatus(source: nil, record: record, now: now).longFailing)
        #expect(FeedStatus(source: nil, record: record, now: now).state == .failing)
        record.lastSuccess = now.addingTimeInterval(-3_600)
        #expect(!FeedStatus(source: nil, record: record, now: now).longFailing)
        record.lastSuccess = nil
        record.errorCount = 2
        #expect(!FeedStatus(source: nil, record: record, now: now).longFailing)
    }
}
