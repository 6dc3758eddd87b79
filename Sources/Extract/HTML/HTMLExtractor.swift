import CLibXML2
import Foundation
import WinnowCore

/// Main-content extraction from HTML with libxml2's recovering HTML parser.
///
/// One SAX pass of the parser produces compact element and block records
/// (`PageRecorder`); `ContentSelector` scores containers on those records and picks the main
/// one; `BlockFilter` drops boilerplate blocks inside it; `MetadataResolver` fills title,
/// date, author, site, language and canonical URL.
public enum HTMLExtractor {
    /// Parses and extracts; never throws: an unusable page yields no paragraphs.
    ///
    /// - Parameters:
    ///   - bytes: the raw page (the caller bounds its size).
    ///   - url: where the page came from, used for a date in the path and as the URL of last resort.
    ///   - charset: the HTTP `Content-Type` charset, if any.
    public static func extract(_ bytes: [UInt8], url: String?, charset: String?) -> ExtractedDocument {
        guard !bytes.isEmpty, bytes.count <= Int(Int32.max) else { return ExtractedDocument() }
        LibXML.initialize()
        var encoding = CharsetSniffer.sniff(bytes, declared: charset)
        var input = bytes
        if encoding == "windows-1252", charset == nil || charset?.lowercased().contains("utf") == true {
            // Mostly UTF-8 with stray single bytes: repair them rather than misread every multi-byte letter.
            let census = MixedUTF8.census(bytes)
            if census.multibyte > census.invalid {
                input = MixedUTF8.repair(bytes)
                encoding = "UTF-8"
            }
        }
        let wide = ["UTF-16", "UTF-32", "UCS-"].contains { encoding.uppercased().hasPrefix($0) }
        let markup = MarkupPrefilter.filter(input, asciiCompatible: !wide)
        guard !markup.isEmpty else { return ExtractedDocument() } // a page of nothing but a comment
        var page = PageRecorder()
        parse(markup, encoding: encoding, into: &page)
        guard !page.elements.isEmpty else { return ExtractedDocument() }
        return assemble(page, url: url)
    }

    private static func parse(_ bytes: [UInt8], encoding: String?, into page: inout PageRecorder) {
        // No NOENT/DTDLOAD: no entity expansion beyond HTML's own, no network, no external files.
        var options = HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue
            | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_COMPACT.rawValue | HTML_PARSE_NOBLANKS.rawValue
        // Our sniffing already weighed the page's own declaration.
        if encoding != nil { options |= HTML_PARSE_IGNORE_ENC.rawValue }
        withUnsafeMutablePointer(to: &page) { recorder in
            bytes.withUnsafeBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { base in
                    _ = winnow_html_sax_parse(base, Int32(buffer.count), encoding, Int32(options), { context, name, attributes in
                        context!.assumingMemoryBound(to: PageRecorder.self).pointee.start(name, attributes)
                    }, { context, _ in
                        context!.assumingMemoryBound(to: PageRecorder.self).pointee.end()
                    }, { context, bytes, count in
                        guard let bytes, count > 0 else { return }
                        context!.assumingMemoryBound(to: PageRecorder.self).pointee.characters(bytes, Int(count))
                    }, recorder)
                }
            }
        }
        page.finish()
    }

    static func assemble(_ page: PageRecorder, url: String?) -> ExtractedDocument {
        let resolver = MetadataResolver(raw: page.metadata, url: url)
        let firstH1 = page.blocks.first { $0.tag == .h1 || ($0.context.contains(.heading) && page.elements[Int($0.element)].tag == .h1) }
            .map { page.string($0) }
        let title = resolver.title(firstHeading: firstH1)
        var titles = Set<String>()
        for t in [title, firstH1, page.metadata.meta["og:title"], page.metadata.title] { if let t { titles.insert(BlockFilter.normalized(t)) } }

        let selector = ContentSelector(page: page)
        let container = selector.bestContainer()
        var filter = BlockFilter(page: page, titles: titles)
        var paragraphs = filter.paragraphs(selector.selection(for: container))
        var chars = paragraphs.reduce(0) { $0 + $1.count }
        // Recall rescue: a thin container on a page with more prose elsewhere.
        if chars < 250, container != 0 {
            var wide = BlockFilter(page: page, titles: titles)
            let all = wide.paragraphs(selector.candidateBlocks(in: 0))
            let allChars = all.reduce(0) { $0 + $1.count }
            if allChars > 2 * chars { paragraphs = all; chars = allChars; filter = wide }
        }
        if chars < 250, let body = resolver.jsonLD.articleBody, body.count > 2 * chars {
            paragraphs = body.split(whereSeparator: \.isNewline).map { Whitespace.collapse(String($0)) }.filter { !$0.isEmpty }
        }
        if paragraphs.isEmpty {
            // Nothing reads as an article (a page of headings and pictures): its own visible
            // lines, outside boilerplate regions and link lists, rather than nothing.
            paragraphs = selector.candidateBlocks(in: 0).compactMap { i -> String? in
                let b = page.blocks[i]
                return b.linkChars * 2 < b.chars && !b.context.contains(.caption) ? page.string(b) : nil
            }
        }

        if debug { dumpBlocks(page, selector: selector, container: container, kept: Set(paragraphs), reasons: filter.reasons) }
        var document = ExtractedDocument()
        document.title = title
        document.published = resolver.published(visibleDate: filter.dateLine)
        document.author = resolver.author(byline: filter.byline) ?? resolver.author(byline: BlockFilter.pageByline(page))
        document.site = resolver.site
        document.language = resolver.language ?? LanguageGuess.guess(paragraphs)
        document.url = resolver.canonicalURL
        document.paragraphs = paragraphs
        return document
    }
}

