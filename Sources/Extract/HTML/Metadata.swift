import Foundation
import WinnowCore

/// Title, date, author, site, language and canonical URL from what the recorder collected:
/// JSON-LD first, then Open Graph / article meta, microdata, `<time>`, the URL, visible text.
struct MetadataResolver {
    let raw: RawMetadata
    let jsonLD: JSONLDInfo
    let url: String?

    init(raw: RawMetadata, url: String?) {
        self.raw = raw
        self.jsonLD = JSONLDInfo(raw.jsonLD)
        self.url = url
    }

    private func meta(_ keys: String...) -> String? {
        for k in keys { if let v = raw.meta[k].map({ Whitespace.collapse($0) }), !v.isEmpty { return v } }
        return nil
    }

    var site: String? { meta("og:site_name", "application-name", "twitter:site").flatMap { $0.hasPrefix("@") ? nil : $0 } ?? jsonLD.publisher }

    /// `h1` wins when the page's declared title agrees with it (the title metadata when the page
    /// has any, else `<title>`: a blog's name in `h1` is part of `<title>` too, never of the
    /// post's own title); otherwise the declared title: Dublin Core, Open Graph, Twitter and
    /// Parse.ly titles, the JSON-LD headline, then `<title>` without its site-name suffix.
    func title(firstHeading: String?) -> String? {
        let declared = meta("dc:title", "dcterm:title", "dcterms:title", "og:title", "twitter:title", "parsely-title")
        let docTitle = raw.title.map { Whitespace.collapse($0) }.flatMap { $0.isEmpty ? nil : $0 }
        if let h1 = firstHeading, h1.count >= 8 {
            let lower = h1.lowercased()
            let judges = declared != nil ? [declared, jsonLD.headline] : [jsonLD.headline, docTitle]
            if judges.contains(where: { $0?.lowercased().containsBytes(lower) == true }) { return h1 }
        }
        if let declared { return stripSiteName(declared) }
        if let headline = jsonLD.headline { return headline }
        if let docTitle { return stripSiteName(docTitle) }
        return firstHeading
    }

    /// Removes " | Site", " - Site" and the like when the suffix is the site name or clearly shorter.
    func stripSiteName(_ title: String) -> String {
        let siteName = site?.lowercased()
        for separator in [" | ", " - ", " – ", " — ", " :: ", " » ", " · ", " // ", " / "] {
            guard let range = title.lastRange(ofBytes: separator) else { continue }
            let head = String(title[..<range.lowerBound]), tail = String(title[range.upperBound...])
            if tail.lowercased() == siteName || (tail.count < head.count && tail.split(separator: " ").count <= 4) {
                return head.trimmedWhitespace()
            }
            // Breadcrumb-style prefixes: "Site: Section / Article title".
            let lowerHead = head.lowercased()
            if let siteName, lowerHead == siteName || lowerHead.hasPrefix(siteName) { return tail.trimmedWhitespace() }
            if let first = lowerHead.split(separator: " ").first, first.hasPrefix("www.") || (first.hasSuffix(":") && first.contains(".")) {
                return tail.trimmedWhitespace()
            }
        }
        return title
    }

    func published(visibleDate: String?) -> Date? {
        let candidates: [String?] = [
            jsonLD.datePublished, meta("article:published_time", "og:article:published_time", "datepublished", "date",
                                       "dc.date", "dc.date.issued", "dcterms.date", "dcterms.created", "pubdate",
                                       "publishdate", "publish-date", "sailthru.date", "parsely-pub-date", "article.published",
                                       "og:published_time", "citation_publication_date"),
            raw.itemDatePublished, raw.times.first?.value,
        ]
        for c in candidates { if let c, let d = DateParser.parse(c) { return d } }
        if let d = Self.dateInURL(url ?? raw.canonical ?? meta("og:url")) { return d }
        if let visibleDate, let d = DateParser.parse(visibleDate) { return d }
        return jsonLD.dateModified.flatMap { DateParser.parse($0) }
    }

    func author(byline: String?) -> String? {
        let candidates: [String?] = [jsonLD.author, meta("dc:creator", "dcterm:creator", "dcterms:creator", "author", "article:author", "dc.creator", "parsely-author", "sailthru.author")
                                         ?? meta("og:article:author"),
                                     raw.itemAuthor, raw.relAuthor, byline, raw.classAuthor]
        for c in candidates {
            guard let c = c.map({ Whitespace.collapse($0) }), !c.isEmpty, c.count < 120,
                  !c.hasPrefix("http://"), !c.hasPrefix("https://") else { continue }
            return c
        }
        return nil
    }

