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
                i = j + 1
                if let dropped = dropping {
                    if closing && name == dropped { dropping = nil }
                    continue
                }
                if name.isEmpty && !inner.hasPrefix("!") { current += "<" + inner + ">"; continue }
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

    // MARK: Encodings

    /// Windows-1252 bytes 0x80–0x9F (0 where undefined).
    static let cp1252High: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]

    /// Bytes made ready for libxml2: single-byte Western encodings and UTF-8 are turned into
    /// valid UTF-8 here (invalid sequences become U+FFFD, control characters XML forbids
    /// become spaces) so one bad byte cannot cost the whole feed; the result says which
    /// encoding to force. Other encodings are left to libxml2.
    public static func prepareXML(_ bytes: [UInt8], charset: String?) -> (bytes: [UInt8], encoding: String?, transcoded: Bool) {
        if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) { return (bytes, nil, false) }
        var input = bytes
        var declared: String?
        if input.starts(with: [0xEF, 0xBB, 0xBF]) {
            input.removeFirst(3)
            declared = "utf-8"
        } else {
            declared = declaredEncoding(input)
        }
        let encoding = (declared ?? charset ?? "utf-8").lowercased().trimmingCharacters(in: .whitespaces)
        switch encoding {
        case "utf-8", "utf8", "unicode-1-1-utf-8":
            return (sanitizedUTF8(input), "UTF-8", true)
        case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "iso_8859-1", "us-ascii", "ascii", "windows-1252", "cp1252",
             "x-cp1252", "iso-8859-15", "iso8859-15", "latin9":
            return (windows1252ToUTF8(input, latin9: encoding.contains("15") || encoding == "latin9"), "UTF-8", true)
        default:
            return (input, declared == nil ? encoding : nil, false)
        }
    }

    static func declaredEncoding(_ bytes: [UInt8]) -> String? {
        guard bytes.starts(with: Array("<?xml".utf8)) else { return nil }
        let head = bytes.prefix(256)
        guard let end = head.firstIndex(of: UInt8(ascii: ">")) else { return nil }
        let decl = String(decoding: head[..<end], as: UTF8.self)
        guard let range = decl.range(of: "encoding") else { return nil }
        let rest = decl[range.upperBound...].drop(while: { $0 == " " || $0 == "=" })
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        return String(rest.dropFirst().prefix(while: { $0 != quote }))
    }

    static func isForbiddenControl(_ b: UInt8) -> Bool { b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D }

    static func sanitizedUTF8(_ bytes: [UInt8]) -> [UInt8] {
        let valid = String(validating: bytes, as: UTF8.self) != nil
        var out = valid ? bytes : Array(String(decoding: bytes, as: UTF8.self).utf8)
        for i in out.indices where isForbiddenControl(out[i]) { out[i] = 0x20 }
        return out
    }

    static func windows1252ToUTF8(_ bytes: [UInt8], latin9: Bool) -> [UInt8] {
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(bytes.count)
        for b in bytes {
            var v = UInt32(b)
            if isForbiddenControl(b) { v = 0x20 }
            else if (0x80...0x9F).contains(b) { v = cp1252High[Int(b - 0x80)]; if v == 0 { v = 0xFFFD } }
            else if latin9 {
                switch b {
                case 0xA4: v = 0x20AC
                case 0xA6: v = 0x0160
                case 0xA8: v = 0x0161
                case 0xB4: v = 0x017D
                case 0xB8: v = 0x017E
                case 0xBC: v = 0x0152
                case 0xBD: v = 0x0153
                case 0xBE: v = 0x0178
                default: break
                }
            }
            scalars.append(Unicode.Scalar(v)!)
        }
        return Array(String(scalars).utf8)
    }
}
