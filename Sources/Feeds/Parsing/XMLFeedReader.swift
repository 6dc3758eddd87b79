import CLibXML2
import Foundation
import WinnowCore

/// XML namespaces the reader tells apart.
enum FeedNamespace {
    static let atom = "http://www.w3.org/2005/Atom"
    static let atom03 = "http://purl.org/atom/ns#"
    static let rss10 = "http://purl.org/rss/1.0/"
    static let rss090 = "http://my.netscape.com/rdf/simple/0.9/"
    static let content = "http://purl.org/rss/1.0/modules/content/"
    static let dc = "http://purl.org/dc/elements/1.1/"
    static let dcterms = "http://purl.org/dc/terms/"
    static let itunes = "http://www.itunes.com/dtds/podcast-1.0.dtd"
    static let xhtml = "http://www.w3.org/1999/xhtml"
    /// Default namespaces some RSS 2.0 feeds put on `<rss>`; their elements are core RSS.
    static let rss2: Set<String> = ["http://backend.userland.com/rss2", "http://backend.userland.com/rss",
                                    "http://blogs.law.harvard.edu/tech/rss"]

    static func isAtom(_ ns: String) -> Bool { ns == atom || ns == atom03 }
    static func isMedia(_ ns: String) -> Bool { ns.hasPrefix("http://search.yahoo.com/mrss") }
}

/// How a field's text is to be read.
enum TextKind: Equatable {
    /// Plain text, taken as it is.
    case text
    /// HTML, escaped in the XML or (inline) as child elements.
    case html
    /// Inline XHTML markup.
    case xhtml
    /// RSS's unmarked fields: HTML only when it looks like HTML (feedparser's rule).
    case guess

    /// The kind an Atom `type` (1.0 names or 0.3 MIME types) and 0.3 `mode` say, and whether
    /// the text is base64 (`mode="base64"`, or any other MIME type, which Atom 1.0 carries
    /// base64-encoded).
    static func from(type raw: String?, mode: String?, fallback: TextKind) -> (kind: TextKind, base64: Bool) {
        let type = (raw ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        var kind: TextKind
        switch type {
        case "": kind = fallback
        case "text", "text/plain": kind = .text
        case "html", "text/html": kind = .html
        case "xhtml", "application/xhtml+xml": kind = .xhtml
        default:
            if type.hasSuffix("+xml") || type.hasSuffix("/xml") { kind = .xhtml }
            else if type.hasPrefix("text/") { kind = .text }
            else { return (.text, true) }
        }
        let mode = mode?.lowercased()
        if mode == "escaped", kind == .xhtml { kind = .html }
        // Base64 markup is escaped markup once decoded.
        if mode == "base64", kind == .xhtml { kind = .html }
        return (kind, mode == "base64")
    }
}

/// One pass of libxml2's streaming reader over a UTF-8 document.
///
/// Every field can come from several elements; each candidate has a rank and a lower rank
/// replaces a higher one, never the reverse. Core RSS/Atom elements rank 0, so extension
/// modules (Dublin Core, iTunes, Media RSS, XHTML bodies) only fill fields the core left empty,
/// whatever the order they come in.
struct XMLFeedReader {
    enum Field: Hashable { case feedTitle, feedLink, ttl, title, link, id, published, updated, author, summary, content }

    struct Capture {
        var field: Field
        var rank: Int
        var depth: Int32
        var kind: TextKind
        var base64: Bool
        var base: String?
        var buffer = ""
        var isPermaLink = true
        var isGuid = false
    }

    /// An entry being read, with the rank each field was filled at.
    struct Draft {
        var entry = FeedEntry()
        var ranks: [Field: Int] = [:]
        /// A permalink guid or an http(s) Atom id: the link when no link element gives one.
        var guidLink: String?
        var idLink: String?

        /// Whether a candidate of `rank` may fill `field`: a repeated element of the same rank
        /// replaces the earlier one (feedparser keeps the last), except for links.
        mutating func offer(_ field: Field, rank: Int) -> Bool {
            if let held = ranks[field], held < rank || (held == rank && field == .link) { return false }
            ranks[field] = rank
            return true
        }
    }

    /// Capture buffers stop growing here (a field is never this long in a real feed).
    static let maxFieldBytes = 4 << 20

    var feed: ParsedFeed?
    var error: String?
    var feedRanks: [Field: Int] = [:]

    var stack: [(name: String, ns: String)] = []
    var draft: Draft?
    var entryDepth: Int32 = -1
    var capture: Capture?

