import Foundation
import WinnowCore

/// An Atom 1.0 document of stored articles (`<archive>/feed.atom`, `winnow export atom`).
public enum AtomFeed {
    /// One entry: the article as stored and the other copies that carried its story.
    public struct Entry: Sendable {
        public var article: Article
        public var related: [DuplicateRecord]
        public init(article: Article, related: [DuplicateRecord]) {
            self.article = article
            self.related = related
        }
    }

    /// The feed's text. `id` names the feed for ever (a URN made from the archive folder);
    /// `updated` is the newest entry's ingest time, or `now` for an empty feed.
    public static func render(_ entries: [Entry], id: String, title: String = "Winnow archive", now: Date = Date()) -> String {
        let updated = entries.map(\.article.ingested).max() ?? now
        var out = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
              <id>\(escape(id))</id>
              <title>\(escape(title))</title>
              <updated>\(updated.rfc3339)</updated>
              <author><name>Winnow</name></author>
              <generator version="\(WinnowVersion.string)">Winnow</generator>

            """
        for entry in entries { out += render(entry) }
        out += "</feed>\n"
        return out
    }

    static func render(_ entry: Entry) -> String {
        let a = entry.article
        var out = "  <entry>\n"
        out += "    <id>urn:winnow:article:\(escape(a.id))</id>\n"
        out += "    <title type=\"text\">\(escape(a.title))</title>\n"
        if let url = a.url { out += "    <link rel=\"alternate\" type=\"text/html\" href=\"\(escape(url))\"/>\n" }
        // One related link per other publication of the story (recorded duplicates with a URL).
        var seen = Set([a.url ?? ""])
        for copy in entry.related {
            guard let url = copy.url, seen.insert(url).inserted else { continue }
            let title = copy.source ?? URL(string: url)?.host ?? copy.origin
            out += "    <link rel=\"related\" type=\"text/html\" href=\"\(escape(url))\" title=\"\(escape(title))\"/>\n"
        }
        out += "    <published>\((a.published ?? a.ingested).rfc3339)</published>\n"
        out += "    <updated>\(a.ingested.rfc3339)</updated>\n"
        if let author = a.author, !author.isEmpty { out += "    <author><name>\(escape(author))</name></author>\n" }
        if let source = a.source, !source.isEmpty {
            out += "    <source><title>\(escape(source))</title></source>\n"
        }
        // The full clean text, one <p> per paragraph, escaped as Atom's type="html" asks.
        let html = a.paragraphs.map { "<p>" + escape($0) + "</p>" }.joined(separator: "\n")
        out += "    <content type=\"html\">\(escape(html))</content>\n"
        out += "  </entry>\n"
        return out
    }

    /// XML character data and attribute text: markup characters escaped, characters XML
    /// 1.0 forbids (most C0 controls, U+FFFE/U+FFFF) dropped. Works on the UTF-8 bytes:
    /// every replaced or dropped character is ASCII or a whole three-byte sequence, so the
    /// result stays valid UTF-8.
    public static func escape(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes -> String in
            guard bytes.contains(where: { $0 < 0x20 || $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0xEF }) else {
                return String(decoding: bytes, as: UTF8.self)
            }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + bytes.count / 8)
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                i += 1
                switch b {
                case 0x26: out.append(contentsOf: "&amp;".utf8)
                case 0x3C: out.append(contentsOf: "&lt;".utf8)
                case 0x3E: out.append(contentsOf: "&gt;".utf8)
                case 0x22: out.append(contentsOf: "&quot;".utf8)
                case 0x09, 0x0A, 0x0D: out.append(b)
                case 0..<0x20: continue
                case 0xEF where i + 1 < bytes.count && bytes[i] == 0xBF && (bytes[i + 1] == 0xBE || bytes[i + 1] == 0xBF):
                    i += 2  // U+FFFE, U+FFFF
                default: out.append(b)
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
