import CLibXML2
import Foundation
import WinnowCore

/// Text helpers for feed fields: HTML to plain paragraphs, entity decoding, canonical links,
/// and byte preparation (encodings) before XML parsing.
public enum FeedText {
    static let blockTags: Set<String> = [
        "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "table", "ul", "ol",
        "section", "article", "figure", "figcaption", "hr", "dd", "dt", "header", "footer",
    ]
    static let droppedTags: Set<String> = ["script", "style", "noscript", "template", "iframe", "svg", "head"]

    /// Paragraphs of plain text from an HTML fragment (tags dropped, entities decoded).
    public static func paragraphs(fromHTML html: String) -> [String] {
        var paragraphs: [String] = []
        var current = ""
        func flush() {
            let collapsed = collapse(current)
            if !collapsed.isEmpty { paragraphs.append(collapsed) }
            current = ""
        }
        let scalars = Array(html.unicodeScalars)
        var i = 0
        var dropping: String?
        while i < scalars.count {
            let s = scalars[i]
            if s == "<" {
                // Find the tag end.
                var j = i + 1
                while j < scalars.count, scalars[j] != ">" { j += 1 }
                if j >= scalars.count {  // a lone '<' is text
                    if dropping == nil { current.unicodeScalars.append(s) }
                    i += 1
                    continue
                }
                let inner = String(String.UnicodeScalarView(scalars[(i + 1)..<j]))
                let closing = inner.hasPrefix("/")
                let name = String(inner.drop(while: { $0 == "/" }).prefix(while: { $0.isLetter || $0.isNumber })).lowercased()
                let start = i
                i = j + 1
                if let dropped = dropping {
                    if closing && name == dropped { dropping = nil }
                    continue
                }
                // `<!--`, `<![CDATA[` and `<!DOCTYPE` are markup; any other `<!` is text.
                let declaration = inner.hasPrefix("!--") || inner.hasPrefix("![") || inner.lowercased().hasPrefix("!doctype")
                if name.isEmpty && !declaration {
                    // Not a tag: the `<` is text, and what follows is read again (it may hold tags).
                    current.unicodeScalars.append("<")
                    i = start + 1
                    continue
                }
                if droppedTags.contains(name) && !closing && !inner.hasSuffix("/") { dropping = name; continue }
                if blockTags.contains(name) { flush() }
                continue
            }
            if dropping == nil { current.unicodeScalars.append(s) }
            i += 1
        }
        flush()
        return paragraphs.map(decodeEntities).map(collapse).filter { !$0.isEmpty }
    }

    /// HTML elements a plain-text field may contain and still be read as HTML.
    static let htmlElements: Set<String> = [
        "a", "abbr", "acronym", "address", "area", "article", "aside", "audio", "b", "bdi", "bdo", "big", "blockquote", "br",
        "button", "caption", "center", "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "dir", "div", "dl",
        "dt", "em", "fieldset", "figcaption", "figure", "font", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "i", "img", "input", "ins", "kbd", "label", "legend", "li", "main", "map", "mark", "menu", "nav", "ol", "optgroup",
        "option", "p", "picture", "pre", "q", "s", "samp", "section", "select", "small", "source", "span", "strike", "strong",
        "sub", "summary", "sup", "table", "tbody", "td", "textarea", "tfoot", "th", "thead", "time", "tr", "tt", "u", "ul",
        "var", "video", "wbr",
    ]

    /// Whether an RSS field that is nominally plain text holds HTML: it has a closing tag or
    /// an entity, every tag is an ordinary HTML element and every entity a real one
    /// (feedparser's rule, conservative because a false positive loses text such as `<T>`).
    public static func looksLikeHTML(_ s: String) -> Bool {
        guard s.contains("<") || s.contains("&") else { return false }
        let scalars = Array(s.unicodeScalars)
        func word(from start: Int) -> (String, Int) {
            var j = start
            while j < scalars.count, scalars[j].properties.isAlphabetic || (48...57).contains(scalars[j].value) || scalars[j] == "_" { j += 1 }
            return (String(String.UnicodeScalarView(scalars[start..<j])), j)
        }
        var evidence = false
        var i = 0
        while i < scalars.count {
            if scalars[i] == "<" {
                let closing = i + 1 < scalars.count && scalars[i + 1] == "/"
                let (name, end) = word(from: i + (closing ? 2 : 1))
                if !name.isEmpty {
                    if !htmlElements.contains(name.lowercased()) { return false }
                    if closing, end < scalars.count, scalars[end] == ">" { evidence = true }
                }
                i = max(end, i + 1)
            } else if scalars[i] == "&" {
                let numeric = i + 1 < scalars.count && scalars[i + 1] == "#"
                let (name, end) = word(from: i + (numeric ? 2 : 1))
                if !name.isEmpty, end < scalars.count, scalars[end] == ";" {
                    if !numeric && name != "apos" && htmlEntityLookup(name) == nil { return false }
                    evidence = true
                }
                i = max(end, i + 1)
            } else {
                i += 1
            }
        }
        return evidence
    }

