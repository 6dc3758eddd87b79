import CLibXML2
import Foundation

/// OPML 1.0/2.0 subscription lists.
public enum OPML {
    public struct Outline: Sendable, Equatable {
        public var url: String
        public var title: String?
        public init(url: String, title: String?) {
            self.url = url
            self.title = title
        }
    }

    /// Every `<outline xmlUrl=…>` (nested folders included); only http(s) URLs are kept.
    public static func parse(_ bytes: [UInt8]) throws(FeedParseError) -> [Outline] {
        _ = FeedParser.setup
        let decoded = FeedEncoding.decode(bytes, httpCharset: nil)
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
                            | XML_PARSE_RECOVER.rawValue | XML_PARSE_IGNORE_ENC.rawValue)
        let data = decoded.bytes
        guard !data.isEmpty else { throw FeedParseError("empty OPML file") }
        var outlines: [Outline] = []
        var sawRoot = false
        let ok: Bool = data.withUnsafeBufferPointer { buffer in
            let reader = buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                xmlReaderForMemory($0, Int32(buffer.count), nil, "UTF-8", options)
            }
            guard let reader else { return false }
            defer { xmlFreeTextReader(reader) }
            while xmlTextReaderRead(reader) == 1 {
                guard xmlTextReaderNodeType(reader) == Int32(XML_READER_TYPE_ELEMENT.rawValue) else { continue }
                let name = xmlTextReaderConstLocalName(reader).map { String(cString: $0) } ?? ""
                if name == "opml" { sawRoot = true }
                guard name == "outline", let url = XMLFeedReader.attribute(reader, "xmlUrl") ?? XMLFeedReader.attribute(reader, "xmlurl") else {
                    continue
                }
                let trimmed = url.trimmingCharacters(in: .whitespacesAndNewlines)
                let lower = trimmed.lowercased()
                guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), URL(string: trimmed)?.host != nil else { continue }
                let title = XMLFeedReader.attribute(reader, "title") ?? XMLFeedReader.attribute(reader, "text")
                outlines.append(Outline(url: trimmed, title: title.map { FeedText.collapse($0) }.flatMap { $0.isEmpty ? nil : $0 }))
            }
            return true
        }
        guard ok, sawRoot else { throw FeedParseError("not an OPML file") }
        return outlines
    }

    /// An OPML 2.0 document listing `outlines`.
    public static func export(_ outlines: [Outline], title: String = "Winnow feeds", now: Date = Date()) -> String {
        func attr(_ s: String) -> String {
            FeedText.escapeXML(s).replacingOccurrences(of: "\"", with: "&quot;")
        }
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <opml version="2.0">
              <head>
                <title>\(attr(title))</title>
                <dateCreated>\(now.rfc3339)</dateCreated>
              </head>
              <body>

            """
        for o in outlines {
            let name = attr(o.title ?? o.url)
            out += "    <outline type=\"rss\" text=\"\(name)\" title=\"\(name)\" xmlUrl=\"\(attr(o.url))\"/>\n"
        }
        out += "  </body>\n</opml>\n"
        return out
    }
}