    /// "By Jane Doe" -> "Jane Doe"; nil when what is left is no list of names: empty, holding
    /// digits (a date beside the name) or as long as a sentence (a "follow the author" teaser).
    static func bylineName(_ text: String) -> String? {
        var name = Substring(text)
        for prefix in ["by ", "von ", "par ", "por ", "di ", "door ", "written by ", "text: ", "autor: ", "author: "] where name.lowercased().hasPrefix(prefix) {
            name = name.dropFirst(prefix.count)
            break
        }
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard trimmed.contains(where: \.isLetter), !trimmed.contains(where: \.isNumber),
              trimmed.split(separator: " ").count <= 8 else { return nil }
        return trimmed
    }

    var canonicalURL: String? {
        for c in [raw.canonical, meta("og:url"), jsonLD.url, url] {
            if let c = c?.trimmedWhitespace(), c.hasPrefix("http") { return c }
        }
        return nil
    }

    var language: String? {
        let candidates = [raw.htmlLang, meta("og:locale", "content-language", "language", "dc.language"), jsonLD.language]
        for c in candidates {
            guard let c = c?.trimmedWhitespace(), c.count >= 2 else { continue }
            // "en-US", "de_DE" -> "en", "de"
            let code = c.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map(String.init)?.lowercased() ?? ""
            if (2...3).contains(code.count), code.allSatisfy({ $0.isASCII && $0.isLetter }) { return code }
        }
        return nil
    }

    /// `/2019/05/31/` or `/2019-05-31` in a URL path.
    static func dateInURL(_ url: String?) -> Date? {
        guard let url else { return nil }
        let b = Array(url.utf8)
        func num(_ i: Int, _ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in i..<(i + n) { guard b[k] >= 48, b[k] <= 57 else { return nil }; v = v * 10 + Int(b[k] - 48) }
            return v
        }
        var i = 0
        while i + 10 <= b.count {
            if b[i] == 47, let y = num(i + 1, 4), (1990...2100).contains(y), b.count > i + 5, b[i + 5] == 47 || b[i + 5] == 45,
               let m = num(i + 6, 2), (1...12).contains(m) {
                if i + 11 <= b.count, b[i + 8] == 47 || b[i + 8] == 45, let d = num(i + 9, 2), (1...31).contains(d),
                   i + 11 == b.count || !(48...57).contains(b[i + 11]) {
                    return DateParser.parse(String(format: "%04d-%02d-%02d", y, m, d))
                }
            }
            i += 1
        }
        return nil
    }
}

/// The article-ish object of a page's JSON-LD (`NewsArticle`, `BlogPosting`, …, also inside `@graph`).
struct JSONLDInfo {
    var headline: String?
    var datePublished: String?
    var dateModified: String?
    var author: String?
    var publisher: String?
    var articleBody: String?
    var language: String?
    var url: String?

    init(_ scripts: [String]) {
        for script in scripts {
            guard let data = Self.unwrapped(script).data(using: .utf8),
                  let json = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { continue }
            visit(json, depth: 0)
        }
    }

    /// The JSON inside the wrappers pages put around scripts: `<![CDATA[ … ]]>` (also behind
    /// `//`) and `<!-- … -->`.
    static func unwrapped(_ script: String) -> String {
        var s = Substring(script).drop(while: \.isWhitespace)
        for (open, close) in [("//<![CDATA[", "//]]>"), ("<![CDATA[", "]]>"), ("<!--", "-->")] where s.hasPrefix(open) {
            s = s.dropFirst(open.count)
            while let last = s.last, last.isWhitespace { s = s.dropLast() }
            if s.hasSuffix(close) { s = s.dropLast(close.count) }
            break
        }
        return String(s)
    }

    private static func string(_ v: Any?) -> String? {
        if let s = v as? String { let t = s.trimmedWhitespace(); return t.isEmpty ? nil : t }
        if let a = v as? [Any] { return a.lazy.compactMap { name($0) }.first }
        return nil
    }

