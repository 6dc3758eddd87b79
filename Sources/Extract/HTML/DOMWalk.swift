import CLibXML2
import WinnowCore

/// Walks the libxml2 tree once, iteratively (deep nesting cannot overflow the stack),
/// and turns it into element and block records plus raw metadata.
struct DOMWalk {
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
    private var hints = ClassHints()
    private var runStart = 0
    private var runChars: Int32 = 0
    private var runLinkChars: Int32 = 0
    private var runPunctuation: Int32 = 0
    private var pendingSpace = false

    private static let attrClass = key("class"), attrID = key("id"), attrRole = key("role"), attrItemprop = key("itemprop")
    private static let attrHidden = key("hidden"), attrStyle = key("style"), attrName = key("name"), attrProperty = key("property")
    private static let attrContent = key("content"), attrRel = key("rel"), attrHref = key("href"), attrDatetime = key("datetime")
    private static let attrType = key("type"), attrLang = key("lang"), attrHTTPEquiv = key("http-equiv")

    private static func key(_ s: String) -> UInt64 {
        s.utf8CString.withUnsafeBufferPointer { NameKey.of(UnsafeRawPointer($0.baseAddress!)) }
    }

    init() {
        elements.reserveCapacity(2048)
        blocks.reserveCapacity(1024)
        text.reserveCapacity(64 * 1024)
    }