extension HTMLExtractor {
    /// `WINNOW_HTML_DEBUG=1` prints every block with its fate to standard error (tuning aid).
    static let debug = ProcessInfo.processInfo.environment["WINNOW_HTML_DEBUG"] == "1"

    static func dumpBlocks(_ page: PageRecorder, selector: ContentSelector, container: Int, kept: Set<String>, reasons: [Int: String]) {
        let inContainer = Set(selector.selection(for: container))
        var out = "@@container \(container) tag=\(page.elements[container].tag) score=\(selector.score[container])\n"
        for (i, b) in page.blocks.enumerated() {
            let text = page.string(b)
            let state = kept.contains(text) ? "K" : inContainer.contains(i) ? "F" : (b.element >= container && b.element < page.elements[container].end) ? "N" : "O"
            var neg = ""
            var e = Int(b.element)
            while e >= 0 {
                if selector.negative[e] { neg = "[\(page.elements[e].tag) \(page.debugNames[e])]"; break }
                e = Int(page.elements[e].parent)
            }
            let reason = state == "F" ? reasons[i].map { "{\($0)} " } ?? "" : ""
            out += "@@\(state) \(reason)w=\(Int(selector.weight[i])) e=\(b.element) \(b.tag) l=\(b.linkChars)/\(b.chars) \(neg) \(text)\n"
        }
        FileHandle.standardError.write(Data(out.utf8))
    }
}

/// libxml2 set-up, called before every parse.
public enum LibXML {
    private static let once: Void = { xmlInitParser() }()

    /// Initialises libxml2 once per process and silences its error output on the calling
    /// thread: libxml2 keeps error handlers per thread, so silencing them once would leave
    /// parses on other threads printing raw lines into the log.
    public static func initialize() {
        _ = once
        winnow_xml_silence_errors()
    }
}

/// Whitespace folding used for every extracted string.
public enum Whitespace {
    public static func collapse(_ s: String) -> String {
        // ASCII text (most of it) on bytes: whitespace is tab, newline, vertical tab, form
        // feed, carriage return, space.
        if s.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(s.utf8.count)
            var space = false
            for b in s.utf8 {
                if b == 0x20 || (b >= 0x09 && b <= 0x0D) { space = true; continue }
                if space && !bytes.isEmpty { bytes.append(0x20) }
                space = false
                bytes.append(b)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        var out = ""
        out.reserveCapacity(s.utf8.count)
        var space = false
        for scalar in s.unicodeScalars {
            let v = scalar.value
            if v < 0x80 ? (v == 0x20 || (v >= 0x09 && v <= 0x0D)) : (scalar.properties.isWhitespace || v == 0xA0) {
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
