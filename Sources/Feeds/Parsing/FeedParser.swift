import CLibXML2
import Extract
import Foundation
import WinnowCore

/// Parses RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed 1.x.
///
/// The bytes are first decoded to UTF-8 (`FeedEncoding`). XML goes through libxml2's
/// streaming reader, never a DOM of the whole feed, with network access, entity
/// substitution and DTD loading off (an external entity is never read, an internal one is
/// never expanded: only text nodes are collected). When the XML is broken, undefined HTML
/// entities, bare ampersands and unterminated CDATA sections are repaired and the document
/// is read again; failing that, the entries completed before the break are kept, a
/// recovering parse is tried, and each entry is parsed on its own; the best wins.
public enum FeedParser {
    /// Documents above this are refused (the HTTP client caps bodies lower).
    public static let maxBytes = 64 << 20

    static let setup: Void = {
        // Defence in depth: no external entity or DTD is ever loaded, whatever the options.
        xmlSetExternalEntityLoader { _, _, _ in nil }
    }()

    /// Parses a feed document.
    /// - Parameters:
    ///   - url: where it came from (the base URL for relative links).
    ///   - charset: the HTTP `Content-Type` charset, if any.
    ///   - contentLocation: the HTTP `Content-Location` header, the base URL when present.
    public static func parse(_ bytes: [UInt8], url: String, charset: String? = nil,
                             contentLocation: String? = nil) throws(FeedParseError) -> ParsedFeed {
        LibXML.initialize()
        _ = setup
        guard bytes.count <= maxBytes else { throw FeedParseError("document too large (\(bytes.count) bytes)") }
        let decoded = FeedEncoding.decode(bytes, httpCharset: charset)
        let data = decoded.bytes
        var start = 0
        while start < data.count, [0x20, 0x09, 0x0A, 0x0D].contains(data[start]) { start += 1 }
        guard start < data.count else { throw FeedParseError("empty document") }
        let base = contentLocation.map { FeedText.resolve($0, against: url) } ?? url
        var feed: ParsedFeed
        if data[start] == UInt8(ascii: "{") {
            feed = try JSONFeedParser.parse(Array(data[start...]), url: base)
        } else {
            feed = try parseXML(data, url: base)
        }
        feed.encoding = "\(decoded.encoding) (\(decoded.source.rawValue))"
        return feed
    }

    static func parseXML(_ bytes: [UInt8], url: String) throws(FeedParseError) -> ParsedFeed {
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
                            | XML_PARSE_IGNORE_ENC.rawValue)
        // A CDATA section left open swallows the entries after it up to the next `]]>` and the
        // document may still be well-formed, so this one is repaired before the first parse.
        var notes: [String] = []
        let bytes = FeedRepair.closeCDATA(bytes, notes: &notes)
        let strict = XMLFeedReader.run(bytes, url: url, options: options)
        if strict.error == nil, var feed = strict.feed {
            if !notes.isEmpty { feed.warnings.append("malformed XML repaired (\(notes.joined(separator: ", ")))") }
            return feed
        }
        if strict.feed == nil, strict.error?.hasPrefix("not a feed") == true { throw FeedParseError(strict.error!) }
        // Broken XML: repair what feeds commonly get wrong, then try again.
        var repair = FeedRepair.repair(bytes)
        repair.notes = notes + repair.notes
        if !repair.notes.isEmpty {
            let again = XMLFeedReader.run(repair.bytes, url: url, options: options)
            if again.error == nil, var feed = again.feed {
                feed.warnings.append("malformed XML repaired (\(repair.notes.joined(separator: ", ")))")
                return feed
            }
        }
        let input = repair.notes.isEmpty ? bytes : repair.bytes
        let recovered = XMLFeedReader.run(input, url: url, options: options | Int32(XML_PARSE_RECOVER.rawValue))
        var candidates = [strict, recovered].filter { $0.feed != nil }
        if let salvaged = salvage(input, url: url, options: options) {
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
    static func salvage(_ bytes: [UInt8], url: String, options: Int32) -> ParsedFeed? {
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
            let one = XMLFeedReader.run(open + chunk + close, url: url,
                                        options: options | Int32(XML_PARSE_RECOVER.rawValue))
            if let entry = one.feed?.entries.first { feed.entries.append(entry) }
        }
        return feed.entries.isEmpty ? nil : feed
    }
}
