import CLibXML2
import Foundation
import WinnowCore

/// Main-content extraction from HTML with libxml2's recovering HTML parser.
///
/// First version: walks the body once, keeps block text outside navigation, headers,
/// footers, asides and forms. Refined in the extraction issue.
public enum HTMLExtractor {
    /// Parses and extracts; never throws: an unusable page yields no paragraphs.
    public static func extract(_ bytes: [UInt8], url: String?, charset: String?) -> ExtractedDocument {
        LibXML.initialize()
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue
            | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NOBLANKS.rawValue | HTML_PARSE_COMPACT.rawValue)
        let encoding = charset.flatMap { $0.isEmpty ? nil : $0 } ?? CharsetSniffer.sniff(bytes)
        let doc: htmlDocPtr? = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { base in
                htmlReadMemory(base, Int32(buffer.count), url, encoding, options)
            }
        }
        guard let doc else { return ExtractedDocument() }
        defer { xmlFreeDoc(doc) }
        guard let root = xmlDocGetRootElement(doc) else { return ExtractedDocument() }
        var walker = BlockWalker()
        walker.walk(root)
        var result = ExtractedDocument()
        result.title = walker.title.map { Whitespace.collapse($0) }
        result.paragraphs = walker.blocks
        return result
    }
}

/// One-time libxml2 set-up.
public enum LibXML {
    private static let once: Void = { xmlInitParser() }()
    public static func initialize() { _ = once }
}

/// Collects block-level text in document order.
struct BlockWalker {
    var blocks: [String] = []
    var title: String?
    private var current = ""

    static let skipped: Set<String> = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "button",
                                       "select", "iframe", "svg", "template", "head"]
    static let blockNames: Set<String> = ["p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "section",
                                          "article", "main", "td", "th", "tr", "ul", "ol", "table", "br", "dd", "dt", "figcaption"]

    mutating func walk(_ node: xmlNodePtr) {
        walkTree(from: node)
        flush()
    }

    private mutating func walkTree(from node: xmlNodePtr) {
        var stack: [(xmlNodePtr, Bool)] = [(node, false)]
        while let (n, exiting) = stack.popLast() {
            if exiting { if isBlock(n) { flush() }; continue }
            switch n.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = n.pointee.content { current += String(cString: content) }
            case XML_ELEMENT_NODE:
                let name = String(cString: n.pointee.name).lowercased()
                if name == "title", title == nil, let text = xmlNodeGetContent(n) {
                    title = String(cString: text); winnow_xml_free(text)
                    continue
                }
                if Self.skipped.contains(name) { continue }
                if isBlock(n) { flush() }
                stack.append((n, true))
                var children: [xmlNodePtr] = []
                var c = n.pointee.children
                while let child = c { children.append(child); c = child.pointee.next }
                for child in children.reversed() { stack.append((child, false)) }
            default:
                continue
            }
        }
    }

    private func isBlock(_ n: xmlNodePtr) -> Bool {
        n.pointee.type == XML_ELEMENT_NODE && Self.blockNames.contains(String(cString: n.pointee.name).lowercased())
    }

    private mutating func flush() {
        let text = Whitespace.collapse(current)
        current = ""
        if text.count >= 2 { blocks.append(text) }
    }
}

/// Whitespace folding used for every extracted string.
public enum Whitespace {
    public static func collapse(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        var space = false
        for scalar in s.unicodeScalars {
            if scalar.properties.isWhitespace || scalar == "\u{00A0}" {
                space = true
            } else {
                if space && !out.isEmpty { out.unicodeScalars.append(" ") }
                space = false
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