    private static func name(_ v: Any?) -> String? {
        if let s = string(v) { return s }
        if let d = v as? [String: Any] { return string(d["name"]) }
        if let a = v as? [Any] {
            let names = a.compactMap { ($0 as? [String: Any]).flatMap { string($0["name"]) } ?? ($0 as? String) }
            return names.isEmpty ? nil : names.joined(separator: ", ")
        }
        return nil
    }

    private mutating func visit(_ value: Any, depth: Int) {
        guard depth < 6 else { return }
        if let array = value as? [Any] { for v in array { visit(v, depth: depth + 1) }; return }
        guard let object = value as? [String: Any] else { return }
        if let graph = object["@graph"] { visit(graph, depth: depth + 1) }
        let types: [String] = (object["@type"] as? String).map { [$0] } ?? (object["@type"] as? [String]) ?? []
        let articleish = types.contains { $0.hasSuffix("Article") || $0 == "BlogPosting" || $0 == "Report" || $0 == "Posting"
            || $0.hasSuffix("Posting") }
        let pageish = articleish || types.contains { $0 == "WebPage" || $0 == "ItemPage" }
        guard pageish else { return }
        if articleish || headline == nil {
            if headline == nil || articleish { headline = Self.string(object["headline"]) ?? headline }
        }
        datePublished = datePublished ?? Self.string(object["datePublished"])
        dateModified = dateModified ?? Self.string(object["dateModified"])
        if articleish {
            author = author ?? Self.name(object["author"])
            publisher = publisher ?? Self.name(object["publisher"])
            if articleBody == nil { articleBody = Self.string(object["articleBody"]) ?? Self.string(object["text"]) }
        }
        language = language ?? Self.string(object["inLanguage"])
        url = url ?? Self.string(object["url"])
    }
}

/// A light language guess from stopwords, for pages that declare none.
enum LanguageGuess {
    private static let stopwords: [(String, Set<String>)] = [
        ("en", ["the", "and", "of", "to", "is", "in", "that", "for", "with", "was", "on", "are", "this", "have"]),
        ("de", ["der", "die", "und", "das", "ist", "nicht", "mit", "den", "ein", "eine", "auch", "sich", "für", "von"]),
        ("fr", ["le", "la", "les", "et", "des", "est", "une", "dans", "pour", "pas", "que", "qui", "sur", "du"]),
        ("es", ["el", "la", "los", "las", "y", "que", "del", "una", "por", "para", "con", "es", "se", "en"]),
        ("it", ["il", "la", "di", "che", "è", "per", "una", "non", "con", "sono", "gli", "del", "della", "le"]),
        ("pt", ["o", "a", "os", "que", "não", "uma", "para", "com", "do", "da", "em", "é", "dos", "das"]),
        ("nl", ["de", "het", "een", "en", "van", "is", "dat", "niet", "met", "voor", "op", "zijn", "ook", "aan"]),
        ("pl", ["i", "w", "nie", "się", "na", "że", "jest", "do", "to", "z", "jak", "ale", "po", "czy"]),
    ]

    /// The best-scoring language code, or nil when the text is too short or no language stands out.
    static func guess(_ paragraphs: [String]) -> String? {
        // Words are made once, then looked up in each language's set; ASCII letters are
        // folded by hand, other letters through their Unicode lowercase mapping.
        var words: [String] = []
        var word: [UInt8] = []
        func endWord() {
            if !word.isEmpty { words.append(String(decoding: word, as: UTF8.self)); word.removeAll(keepingCapacity: true) }
        }
        collect: for p in paragraphs {
            for scalar in p.unicodeScalars {
                let v = scalar.value
                if v < 128 {
                    if (v >= 97 && v <= 122) || (v >= 65 && v <= 90) { word.append(UInt8(v) | 0x20); continue }
                } else if scalar.properties.isAlphabetic {
                    word.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
                    continue
                }
                endWord()
                if words.count >= 400 { break collect }
            }
            endWord()
            if words.count >= 400 { break }
        }
        guard words.count >= 20 else { return nil }
        var best: (code: String, hits: Int) = ("", 0)
        var second = 0
        for (code, set) in stopwords {
            let hits = words.reduce(0) { $0 + (set.contains($1) ? 1 : 0) }
            if hits > best.hits { second = best.hits; best = (code, hits) } else if hits > second { second = hits }
        }
        return best.hits * 10 >= words.count && best.hits >= second * 3 / 2 ? best.code : nil
    }
}