    /// Undoes two common encoding accidents, as feedparser does: text that is UTF-8 read as
    /// Latin-1 (`â€¦` for `…`), and C1 controls (U+0080–U+009F) standing for the
    /// windows-1252 characters of the same bytes (`&#146;` for `’`).
    public static func repairMisdecoded(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0.value >= 0x80 }) else { return s }
        var text = s
        if text.unicodeScalars.allSatisfy({ $0.value <= 0xFF }) {
            let bytes = text.unicodeScalars.map { UInt8($0.value) }
            if let utf8 = String(validating: bytes, as: UTF8.self) { text = utf8 }
        }
        guard text.unicodeScalars.contains(where: { (0x80...0x9F).contains($0.value) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if (0x80...0x9F).contains(scalar.value), let mapped = Unicode.Scalar(cp1252High[Int(scalar.value - 0x80)]),
               mapped.value != 0 {
                out.append(mapped)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Windows-1252 bytes 0x80–0x9F (0 where undefined).
    static let cp1252High: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]

    /// A one-line plain-text version of a possibly-HTML field (titles, authors).
    public static func plainLine(_ raw: String, html: Bool = true) -> String {
        let text = html && raw.contains("<") ? paragraphs(fromHTML: raw).joined(separator: " ") : decodeEntities(raw)
        return collapse(text)
    }

    public static func collapse(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Decodes `&name;`, `&#N;` and `&#xH;` references (HTML 4 names via libxml2's table).
    public static func decodeEntities(_ s: String) -> String {
        guard s.contains("&") else { return s }
        var out = String.UnicodeScalarView()
        let scalars = Array(s.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "&", let semi = scalars[(i + 1)..<min(scalars.count, i + 12)].firstIndex(of: ";") {
                let name = String(String.UnicodeScalarView(scalars[(i + 1)..<semi]))
                var value: Unicode.Scalar?
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    value = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                } else if name.hasPrefix("#") {
                    value = UInt32(name.dropFirst(1)).flatMap(Unicode.Scalar.init)
                }
                // `&#146;` means windows-1252's byte 146 (as HTML5 reads it).
                if let v = value?.value, (0x80...0x9F).contains(v), cp1252High[Int(v - 0x80)] != 0 {
                    value = Unicode.Scalar(cp1252High[Int(v - 0x80)])
                } else if name == "apos" {
                    value = "'"
                } else if !name.isEmpty, let entity = htmlEntityLookup(name) {
                    value = Unicode.Scalar(entity.pointee.value)
                }
                if let value, value.value != 0 {
                    out.append(value)
                    i = semi + 1
                    continue
                }
            }
            out.append(c)
            i += 1
        }
        return String(out)
    }

    static func escapeXML(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// Plain text as HTML paragraphs, so every body goes through one converter.
    static func htmlFromPlainText(_ s: String) -> String {
        s.components(separatedBy: "\n\n").map { "<p>" + escapeXML($0) + "</p>" }.joined()
    }

    // MARK: Links

    static let trackingParameters: Set<String> = ["fbclid", "gclid", "dclid", "msclkid", "mc_eid", "igshid"]

    /// The link with tracking parameters (`utm_*`, `fbclid`, `gclid`, …) and the fragment
    /// removed and scheme/host lowercased; nil for anything but http(s).
    public static func canonicalLink(_ raw: String) -> String? {
        guard var components = URLComponents(string: raw.trimmingCharacters(in: .whitespacesAndNewlines)),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty else { return nil }
        components.scheme = scheme
        components.host = host.lowercased()
        components.fragment = nil
        if let items = components.queryItems {
            let kept = items.filter { item in
                let name = item.name.lowercased()
                return !name.hasPrefix("utm_") && !trackingParameters.contains(name)
            }
            components.queryItems = kept.isEmpty ? nil : kept
        }
        if components.path.isEmpty { components.path = "/" }
        return components.string
    }

    /// `reference` resolved against `base` (absolute references returned as they are).
    public static func resolve(_ reference: String, against base: String?) -> String {
        let trimmed = reference.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let base, let baseURL = URL(string: base) else { return trimmed }
        return URL(string: trimmed, relativeTo: baseURL)?.absoluteURL.absoluteString ?? trimmed
    }
}
