import CLibXML2
import Extract
import Foundation
import WinnowCore

public enum FeedFormat: String, Sendable { case rss, rdf, atom, json }

/// One item of a feed.
public struct FeedEntry: Sendable, Equatable {
    /// guid / atom:id / rdf:about / JSON `id`.
    public var id: String?
    /// Absolute link (resolved against xml:base and the feed URL).
    public var link: String?
    public var title: String?
    public var published: Date?
    public var updated: Date?
    public var author: String?
    /// Summary and full content as HTML (plain-text fields are escaped into HTML).
    public var summary: String?
    public var content: String?

    public init(id: String? = nil, link: String? = nil, title: String? = nil, published: Date? = nil, updated: Date? = nil,
                author: String? = nil, summary: String? = nil, content: String? = nil) {
        self.id = id
        self.link = link
        self.title = title
        self.published = published
        self.updated = updated
        self.author = author
        self.summary = summary
        self.content = content
    }

    /// The key that identifies this entry within its feed: guid/id, else canonical link,
    /// else a hash of title and body.
    public var key: String {
        if let id = id?.trimmingCharacters(in: .whitespacesAndNewlines), !id.isEmpty { return id }
        if let link, let canonical = FeedText.canonicalLink(link) { return canonical }
        return "hash:" + Hash64.hex(Hash64.hash((title ?? "") + "\u{1}" + (content ?? summary ?? "")))
    }

    /// Plain-text body paragraphs: full content when present, else the summary.
    public var paragraphs: [String] {
        let content = content.map(FeedText.paragraphs(fromHTML:)) ?? []
        if !content.isEmpty { return content }
        return summary.map(FeedText.paragraphs(fromHTML:)) ?? []
    }

    /// What the pipeline falls back on when the article page yields nothing.
    public var fallbackDocument: ExtractedDocument {
        ExtractedDocument(title: title, published: published ?? updated, author: author, url: link, paragraphs: paragraphs)
    }
}

public struct ParsedFeed: Sendable {
    public var format: FeedFormat
    public var title: String?
    public var link: String?
    /// RSS `<ttl>` in minutes.
    public var ttlMinutes: Int?
    public var entries: [FeedEntry] = []
    /// Problems that did not stop parsing (malformed XML salvaged, …).
    public var warnings: [String] = []
}

public struct FeedParseError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Parses RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 1.0 and JSON Feed 1.x.
///
/// XML goes through libxml2's streaming reader, never a DOM of the whole feed, with network
/// access, entity substitution and DTD loading off (an external entity is never read, an
/// internal one is never expanded: only text nodes are collected). When the XML is broken,
/// the entries completed before the break are kept, and a recovering parse is tried too;
/// the better of the two wins.
public enum FeedParser {
    static let setup: Void = {
        // Defence in depth: no external entity or DTD is ever loaded, whatever the options.
        xmlSetExternalEntityLoader { _, _, _ in nil }
    }()

    public static func parse(_ bytes: [UInt8], url: String, charset: String? = nil) throws(FeedParseError) -> ParsedFeed {
        LibXML.initialize()
        _ = setup
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        while start < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[start]) { start += 1 }
        guard start < bytes.count else { throw FeedParseError("empty document") }
        if bytes[start] == UInt8(ascii: "{") { return try JSONFeedParser.parse(Array(bytes[start...]), url: url) }

        let prepared = FeedText.prepareXML(bytes, charset: charset)
        var options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        if prepared.transcoded { options |= Int32(XML_PARSE_IGNORE_ENC.rawValue) }
        let strict = XMLFeedReader.run(prepared.bytes, url: url, encoding: prepared.encoding, options: options)
        if strict.error == nil, let feed = strict.feed { return feed }
        let recovered = XMLFeedReader.run(prepared.bytes, url: url, encoding: prepared.encoding,
                                          options: options | Int32(XML_PARSE_RECOVER.rawValue))
        var candidates = [strict, recovered].filter { $0.feed != nil }
        if let salvaged = salvage(prepared.bytes, url: url, encoding: prepared.encoding, options: options) {
            var feed = salvaged
            feed.title = feed.title ?? candidates.first?.feed?.title
            candidates.append((feed, nil))
        }
        guard var best = candidates.max(by: { ($0.feed?.entries.count ?? 0) < ($1.feed?.entries.count ?? 0) })?.feed else {
            throw FeedParseError(strict.error ?? recovered.error ?? "not a feed")
        }
        if best.entries.isEmpty, let error = strict.error { throw FeedParseError(error) }
        if let error = strict.error { best.warnings.append(error + "; kept \(best.entries.count) entries") }
        return best
    }
}

