import CLibXML2
import WinnowCore

/// Turns libxml2's SAX events (element start, element end, text) into compact element and
/// block records plus raw metadata, in one pass and without a tree: building and freeing
/// libxml2's tree cost more than everything the extractor does with the page.
///
/// libxml2 balances the events, so an end always closes the innermost open start.
struct PageRecorder {
    var elements: [ElementRecord] = []
    var blocks: [BlockRecord] = []
    /// UTF-8 text of all blocks, whitespace already folded.
    var text: [UInt8] = []
    var metadata = RawMetadata()
    /// Only with `HTMLExtractor.debug`: each element's class and id, for the tuning dump.
    var debugNames: [String] = []

    private var stack: [(element: Int32, context: BlockContext, linkDepth: Int32)] = []
    private var context: BlockContext = []
    private var linkDepth: Int32 = 0
    /// Open elements, recorded or not.
    private var depth = 0
    /// Open elements of a skipped subtree (script, hidden, void); 0 when recording.
    private var skipDepth = 0
    private var captures: [Capture] = []
    private var captured: [UInt8] = []
    private var hints = ClassHints()
    private var runStart = 0
    private var runChars: Int32 = 0
    private var runLinkChars: Int32 = 0
    private var runPunctuation: Int32 = 0
    private var pendingSpace = false
    /// Elements whose class or id named a byline, looked at so far (bounds the captured text).
    private var bylineTries = 0

    /// An element whose whole text content is wanted (libxml2's `xmlNodeGetContent`).
    private struct Capture {
        enum Target { case title, jsonLD, itemDatePublished, itemAuthor, relAuthor, classAuthor }
        var depth: Int
        var target: Target
        var start: Int
    }

    private static let attrClass = NameKey.of("class"), attrID = NameKey.of("id"), attrRole = NameKey.of("role"), attrItemprop = NameKey.of("itemprop")
    private static let attrHidden = NameKey.of("hidden"), attrStyle = NameKey.of("style"), attrName = NameKey.of("name"), attrProperty = NameKey.of("property")
    private static let attrContent = NameKey.of("content"), attrRel = NameKey.of("rel"), attrHref = NameKey.of("href"), attrDatetime = NameKey.of("datetime")
    private static let attrType = NameKey.of("type"), attrLang = NameKey.of("lang"), attrHTTPEquiv = NameKey.of("http-equiv")

    typealias Attributes = UnsafeMutablePointer<UnsafePointer<xmlChar>?>

    init() {
        elements.reserveCapacity(2048)
        blocks.reserveCapacity(1024)
        text.reserveCapacity(64 * 1024)
    }

    // MARK: Events

    mutating func start(_ name: UnsafePointer<xmlChar>?, _ attributes: Attributes?) {
        depth += 1
        if skipDepth > 0 { skipDepth += 1; return }
        if !record(Tag.of(name), attributes) { skipDepth = 1 }
    }

    mutating func end() {
        while let capture = captures.last, capture.depth == depth { finishCapture() }
        depth -= 1
        if skipDepth > 0 { skipDepth -= 1; return }
        close()
    }

