import Foundation
import WinnowCore

/// JSON Feed 1.0 / 1.1.
enum JSONFeedParser {
    static func parse(_ bytes: [UInt8], url: String) throws(FeedParseError) -> ParsedFeed {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(bytes)) } catch {
            throw FeedParseError("malformed JSON")
        }
        guard let root = object as? [String: Any] else { throw FeedParseError("not a JSON Feed (not an object)") }
        guard let version = root["version"] as? String, version.contains("jsonfeed.org/version/") else {
            throw FeedParseError("not a JSON Feed (no jsonfeed.org version)")
        }
        var feed = ParsedFeed(format: .json)
        feed.title = (root["title"] as? String).map { FeedText.plainLine($0) }
        feed.link = root["home_page_url"] as? String
        let base = (root["feed_url"] as? String) ?? url
        func authorName(_ any: Any?) -> String? { (any as? [String: Any])?["name"] as? String }
        let items: [Any]
        if let list = root["items"] as? [Any] { items = list } else {
            items = []
            let what = root["items"] == nil ? "has no items" : "has items that are not an array"
            feed.warnings.append("JSON Feed \(what); 0 entries")
        }
        for case let item as [String: Any] in items {
            var e = FeedEntry()
            if let id = item["id"] as? String { e.id = id } else if let id = item["id"] as? NSNumber { e.id = id.stringValue }
            if let link = (item["url"] as? String) ?? (item["external_url"] as? String) {
                e.link = FeedText.resolve(link, against: base)
            }
            e.title = (item["title"] as? String).map { FeedText.plainLine($0) }
            e.published = (item["date_published"] as? String).flatMap(DateParser.parse)
            e.updated = (item["date_modified"] as? String).flatMap(DateParser.parse)
            e.author = authorName(item["author"]) ?? ((item["authors"] as? [Any])?.first).flatMap(authorName)
            if let html = item["content_html"] as? String { e.content = html } else if let text = item["content_text"] as? String {
                e.content = FeedText.htmlFromPlainText(text)
            }
            e.summary = (item["summary"] as? String).map(FeedText.htmlFromPlainText)
            feed.entries.append(e)
        }
        return feed
    }
}