extension FeedParser {
    /// Per-entry salvage for broken documents: every `<item>`/`<entry>` is cut out and parsed
    /// on its own inside a copy of the root element (so namespaces still resolve); the ones
    /// that parse are kept.
    static func salvage(_ bytes: [UInt8], url: String, encoding: String?, options: Int32) -> ParsedFeed? {
        guard bytes.count < 64 << 20 else { return nil }
        // The root start tag.
        var i = 0
        var rootStart: Int?
        while i + 1 < bytes.count {
            if bytes[i] == UInt8(ascii: "<"), bytes[i + 1] != UInt8(ascii: "?"), bytes[i + 1] != UInt8(ascii: "!") { rootStart = i; break }
            i += 1
        }
        guard let rootStart, let rootEnd = bytes[rootStart...].firstIndex(of: UInt8(ascii: ">")) else { return nil }
        let rootTag = Array(bytes[rootStart...rootEnd])
        let rootName = String(decoding: rootTag.dropFirst().prefix { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 && $0 != UInt8(ascii: ">") && $0 != UInt8(ascii: "/") }, as: UTF8.self)
        let local = rootName.split(separator: ":").last.map(String.init) ?? rootName
        let item: String
        var open = rootTag, close: [UInt8]
        switch local {
        case "rss":
            item = "item"
            open += Array("<channel>".utf8)
            close = Array("</channel></\(rootName)>".utf8)
        case "RDF":
            item = "item"
            close = Array("</\(rootName)>".utf8)
        case "feed":
            item = "entry"
            close = Array("</\(rootName)>".utf8)
        default:
            return nil
        }
        if rootTag.count >= 2, rootTag[rootTag.count - 2] == UInt8(ascii: "/") { return nil }
        let startPattern = Array("<\(item)".utf8), endPattern = Array("</\(item)>".utf8)
        func find(_ pattern: [UInt8], from: Int) -> Int? {
            var k = from
            while k + pattern.count <= bytes.count {
                if bytes[k] == pattern[0], bytes[k..<(k + pattern.count)].elementsEqual(pattern) {
                    if pattern == startPattern {
                        let next = k + pattern.count < bytes.count ? bytes[k + pattern.count] : 0
                        if next == 0x20 || next == UInt8(ascii: ">") || next == 0x0A || next == 0x09 || next == 0x0D { return k }
                    } else {
                        return k
                    }
                }
                k += 1
            }
            return nil
        }
        var feed = ParsedFeed(format: local == "feed" ? .atom : (local == "RDF" ? .rdf : .rss))
        var position = rootEnd + 1
        var chunks = 0
        while let start = find(startPattern, from: position), chunks < 10_000 {
            chunks += 1
            let nextStart = find(startPattern, from: start + startPattern.count)
            var end: Int
            var chunk: [UInt8]
            if let e = find(endPattern, from: start), nextStart.map({ e < $0 }) ?? true {
                end = e + endPattern.count
                chunk = Array(bytes[start..<end])
            } else {
                end = nextStart ?? bytes.count
                chunk = Array(bytes[start..<end]) + endPattern
            }
            position = end
            let one = XMLFeedReader.run(open + chunk + close, url: url, encoding: encoding,
                                        options: options | Int32(XML_PARSE_RECOVER.rawValue))
            if let entry = one.feed?.entries.first { feed.entries.append(entry) }
        }
        return feed.entries.isEmpty ? nil : feed
    }
}

/// One pass of the streaming reader over a document.
struct XMLFeedReader {
    static let atomNS = "http://www.w3.org/2005/Atom"
    static let atom03NS = "http://purl.org/atom/ns#"
    static let contentNS = "http://purl.org/rss/1.0/modules/content/"
    static let dcNS = "http://purl.org/dc/elements/1.1/"
    static let rdfNS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

    enum Field { case feedTitle, ttl, title, link, id, published, updated, author, summary, content, guid }

    struct Capture {
        var field: Field
        var depth: Int32
        var xhtml: Bool
        var html: Bool
        var base: String?
        var buffer = ""
        var isPermaLink = true
    }

    var feed: ParsedFeed?
    var error: String?

    var stack: [String] = []
    var entry: FeedEntry?
    var entryDepth: Int32 = -1
    var entryLinkRank = Int.max
    var capture: Capture?
    var titleIsHTML = true

