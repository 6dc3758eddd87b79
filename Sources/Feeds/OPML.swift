import CLibXML2
import Extract
import Foundation

/// OPML 1.0/2.0 subscription lists.
public enum OPML {
    public struct Outline: Sendable, Equatable {
        public var url: String
        public var title: String?
        /// The folders (outlines without `xmlUrl`) it is nested in, joined with `/`.
        public var category: String?
        public init(url: String, title: String?, category: String? = nil) {
            self.url = url
            self.title = title
            self.category = category
        }
    }

    /// An outline that was not taken, and why.
    public struct Skipped: Sendable, Equatable {
        /// The outline's text or title, else its xmlUrl, else its position.
        public var label: String
        public var reason: String
    }

    /// What an OPML file lists.
    public struct Document: Sendable, Equatable {
        public var outlines: [Outline] = []
        public var skipped: [Skipped] = []
    }

    /// Every `<outline xmlUrl=…>` with its folder path; outlines without an http(s) `xmlUrl`
    /// that are not folders are listed in `skipped` with the reason.
    public static func read(_ bytes: [UInt8]) throws(FeedParseError) -> Document {
        LibXML.initialize()
        _ = FeedParser.setup
        let decoded = FeedEncoding.decode(bytes, httpCharset: nil)
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
                            | XML_PARSE_RECOVER.rawValue | XML_PARSE_IGNORE_ENC.rawValue)
        let data = decoded.bytes
        guard !data.isEmpty else { throw FeedParseError("empty OPML file") }
        var document = Document()
        var sawRoot = false
        // Folder names by depth: an outline's category is the folders above it.
        var folders: [Int32: String] = [:]
        var position = 0
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
                guard name == "outline" else { continue }
                position += 1
                let depth = xmlTextReaderDepth(reader)
                for key in folders.keys where key >= depth { folders[key] = nil }
                let title = (XMLFeedReader.attribute(reader, "title") ?? XMLFeedReader.attribute(reader, "text"))
                    .map { FeedText.collapse($0) }.flatMap { $0.isEmpty ? nil : $0 }
                let category = folders.keys.sorted().compactMap { folders[$0] }.joined(separator: "/")
                let empty = xmlTextReaderIsEmptyElement(reader) == 1
                guard let url = XMLFeedReader.attribute(reader, "xmlUrl") ?? XMLFeedReader.attribute(reader, "xmlurl") else {
                    if !empty {
                        folders[depth] = title ?? "untitled"
                    } else {
                        document.skipped.append(Skipped(label: title ?? "outline \(position)", reason: "no xmlUrl"))
                    }
                    continue
                }
                let trimmed = url.trimmingCharacters(in: .whitespacesAndNewlines)
                let lower = trimmed.lowercased()
                let label = title ?? (trimmed.isEmpty ? "outline \(position)" : trimmed)
                if trimmed.isEmpty {
                    document.skipped.append(Skipped(label: label, reason: "empty xmlUrl"))
                } else if !(lower.hasPrefix("http://") || lower.hasPrefix("https://")) {
                    let scheme = lower.split(separator: ":", maxSplits: 1).first.map(String.init) ?? lower
                    document.skipped.append(Skipped(label: label, reason: "\(scheme): URL \(trimmed) (only http and https are fetched)"))
                } else if URL(string: trimmed)?.host == nil {
                    document.skipped.append(Skipped(label: label, reason: "malformed URL \(trimmed)"))
                } else {
                    document.outlines.append(Outline(url: trimmed, title: title, category: category.isEmpty ? nil : category))
                }
            }
            return true
        }
        guard ok, sawRoot else { throw FeedParseError("not an OPML file") }
        return document
    }

    /// The outlines of `read` alone.
    public static func parse(_ bytes: [UInt8]) throws(FeedParseError) -> [Outline] {
        try read(bytes).outlines
    }

    /// An OPML 2.0 document listing `outlines`, nested in folder outlines by category.
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
        // Uncategorised feeds first, then each folder path in order, opening and closing
        // folder outlines as the path changes.
        let sorted = outlines.enumerated().sorted { a, b in
            let ca = a.element.category ?? "", cb = b.element.category ?? ""
            return ca == cb ? a.offset < b.offset : ca < cb
        }.map(\.element)
        var open: [String] = []
        for o in sorted {
            let path = (o.category ?? "").split(separator: "/").map(String.init)
            var common = 0
            while common < min(open.count, path.count), open[common] == path[common] { common += 1 }
            while open.count > common {
                open.removeLast()
                out += String(repeating: "  ", count: open.count + 2) + "</outline>\n"
            }
            while open.count < path.count {
                let folder = path[open.count]
                out += String(repeating: "  ", count: open.count + 2) + "<outline text=\"\(attr(folder))\" title=\"\(attr(folder))\">\n"
                open.append(folder)
            }
            let name = attr(o.title ?? o.url)
            out += String(repeating: "  ", count: open.count + 2)
                + "<outline type=\"rss\" text=\"\(name)\" title=\"\(name)\" xmlUrl=\"\(attr(o.url))\"/>\n"
        }
        while !open.isEmpty {
            open.removeLast()
            out += String(repeating: "  ", count: open.count + 2) + "</outline>\n"
        }
        out += "  </body>\n</opml>\n"
        return out
    }
}