    mutating func characters(_ bytes: UnsafePointer<xmlChar>, _ count: Int) {
        if !captures.isEmpty { captured.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count)) }
        if skipDepth > 0 || context.contains(.head) { return }
        append(bytes, count)
    }

    /// Closes the last run once the parser is done.
    mutating func finish() {
        while depth > 0 { end() }
        flush()
    }

    // MARK: Elements

    /// Records an element; false when its subtree is skipped.
    private mutating func record(_ tag: Tag, _ attributes: Attributes?) -> Bool {
        if tag.isSkipped {
            if tag == .title, metadata.title == nil { beginCapture(.title) }
            if tag == .script, let type = Self.attribute(attributes, Self.attrType), type.contains("ld+json") { beginCapture(.jsonLD) }
            return false
        }
        switch tag {
        case .br, .hr: flush(); return false
        case .meta: readMeta(attributes); return false
        case .link: readLink(attributes); return false
        default: break
        }
        if (tag == .td || tag == .th), stack.last.map({ elements[Int($0.element)].tag == .tr }) == true {
            // A table row is one line of text: its cells are joined, not split into blocks.
            pendingSpace = true
        } else if tag.isBlock || tag == .noscript {
            flush()
        }
        // <header> holds titles and leads as often as site banners, <form> may wrap a product text:
        // ambiguous marks only.
        var flags: ElementFlags = tag == .header || tag == .form || tag == .noscript ? .weakNegativeHint
            : tag.isFurniture ? .furniture : []
        if tag == .article || tag == .main { flags.insert(.structural) }
        if let attributes, !readAttributes(attributes, tag: tag, flags: &flags) { return false }
        // Page-wide state classes on <body> ("showing-comments", "has-sidebar") say nothing about content.
        if tag == .body || tag == .html { flags.subtract([.negativeHint, .weakNegativeHint, .comments]) }
        let index = Int32(elements.count)
        if HTMLExtractor.debug {
            debugNames.append((Self.attribute(attributes, Self.attrClass) ?? "") + "#" + (Self.attribute(attributes, Self.attrID) ?? ""))
        }
        elements.append(ElementRecord(parent: stack.last?.element ?? -1, end: index + 1, tag: tag, flags: flags))
        stack.append((index, context, linkDepth))
        switch tag {
        case .a: linkDepth += 1
        case .head: context.insert(.head)
        case .li, .dd, .dt: context.insert(.listItem)
        case .h1, .h2, .h3, .h4, .h5, .h6: context.insert(.heading)
        case .blockquote: context.insert(.quote)
        case .figcaption, .caption: context.insert(.caption)
        case .td, .th: context.insert(.tableCell)
        case .pre: context.insert(.preformatted)
        case .noscript: context.insert(.noscript)
        default: break
        }
        return true
    }

    private mutating func close() {
        guard let top = stack.popLast() else { return }
        let tag = elements[Int(top.element)].tag
        let rowCell = (tag == .td || tag == .th) && stack.last.map({ elements[Int($0.element)].tag == .tr }) == true
        if rowCell {
            pendingSpace = true
        } else if tag.isBlock || tag == .noscript {
            // Flush while the element is still the owner of the run.
            stack.append(top)
            flush()
            stack.removeLast()
        }
        elements[Int(top.element)].end = Int32(elements.count)
        context = top.context
        linkDepth = top.linkDepth
    }

    /// Reads the attributes the extractor cares about; false when the element is hidden.
    private mutating func readAttributes(_ attributes: Attributes, tag: Tag, flags: inout ElementFlags) -> Bool {
        var i = 0
        while let name = attributes[i] {
            let value = attributes[i + 1]
            i += 2
            switch NameKey.of(UnsafeRawPointer(name)) {
            case Self.attrClass, Self.attrID:
                guard let value else { continue }
                // `id="sharing-with-a-single-developer"`: a heading's anchor, not a name of a role.
                if NameKey.of(UnsafeRawPointer(name)) == Self.attrID, Self.isSlug(value) { continue }
                if metadata.classAuthor == nil, bylineTries < 24, tag != .body, tag != .html, Self.namesByline(value) {
                    bylineTries += 1
                    beginCapture(.classAuthor)
                }
                let hint = hints.classify(value)
                if hint.contains(.negative) { flags.insert(.negativeHint) }
                if hint.contains(.positive) { flags.insert(.positiveHint) }
                if hint.contains(.comments) { flags.insert(.comments) }
                if hint.contains(.articleBody) { flags.insert(.articleBody) }
                if hint.contains(.weakNegative) { flags.insert(.weakNegativeHint) }
            case Self.attrRole:
                guard let value else { continue }
                switch String(cString: value).lowercased() {
                case "navigation", "complementary", "contentinfo", "banner", "search", "dialog", "alertdialog", "menu", "menubar":
                    flags.insert(.furniture)
                case "main", "article": flags.insert(.structural)
                default: break
                }
            case Self.attrItemprop:
                guard let value else { continue }
                switch String(cString: value) {
                case "articleBody", "articlebody", "text": flags.insert(.articleBody)
                case "datePublished":
                    guard metadata.itemDatePublished == nil else { break }
                    if let given = Self.attribute(attributes, Self.attrContent) ?? Self.attribute(attributes, Self.attrDatetime) {
                        metadata.itemDatePublished = given
                    } else {
                        beginCapture(.itemDatePublished)
                    }
                case "author", "creator":
                    guard metadata.itemAuthor == nil else { break }
                    if let given = Self.attribute(attributes, Self.attrContent) { metadata.itemAuthor = given } else { beginCapture(.itemAuthor) }
                default: break
                }
            case Self.attrHidden:
                return false
            case Self.attrStyle:
                if let value, Self.hidesElement(value) { return false }
            case Self.attrLang:
                if tag == .html, let value, metadata.htmlLang == nil { metadata.htmlLang = String(cString: value) }
            case Self.attrDatetime:
                if tag == .time, let value { metadata.times.append((String(cString: value), Int32(elements.count))) }
            case Self.attrRel:
                if tag == .a, metadata.relAuthor == nil, let value, String(cString: value).lowercased().contains("author") {
                    beginCapture(.relAuthor)
                }
            default:
                break
            }
        }
        return true
    }

    /// A class or id naming a byline: "byline", "author", "writtenby" (any case, anywhere in the value).
    private static func namesByline(_ value: UnsafePointer<UInt8>) -> Bool {
        // In place, without a copy: this runs on every class and id until a byline is found.
        var i = 0
        while value[i] != 0 && i < 256 {
            switch value[i] | 0x20 {
            case 0x62: if startsWith(value + i, "byline") { return true } // b
            case 0x61: if startsWith(value + i, "author") { return true } // a
            case 0x77: if startsWith(value + i, "writtenby") { return true } // w
            default: break
            }
            i += 1
        }
        return false
    }

    /// `text` (NUL-terminated) begins with the lowercase ASCII `needle`, ignoring case.
    private static func startsWith(_ text: UnsafePointer<UInt8>, _ needle: StaticString) -> Bool {
        let n = needle.utf8Start
        for k in 0..<needle.utf8CodeUnitCount {
            let c = text[k]
            if c == 0 || c | 0x20 != n[k] { return false }
        }
        return true
    }

    /// An id made from a sentence: five or more words joined by hyphens or underscores, no spaces.
    private static func isSlug(_ value: UnsafePointer<UInt8>) -> Bool {
        var joints = 0
        var i = 0
        while value[i] != 0 && i < 256 {
            switch value[i] {
            case 0x2D, 0x5F: joints += 1
            case 0x20: return false
            default: break
            }
            i += 1
        }
        return joints >= 4
    }

    /// `display:none` or `visibility:hidden` in a style attribute.
    private static func hidesElement(_ value: UnsafePointer<UInt8>) -> Bool {
        var compact: [UInt8] = []
        var i = 0
        while value[i] != 0 && i < 1024 {
            let b = value[i] | 0x20
            if value[i] != 32 { compact.append(b) }
            i += 1
        }
        return compact.count >= 12 && (contains(compact, "display:none") || contains(compact, "visibility:hidden"))
    }

    private static func contains(_ hay: [UInt8], _ needle: StaticString) -> Bool {
        let n = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        guard hay.count >= n.count else { return false }
        for i in 0...(hay.count - n.count) where hay[i] == n[0] {
            var k = 1
            while k < n.count, hay[i + k] == n[k] { k += 1 }
            if k == n.count { return true }
        }
        return false
    }

    private mutating func readMeta(_ attributes: Attributes?) {
        guard let attributes else { return }
        var name: String?
        var content: String?
        var i = 0
        while let n = attributes[i] {
            let value = attributes[i + 1]
            i += 2
            guard let value else { continue }
            switch NameKey.of(UnsafeRawPointer(n)) {
            case Self.attrName, Self.attrProperty, Self.attrItemprop, Self.attrHTTPEquiv:
                if name == nil { name = String(cString: value).lowercased() }
            case Self.attrContent: content = String(cString: value)
            default: break
            }
        }
        guard let name, let content else { return }
        // `property="og:title twitter:title"` names several properties at once.
        for key in name.split(separator: " ") where metadata.meta[String(key)] == nil { metadata.meta[String(key)] = content }
    }

    private mutating func readLink(_ attributes: Attributes?) {
        guard metadata.canonical == nil, let rel = Self.attribute(attributes, Self.attrRel), rel.lowercased() == "canonical" else { return }
        metadata.canonical = Self.attribute(attributes, Self.attrHref)
    }

    private static func attribute(_ attributes: Attributes?, _ key: UInt64) -> String? {
        guard let attributes else { return nil }
        var i = 0
        while let name = attributes[i] {
            if NameKey.of(UnsafeRawPointer(name)) == key, let value = attributes[i + 1] { return String(cString: value) }
            i += 2
        }
        return nil
    }

    // MARK: Captured text

    private mutating func beginCapture(_ target: Capture.Target) {
        captures.append(Capture(depth: depth, target: target, start: captured.count))
    }

    private mutating func finishCapture() {
        let capture = captures.removeLast()
        let value = String(decoding: captured[capture.start...], as: UTF8.self)
        if captures.isEmpty { captured.removeAll(keepingCapacity: true) }
        switch capture.target {
        case .title: if metadata.title == nil { metadata.title = value }
        case .jsonLD: metadata.jsonLD.append(value)
        case .itemDatePublished: if metadata.itemDatePublished == nil { metadata.itemDatePublished = value }
        case .itemAuthor: if metadata.itemAuthor == nil { metadata.itemAuthor = value }
        case .relAuthor: if metadata.relAuthor == nil { metadata.relAuthor = value }
        case .classAuthor:
            // Readability's rule: the first such element with a short text (here: one that reads as names).
            let text = Whitespace.collapse(value)
            if metadata.classAuthor == nil, text.count < 100, let name = MetadataResolver.bylineName(text) { metadata.classAuthor = name }
        }
    }

    // MARK: Text runs

    private mutating func append(_ p: UnsafePointer<UInt8>, _ count: Int) {
        var i = 0
        while i < count {
            let b = p[i]
            if Self.isSpace(b) { pendingSpace = true; i += 1; continue }
            if b >= 0xC2, i + 1 < count {
                let b1 = p[i + 1]
                if b == 0xC2, b1 == 0xA0 { pendingSpace = true; i += 2; continue }
                // Invisible characters (soft hyphen, zero-width space, BOM) would split words for matching.
                if b == 0xC2, b1 == 0xAD { i += 2; continue }
                if i + 2 < count {
                    if b == 0xE2, b1 == 0x80, p[i + 2] == 0x8B { i += 3; continue }
                    if b == 0xEF, b1 == 0xBB, p[i + 2] == 0xBF { i += 3; continue }
                }
            }
            if pendingSpace {
                if text.count > runStart { text.append(32) }
                pendingSpace = false
            }
            // A run of ordinary bytes up to the next space or possible invisible character, appended at once.
            let start = i
            var chars: Int32 = 0
            repeat {
                let c = p[i]
                if c & 0xC0 != 0x80 { chars += 1 }
                switch c {
                case 46, 44, 59, 58, 33, 63: runPunctuation += 1
                case 0x82, 0x81: if i >= 2, p[i - 1] == 0x80, p[i - 2] == 0xE3 { runPunctuation += 1 } // 。、
                case 0x8C, 0x9B: if i >= 2, p[i - 1] == 0xBC, p[i - 2] == 0xEF { runPunctuation += 1 } // ，；
                default: break
                }
                i += 1
            } while i < count && !Self.isSpace(p[i]) && p[i] != 0xC2 && p[i] != 0xE2 && p[i] != 0xEF
            text.append(contentsOf: UnsafeBufferPointer(start: p + start, count: i - start))
            runChars += chars
            if linkDepth > 0 { runLinkChars += chars }
        }
    }

    /// Escaped markup as text (`<img src=…>`, `</a>`, `<!-- -->`): what a browser that runs
    /// scripts keeps inside `<noscript>` when the page is saved. It is never article text.
    private static func holdsMarkup(_ run: ArraySlice<UInt8>) -> Bool {
        var i = run.startIndex
        while i + 1 < run.endIndex {
            if run[i] == 0x3C {
                let next = run[i + 1] | 0x20
                if (next >= 0x61 && next <= 0x7A) || next == 0x2F || next == 0x21 { return true }
            }
            i += 1
        }
        return false
    }

    @inline(__always) private static func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 10 || b == 9 || b == 13 || b == 12 }

    private mutating func flush() {
        if context.contains(.noscript), Self.holdsMarkup(text[runStart...]) { runChars = 0 }
        if runChars > 0, text.count > runStart, let owner = stack.last {
            blocks.append(BlockRecord(start: Int32(runStart), length: Int32(text.count - runStart), element: owner.element,
                                      chars: runChars, linkChars: runLinkChars, punctuation: runPunctuation,
                                      tag: elements[Int(owner.element)].tag, context: context))
        } else {
            text.removeSubrange(runStart...)
        }
        runStart = text.count
        runChars = 0
        runLinkChars = 0
        runPunctuation = 0
        pendingSpace = false
    }

    func string(_ block: BlockRecord) -> String {
        String(decoding: text[Int(block.start)..<Int(block.start + block.length)], as: UTF8.self)
    }
}