    static func run(_ bytes: [UInt8], url: String, encoding: String?, options: Int32) -> (feed: ParsedFeed?, error: String?) {
        var state = XMLFeedReader()
        let reader: xmlTextReaderPtr? = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                xmlReaderForMemory($0, Int32(buffer.count), url, encoding, options)
            }
        }
        guard let reader else { return (nil, "cannot create XML reader") }
        defer { xmlFreeTextReader(reader) }
        // The bytes must outlive the reader: they do, `bytes` is alive for this whole call.
        let stopped = bytes.withUnsafeBufferPointer { _ in state.walk(reader) }
        if !stopped && state.feed == nil && state.error == nil { state.error = "not a feed (no rss, RDF or Atom feed element)" }
        return (state.feed, state.error)
    }

    static func string(_ p: UnsafePointer<xmlChar>?) -> String? { p.map { String(cString: $0) } }

    /// Walks the document; returns false when the root is not a feed.
    mutating func walk(_ r: xmlTextReaderPtr) -> Bool {
        var status = xmlTextReaderRead(r)
        while status == 1 {
            let type = xmlTextReaderNodeType(r)
            let depth = xmlTextReaderDepth(r)
            switch type {
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                let name = Self.string(xmlTextReaderConstLocalName(r)) ?? ""
                let ns = Self.string(xmlTextReaderConstNamespaceUri(r)) ?? ""
                let empty = xmlTextReaderIsEmptyElement(r) == 1
                if capture != nil {
                    if capture!.xhtml {
                        capture!.buffer += "<\(name)>"
                        if empty { capture!.buffer += "</\(name)>" }
                    }
                } else {
                    if depth == 0 && !root(name, ns) { return false }
                    if stack.count > Int(depth) { stack.removeLast(stack.count - Int(depth)) }
                    element(r, name: name, ns: ns, depth: depth, empty: empty)
                }
                if !empty {
                    if stack.count > Int(depth) { stack.removeLast(stack.count - Int(depth)) }
                    stack.append(name)
                } else if capture != nil, capture!.depth == depth {
                    finishCapture()
                } else if entry != nil, depth == entryDepth {
                    finishEntry()
                }
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                if let c = capture {
                    if c.depth == depth { finishCapture() } else if c.xhtml {
                        capture!.buffer += "</\(Self.string(xmlTextReaderConstLocalName(r)) ?? "")>"
                    }
                } else if entry != nil, depth == entryDepth {
                    finishEntry()
                }
                if stack.count > Int(depth) { stack.removeLast(stack.count - Int(depth)) }
            case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue),
                 Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue), Int32(XML_READER_TYPE_WHITESPACE.rawValue):
                if capture != nil, let value = Self.string(xmlTextReaderConstValue(r)) {
                    capture!.buffer += capture!.xhtml ? FeedText.escapeXML(value) : value
                }
            default:
                break  // entity references are never expanded
            }
            status = xmlTextReaderRead(r)
        }
        if status < 0 {
            error = "malformed XML near line \(xmlTextReaderGetParserLineNumber(r))"
        }
        return true
    }

    mutating func root(_ name: String, _ ns: String) -> Bool {
        switch name {
        case "rss": feed = ParsedFeed(format: .rss)
        case "RDF": feed = ParsedFeed(format: .rdf)
        case "feed" where ns == Self.atomNS || ns == Self.atom03NS || ns.isEmpty: feed = ParsedFeed(format: .atom)
        default:
            error = "not a feed (root element <\(name)>)"
            return false
        }
        return true
    }

    static func attribute(_ r: xmlTextReaderPtr, _ name: String) -> String? {
        guard let value = xmlTextReaderGetAttribute(r, name) else { return nil }
        defer { winnow_xml_free(value) }
        return String(cString: value)
    }

    mutating func element(_ r: xmlTextReaderPtr, name: String, ns: String, depth: Int32, empty: Bool) {
        guard feed != nil else { return }
        let parent = stack.last ?? ""
        let isAtom = ns == Self.atomNS || ns == Self.atom03NS || (feed!.format == .atom && ns.isEmpty)
        let base = Self.string(xmlTextReaderConstBaseUri(r))

        if entry == nil {
            if (name == "item" && !isAtom) || (name == "entry" && isAtom) {
                entry = FeedEntry()
                entryDepth = depth
                entryLinkRank = Int.max
                if let about = Self.attribute(r, "rdf:about") { entry!.id = about }
                return
            }
            if name == "title" && (parent == "channel" || (feed!.format == .atom && depth == 1)) && feed!.title == nil {
                begin(.feedTitle, depth, r, html: !isAtom || Self.attribute(r, "type") != "text", base: base)
            } else if name == "ttl" && parent == "channel" {
                begin(.ttl, depth, r, html: false, base: base)
            } else if name == "link" && (parent == "channel" || (feed!.format == .atom && depth == 1)) && feed!.link == nil {
                if isAtom {
                    if let href = Self.attribute(r, "href"), (Self.attribute(r, "rel") ?? "alternate") == "alternate" {
                        feed!.link = FeedText.resolve(href, against: base)
                    }
                }
            }
            return
        }

        let child = depth == entryDepth + 1
        if isAtom && name == "name" && depth == entryDepth + 2 && parent == "author" {
            begin(.author, depth, r, html: false, base: base)
            return
        }
        guard child else { return }
        switch name {
        case "title":
            let type = Self.attribute(r, "type") ?? "text"
            begin(.title, depth, r, html: !isAtom || type != "text", xhtml: isAtom && type == "xhtml", base: base)
        case "link":
            if isAtom || ns == Self.atomNS {
                let rel = Self.attribute(r, "rel") ?? "alternate"
                guard let href = Self.attribute(r, "href") else { return }
                let type = Self.attribute(r, "type") ?? ""
                let rank = rel == "alternate" ? (type.isEmpty || type.contains("html") ? 0 : 1) : (rel == "related" ? 2 : Int.max)
                if rank < entryLinkRank {
                    entryLinkRank = rank
                    entry!.link = FeedText.resolve(href, against: base)
                }
            } else {
                begin(.link, depth, r, html: false, base: base)
            }
        case "guid":
            var c = Capture(field: .guid, depth: depth, xhtml: false, html: false, base: base)
            c.isPermaLink = (Self.attribute(r, "isPermaLink") ?? "true").lowercased() != "false"
            capture = c
        case "id" where isAtom: begin(.id, depth, r, html: false, base: base)
        case "pubDate", "published", "issued": begin(.published, depth, r, html: false, base: base)
        case "date" where ns == Self.dcNS: begin(.published, depth, r, html: false, base: base)
        case "updated", "modified": begin(.updated, depth, r, html: false, base: base)
        case "author" where !isAtom: begin(.author, depth, r, html: true, base: base)
        case "creator" where ns == Self.dcNS: begin(.author, depth, r, html: true, base: base)
        case "description" where !isAtom, "summary" where isAtom:
            let type = Self.attribute(r, "type") ?? (isAtom ? "text" : "html")
            begin(.summary, depth, r, html: type != "text", xhtml: type == "xhtml", base: base)
        case "encoded" where ns == Self.contentNS:
            begin(.content, depth, r, html: true, base: base)
        case "content" where isAtom:
            if Self.attribute(r, "src") != nil { return }
            let type = Self.attribute(r, "type") ?? "text"
            begin(.content, depth, r, html: type != "text", xhtml: type == "xhtml", base: base)
        default:
            break
        }
    }

    mutating func begin(_ field: Field, _ depth: Int32, _ r: xmlTextReaderPtr, html: Bool, xhtml: Bool = false, base: String?) {
        capture = Capture(field: field, depth: depth, xhtml: xhtml, html: html || xhtml, base: base)
    }

    mutating func finishCapture() {
        guard let c = capture else { return }
        capture = nil
        let raw = c.buffer
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        switch c.field {
        case .feedTitle: feed?.title = FeedText.plainLine(trimmed, html: c.html)
        case .ttl: feed?.ttlMinutes = Int(trimmed)
        case .title: entry?.title = FeedText.plainLine(trimmed, html: c.html)
        case .link: if !trimmed.isEmpty { entry?.link = FeedText.resolve(trimmed, against: c.base); entryLinkRank = -1 }
        case .id: if !trimmed.isEmpty { entry?.id = trimmed }
        case .guid:
            if !trimmed.isEmpty {
                entry?.id = trimmed
                let lower = trimmed.lowercased()
                if c.isPermaLink, entry?.link == nil, lower.hasPrefix("http://") || lower.hasPrefix("https://") {
                    entry?.link = trimmed
                }
            }
        case .published: if entry?.published == nil { entry?.published = DateParser.parse(trimmed) }
        case .updated: entry?.updated = DateParser.parse(trimmed)
        case .author: if !trimmed.isEmpty { entry?.author = FeedText.plainLine(trimmed, html: c.html) }
        case .summary: if !trimmed.isEmpty { entry?.summary = c.html ? raw : FeedText.htmlFromPlainText(raw) }
        case .content: if !trimmed.isEmpty { entry?.content = c.html ? raw : FeedText.htmlFromPlainText(raw) }
        }
    }

    mutating func finishEntry() {
        if let e = entry { feed?.entries.append(e) }
        entry = nil
        entryDepth = -1
    }
}

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
        for case let item as [String: Any] in (root["items"] as? [Any]) ?? [] {
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