    mutating func walk(_ root: xmlNodePtr) {
        var node = root
        while true {
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                if enter(node) {
                    if let child = node.pointee.children { node = child; continue }
                    exit(node)
                }
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = node.pointee.content, !context.contains(.head) { append(content) }
            default:
                break
            }
            // Next in document order, closing the elements we climb out of.
            while true {
                if node == root { flush(); return }
                if let next = node.pointee.next { node = next; break }
                guard let parent = node.pointee.parent else { flush(); return }
                node = parent
                exit(node)
            }
        }
    }

    // MARK: Elements

    /// Records an element; false when its subtree is skipped.
    private mutating func enter(_ node: xmlNodePtr) -> Bool {
        let tag = Tag.of(node.pointee.name)
        if tag.isSkipped {
            if tag == .title, metadata.title == nil { metadata.title = nodeText(node) }
            if tag == .script, let type = attribute(node, Self.attrType), type.contains("ld+json"), let json = nodeText(node) {
                metadata.jsonLD.append(json)
            }
            return false
        }
        switch tag {
        case .br, .hr: flush(); return false
        case .meta: readMeta(node); return false
        case .link: readLink(node); return false
        default: break
        }
        if tag.isBlock || tag == .noscript { flush() }
        // <header> holds titles and leads as often as site banners: an ambiguous mark only.
        // <header> holds titles and leads as often as site banners, <form> may wrap a product text:
        // ambiguous marks only.
        var flags: ElementFlags = tag == .header || tag == .form || tag == .noscript ? .weakNegativeHint
            : tag.isFurniture ? .furniture : []
        if tag == .article || tag == .main { flags.insert(.structural) }
        if node.pointee.properties != nil, !readAttributes(node, tag: tag, flags: &flags) { return false }
        // Page-wide state classes on <body> ("showing-comments", "has-sidebar") say nothing about content.
        if tag == .body || tag == .html { flags.subtract([.negativeHint, .weakNegativeHint, .comments]) }
        let index = Int32(elements.count)
        if HTMLExtractor.debug {
            debugNames.append((attribute(node, Self.attrClass) ?? "") + "#" + (attribute(node, Self.attrID) ?? ""))
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
        default: break
        }
        return true
    }

    private mutating func exit(_ node: xmlNodePtr) {
        guard let top = stack.popLast() else { return }
        let tag = elements[Int(top.element)].tag
        if tag.isBlock || tag == .noscript {
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
    private mutating func readAttributes(_ node: xmlNodePtr, tag: Tag, flags: inout ElementFlags) -> Bool {
        var attr = node.pointee.properties
        while let a = attr {
            attr = a.pointee.next
            guard let name = a.pointee.name else { continue }
            let key = NameKey.of(UnsafeRawPointer(name))
            let value = a.pointee.children?.pointee.content
            switch key {
            case Self.attrClass, Self.attrID:
                guard let value else { continue }
                let hint = hints.classify(UnsafePointer(value))
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
                    if metadata.itemDatePublished == nil {
                        metadata.itemDatePublished = attribute(node, Self.attrContent) ?? attribute(node, Self.attrDatetime) ?? nodeText(node)
                    }
                case "author", "creator":
                    if metadata.itemAuthor == nil { metadata.itemAuthor = attribute(node, Self.attrContent) ?? nodeText(node) }
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
                    metadata.relAuthor = nodeText(node)
                }
            default:
                break
            }
        }
        return true
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

    private mutating func readMeta(_ node: xmlNodePtr) {
        var name: String?
        var content: String?
        var attr = node.pointee.properties
        while let a = attr {
            attr = a.pointee.next
            guard let n = a.pointee.name, let v = a.pointee.children?.pointee.content else { continue }
            switch NameKey.of(UnsafeRawPointer(n)) {
            case Self.attrName, Self.attrProperty, Self.attrItemprop, Self.attrHTTPEquiv:
                if name == nil { name = String(cString: v).lowercased() }
            case Self.attrContent: content = String(cString: v)
            default: break
            }
        }
        if let name, let content, metadata.meta[name] == nil { metadata.meta[name] = content }
    }

    private mutating func readLink(_ node: xmlNodePtr) {
        guard metadata.canonical == nil, let rel = attribute(node, Self.attrRel), rel.lowercased() == "canonical" else { return }
        metadata.canonical = attribute(node, Self.attrHref)
    }

    private func attribute(_ node: xmlNodePtr, _ key: UInt64) -> String? {
        var attr = node.pointee.properties
        while let a = attr {
            if let n = a.pointee.name, NameKey.of(UnsafeRawPointer(n)) == key, let v = a.pointee.children?.pointee.content {
                return String(cString: v)
            }
            attr = a.pointee.next
        }
        return nil
    }

    private func nodeText(_ node: xmlNodePtr) -> String? {
        guard let content = xmlNodeGetContent(node) else { return nil }
        defer { winnow_xml_free(content) }
        return String(cString: content)
    }

    // MARK: Text runs

    private mutating func append(_ p: UnsafePointer<UInt8>) {
        let inLink = linkDepth > 0
        var i = 0
        while true {
            let b = p[i]
            if b == 0 { return }
            if b == 32 || b == 10 || b == 9 || b == 13 || b == 12 { pendingSpace = true; i += 1; continue }
            if b == 0xC2, p[i + 1] == 0xA0 { pendingSpace = true; i += 2; continue }
            // Invisible characters (soft hyphen, zero-width space, BOM) would split words for matching.
            if b == 0xC2, p[i + 1] == 0xAD { i += 2; continue }
            if b == 0xE2, p[i + 1] == 0x80, p[i + 2] == 0x8B { i += 3; continue }
            if b == 0xEF, p[i + 1] == 0xBB, p[i + 2] == 0xBF { i += 3; continue }
            if pendingSpace {
                if text.count > runStart { text.append(32) }
                pendingSpace = false
            }
            text.append(b)
            if b & 0xC0 != 0x80 {
                runChars += 1
                if inLink { runLinkChars += 1 }
            }
            switch b {
            case 46, 44, 59, 58, 33, 63: runPunctuation += 1
            case 0x82, 0x81: if i >= 2, p[i - 1] == 0x80, p[i - 2] == 0xE3 { runPunctuation += 1 } // 。、
            case 0x8C, 0x9B: if i >= 2, p[i - 1] == 0xBC, p[i - 2] == 0xEF { runPunctuation += 1 } // ，；
            default: break
            }
            i += 1
        }
    }

    private mutating func flush() {
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