    static func run(_ bytes: [UInt8], url: String, options: Int32) -> (feed: ParsedFeed?, error: String?) {
        var state = XMLFeedReader()
        let reader: xmlTextReaderPtr? = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                xmlReaderForMemory($0, Int32(buffer.count), url, "UTF-8", options)
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

    static func attribute(_ r: xmlTextReaderPtr, _ name: String) -> String? {
        guard let value = xmlTextReaderGetAttribute(r, name) else { return nil }
        defer { winnow_xml_free(value) }
        return String(cString: value)
    }

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
                if stack.count > Int(depth) { stack.removeLast(stack.count - Int(depth)) }
                if capture != nil {
                    if capture!.kind != .text {
                        append("<\(name)>", markup: true)
                        if empty { append("</\(name)>", markup: true) }
                    }
                } else {
                    if depth == 0 && !root(name, ns) { return false }
                    element(r, name: name, ns: ns, depth: depth)
                }
                if !empty {
                    stack.append((name, ns))
                } else if capture != nil, capture!.depth == depth {
                    finishCapture()
                } else if draft != nil, depth == entryDepth {
                    finishEntry()
                }
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                if let c = capture {
                    if c.depth == depth { finishCapture() } else if c.kind != .text {
                        append("</\(Self.string(xmlTextReaderConstLocalName(r)) ?? "")>", markup: true)
                    }
                } else if draft != nil, depth == entryDepth {
                    finishEntry()
                }
                if stack.count > Int(depth) { stack.removeLast(stack.count - Int(depth)) }
            case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue),
                 Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue), Int32(XML_READER_TYPE_WHITESPACE.rawValue):
                if capture != nil, let value = Self.string(xmlTextReaderConstValue(r)) {
                    append(capture!.kind == .xhtml ? FeedText.escapeXML(value) : value, markup: false)
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

    mutating func append(_ s: String, markup: Bool) {
        guard capture!.buffer.utf8.count < Self.maxFieldBytes else { return }
        capture!.buffer += s
    }

    mutating func root(_ name: String, _ ns: String) -> Bool {
        switch name {
        case "rss": feed = ParsedFeed(format: .rss)
        case "RDF": feed = ParsedFeed(format: .rdf)
        case "feed" where FeedNamespace.isAtom(ns) || ns.isEmpty: feed = ParsedFeed(format: .atom)
        default:
            error = "not a feed (root element <\(name)>)"
            return false
        }
        return true
    }

    /// Core RSS or Atom (as opposed to an extension module).
    func isCore(_ ns: String) -> Bool {
        ns.isEmpty || FeedNamespace.isAtom(ns) || ns == FeedNamespace.rss10 || ns == FeedNamespace.rss090
            || FeedNamespace.rss2.contains(ns)
    }

    mutating func element(_ r: xmlTextReaderPtr, name: String, ns: String, depth: Int32) {
        guard feed != nil else { return }
        let parent = stack.last ?? ("", "")
        let core = isCore(ns)
        let atom = FeedNamespace.isAtom(ns) || (feed!.format == .atom && ns.isEmpty)
        let base = Self.string(xmlTextReaderConstBaseUri(r))

        if draft == nil {
            if (name == "item" || name == "entry") && core && depth >= 1 {
                draft = Draft()
                entryDepth = depth
                if let about = Self.attribute(r, "rdf:about") { draft!.entry.id = about }
                return
            }
            let channelChild = (parent.name == "channel" && isCore(parent.ns)) || (feed!.format == .atom && depth == 1)
            guard channelChild, core else { return }
            switch name {
            case "title":
                let kind = atom ? TextKind.from(type: Self.attribute(r, "type"), mode: Self.attribute(r, "mode"), fallback: .text)
                    : (.guess, false)
                begin(.feedTitle, rank: 0, depth, r, kind: kind.kind, base64: kind.base64, base: base)
            case "ttl": begin(.ttl, rank: 0, depth, r, kind: .text, base: base)
            case "link":
                if let href = Self.attribute(r, "href") {
                    let rel = Self.attribute(r, "rel") ?? "alternate"
                    if rel == "alternate", feedRanks[.feedLink] == nil {
                        feedRanks[.feedLink] = 0
                        feed!.link = FeedText.resolve(href, against: base)
                    }
                } else {
                    begin(.feedLink, rank: 0, depth, r, kind: .text, base: base)
                }
            default: break
            }
            return
        }

        // Grandchildren: an Atom author's name, Media RSS groups.
        if depth == entryDepth + 2 {
            if name == "name" && parent.name == "author" && isCore(parent.ns) && core {
                begin(.author, rank: 0, depth, r, kind: .text, base: base)
            } else if FeedNamespace.isMedia(ns) && FeedNamespace.isMedia(parent.ns) && (parent.name == "group" || parent.name == "content") {
                if name == "title" { begin(.title, rank: 3, depth, r, kind: mediaKind(r), base: base) }
                if name == "description" { begin(.summary, rank: 4, depth, r, kind: mediaKind(r), base: base) }
            }
            return
        }
        guard depth == entryDepth + 1 else { return }
        let type = Self.attribute(r, "type")
        let mode = Self.attribute(r, "mode")
        switch (name, core) {
        case ("title", true):
            let kind = atom ? TextKind.from(type: type, mode: mode, fallback: .text) : (.guess, false)
            begin(.title, rank: 0, depth, r, kind: kind.kind, base64: kind.base64, base: base)
        case ("title", false):
            let rank = ns == FeedNamespace.dc || ns == FeedNamespace.dcterms ? 1 : (FeedNamespace.isMedia(ns) ? 2 : 4)
            begin(.title, rank: rank, depth, r, kind: FeedNamespace.isMedia(ns) ? mediaKind(r) : .guess, base: base)
        case ("link", _) where core || FeedNamespace.isAtom(ns):
            link(r, atom: atom, core: feed!.format == .atom || !FeedNamespace.isAtom(ns), depth: depth, base: base)
        case ("guid", true):
            begin(.id, rank: 0, depth, r, kind: .text, base: base)
            capture!.isGuid = true
            capture!.isPermaLink = (Self.attribute(r, "isPermaLink") ?? "true").lowercased() != "false"
        case ("id", true) where atom: begin(.id, rank: 0, depth, r, kind: .text, base: base)
        case ("pubDate", true), ("published", true): begin(.published, rank: 0, depth, r, kind: .text, base: base)
        case ("issued", true): begin(.published, rank: 1, depth, r, kind: .text, base: base)
        case ("created", true): begin(.published, rank: 3, depth, r, kind: .text, base: base)
        case ("updated", true), ("modified", true): begin(.updated, rank: 0, depth, r, kind: .text, base: base)
        case ("date", false) where ns == FeedNamespace.dc: begin(.published, rank: 2, depth, r, kind: .text, base: base)
        case ("issued", false) where ns == FeedNamespace.dcterms: begin(.published, rank: 2, depth, r, kind: .text, base: base)
        case ("created", false) where ns == FeedNamespace.dcterms: begin(.published, rank: 3, depth, r, kind: .text, base: base)
        case ("modified", false) where ns == FeedNamespace.dcterms: begin(.updated, rank: 1, depth, r, kind: .text, base: base)
        case ("author", true) where !atom: begin(.author, rank: 0, depth, r, kind: .guess, base: base)
        case ("creator", false) where ns == FeedNamespace.dc: begin(.author, rank: 1, depth, r, kind: .guess, base: base)
        case ("author", false) where ns == FeedNamespace.itunes: begin(.author, rank: 2, depth, r, kind: .guess, base: base)
        case ("description", true) where !atom:
            begin(.summary, rank: 0, depth, r, kind: .html, base: base)
        case ("summary", true) where atom:
            let kind = TextKind.from(type: type, mode: mode, fallback: .text)
            begin(.summary, rank: 0, depth, r, kind: kind.kind, base64: kind.base64, base: base)
        case ("content", true) where atom:
            if Self.attribute(r, "src") != nil { return }
            let kind = TextKind.from(type: type, mode: mode, fallback: .text)
            begin(.content, rank: 0, depth, r, kind: kind.kind, base64: kind.base64, base: base)
        case ("encoded", false) where ns == FeedNamespace.content:
            begin(.content, rank: 0, depth, r, kind: .html, base: base)
        case ("body", _) where ns == FeedNamespace.xhtml || ns.isEmpty:
            begin(.content, rank: 1, depth, r, kind: .xhtml, base: base)
        case ("fullitem", _):
            begin(.content, rank: 2, depth, r, kind: .html, base: base)
        case ("summary", false) where ns == FeedNamespace.itunes:
            begin(.summary, rank: 2, depth, r, kind: .guess, base: base)
        case ("description", false), ("summary", false):
            begin(.summary, rank: FeedNamespace.isMedia(ns) ? 4 : 1, depth, r,
                  kind: FeedNamespace.isMedia(ns) ? mediaKind(r) : .guess, base: base)
        case ("subtitle", false) where ns == FeedNamespace.itunes:
            begin(.summary, rank: 3, depth, r, kind: .guess, base: base)
        default:
            break
        }
    }

    func mediaKind(_ r: xmlTextReaderPtr) -> TextKind {
        Self.attribute(r, "type")?.lowercased() == "html" ? .html : .text
    }

    /// A `<link>` of an entry: Atom's `href` with `rel`; RSS's text or (non-standard) `href`;
    /// Atom 0.3's URL as text. An `atom:link` in an RSS item ranks below RSS's own link.
    mutating func link(_ r: xmlTextReaderPtr, atom: Bool, core: Bool, depth: Int32, base: String?) {
        guard let href = Self.attribute(r, "href") else {
            begin(.link, rank: core ? 0 : 3, depth, r, kind: .text, base: base)
            return
        }
        let rel = Self.attribute(r, "rel") ?? "alternate"
        let type = (Self.attribute(r, "type") ?? "").lowercased()
        var rank: Int
        switch rel {
        case "alternate": rank = type.isEmpty || type.contains("html") ? 0 : 1
        case "related": rank = 2
        default: return
        }
        if !core { rank += 3 }
        if draft!.offer(.link, rank: rank) { draft!.entry.link = FeedText.resolve(href, against: base) }
    }

    mutating func begin(_ field: Field, rank: Int, _ depth: Int32, _ r: xmlTextReaderPtr, kind: TextKind, base64: Bool = false,
                        base: String?) {
        capture = Capture(field: field, rank: rank, depth: depth, kind: kind, base64: base64, base: base)
    }

    mutating func finishCapture() {
        guard let c = capture else { return }
        capture = nil
        var raw = c.buffer
        if c.base64, let decoded = Self.base64(raw) { raw = decoded }
        raw = FeedText.repairMisdecoded(raw)
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return }
        var kind = c.kind
        if kind == .guess { kind = FeedText.looksLikeHTML(trimmed) ? .html : .text }
        let line = { kind == .text ? FeedText.collapse(trimmed) : FeedText.plainLine(trimmed, html: true) }
        let body = { kind == .text ? FeedText.htmlFromPlainText(raw) : raw }

        switch c.field {
        case .feedTitle:
            if feedRanks[.feedTitle] == nil { feedRanks[.feedTitle] = 0; feed?.title = line() }
            return
        case .feedLink:
            if feedRanks[.feedLink] == nil { feedRanks[.feedLink] = 0; feed?.link = FeedText.resolve(trimmed, against: c.base) }
            return
        case .ttl:
            feed?.ttlMinutes = Int(trimmed)
            return
        default: break
        }
        guard draft != nil else { return }
        if c.field == .id {
            let lower = trimmed.lowercased()
            let http = lower.hasPrefix("http://") || lower.hasPrefix("https://")
            var link = http ? String(lower.prefix(while: { $0 != ":" })) + String(trimmed.drop(while: { $0 != ":" })) : nil
            // An id written as an absolute path (`/2025/01/post`) is a link on the feed's site.
            if link == nil, trimmed.hasPrefix("/"), !trimmed.hasPrefix("//"), !trimmed.contains(" ") {
                let resolved = FeedText.resolve(trimmed, against: c.base)
                if resolved.lowercased().hasPrefix("http") { link = resolved }
            }
            if let link { if c.isGuid { if c.isPermaLink { draft!.guidLink = link } } else { draft!.idLink = link } }
        }
        if c.field == .published || c.field == .updated {
            // An unreadable date does not hold the field against a lower-ranked one.
            guard let date = DateParser.parse(trimmed) else { return }
            guard draft!.offer(c.field, rank: c.rank) else { return }
            if c.field == .published { draft!.entry.published = date } else { draft!.entry.updated = date }
            return
        }
        guard draft!.offer(c.field, rank: c.rank) else { return }
        switch c.field {
        case .title: draft!.entry.title = line()
        case .link: draft!.entry.link = FeedText.resolve(trimmed, against: c.base)
        case .id: draft!.entry.id = trimmed
        case .author: draft!.entry.author = line()
        case .summary: draft!.entry.summary = body()
        case .content: draft!.entry.content = body()
        default: break
        }
    }

    mutating func finishEntry() {
        if var d = draft {
            if d.entry.link == nil { d.entry.link = d.guidLink ?? d.idLink }
            if let title = d.entry.title, title.isEmpty { d.entry.title = nil }
            feed?.entries.append(d.entry)
        }
        draft = nil
        entryDepth = -1
    }

    /// Base64 text (Atom 0.3 `mode="base64"`) as UTF-8; nil when it is not that.
    static func base64(_ raw: String) -> String? {
        let compact = raw.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact, options: .ignoreUnknownCharacters) else { return nil }
        return String(data: data, encoding: .utf8)
    }
}
