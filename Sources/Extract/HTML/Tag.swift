import CLibXML2

/// The HTML elements the extractor distinguishes; everything else is `.other` (inline).
enum Tag: UInt8 {
    case other
    // Skipped with their subtree.
    case script, style, noscript, template, svg, iframe, select, textarea, button, object, embed, canvas, math,
         annotation, video, audio, map, datalist, rt, rp, title, head
    // Block level.
    case html, body, p, div, section, article, main, h1, h2, h3, h4, h5, h6, li, ul, ol, dl, dt, dd, blockquote,
         pre, table, tr, td, th, caption, figure, figcaption, header, footer, nav, aside, form, fieldset, address,
         hr, br, center, details, summary, hgroup, menu, dialog, legend
    // Inline elements the recorder looks at.
    case a, meta, link, time, img

    /// `noscript` is walked: recovering parsers put whole pages inside `<noscript><div></noscript>`.
    /// `math` is walked too: a formula's symbols are part of the sentence around it ("when a≠0, …");
    /// its `annotation` (the TeX source) is not shown and is skipped.
    var isSkipped: Bool {
        rawValue >= Tag.script.rawValue && rawValue <= Tag.head.rawValue && self != .head && self != .noscript && self != .math
    }
    var isBlock: Bool { rawValue >= Tag.html.rawValue && rawValue <= Tag.legend.rawValue }
    var isHeading: Bool { rawValue >= Tag.h1.rawValue && rawValue <= Tag.h6.rawValue }
    /// Page furniture by its very element: navigation, asides, footers, headers, forms, dialogs.
    var isFurniture: Bool {
        switch self {
        case .nav, .aside, .footer, .header, .form, .menu, .dialog, .address: return true
        default: return false
        }
    }

    private static let byKey: [UInt64: Tag] = {
        let names: [(String, Tag)] = [
            ("script", .script), ("style", .style), ("noscript", .noscript), ("template", .template), ("svg", .svg),
            ("iframe", .iframe), ("select", .select), ("textarea", .textarea), ("button", .button), ("object", .object),
            ("embed", .embed), ("canvas", .canvas), ("math", .math),
            ("annotation", .annotation), ("annotation-xml", .annotation), ("video", .video), ("audio", .audio), ("map", .map),
            ("datalist", .datalist), ("rt", .rt), ("rp", .rp), ("title", .title), ("head", .head), ("html", .html), ("body", .body), ("p", .p),
            ("div", .div), ("section", .section), ("article", .article), ("main", .main), ("h1", .h1), ("h2", .h2),
            ("h3", .h3), ("h4", .h4), ("h5", .h5), ("h6", .h6), ("li", .li), ("ul", .ul), ("ol", .ol), ("dl", .dl),
            ("dt", .dt), ("dd", .dd), ("blockquote", .blockquote), ("pre", .pre), ("table", .table), ("tr", .tr),
            ("td", .td), ("th", .th), ("caption", .caption), ("figure", .figure), ("figcaption", .figcaption),
            ("header", .header), ("footer", .footer), ("nav", .nav), ("aside", .aside), ("form", .form),
            ("fieldset", .fieldset), ("address", .address), ("hr", .hr), ("br", .br), ("center", .center),
            ("details", .details), ("summary", .summary), ("hgroup", .hgroup), ("menu", .menu), ("dialog", .dialog),
            ("legend", .legend), ("a", .a), ("meta", .meta), ("link", .link), ("time", .time), ("img", .img),
        ]
        var map: [UInt64: Tag] = [:]
        for (name, tag) in names { map[NameKey.of(name)] = tag }
        return map
    }()

    /// Element names from libxml2's HTML parser are already lowercase.
    static func of(_ name: UnsafePointer<xmlChar>?) -> Tag {
        guard let name else { return .other }
        return byKey[NameKey.of(UnsafeRawPointer(name))] ?? .other
    }
}

/// A cheap key for short ASCII names (tags, attributes) so that lookups need no String.
enum NameKey {
    static func of(_ raw: UnsafeRawPointer) -> UInt64 {
        let p = raw.assumingMemoryBound(to: UInt8.self)
        var key: UInt64 = 0
        var i = 0
        while i < 16 {
            let b = p[i]
            if b == 0 { return key }
            key = key &* 131 &+ UInt64(b | 0x20)
            i += 1
        }
        return UInt64.max // longer names are never ones we look for
    }

    static func of(_ s: StaticString) -> UInt64 { of(UnsafeRawPointer(s.utf8Start)) }

    static func of(_ s: String) -> UInt64 { s.utf8CString.withUnsafeBufferPointer { of(UnsafeRawPointer($0.baseAddress!)) } }

    /// The key of `length` bytes at `p` (no terminator needed); the same as `of` on those bytes.
    static func of(_ p: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        guard length < 16 else { return UInt64.max }
        var key: UInt64 = 0
        for i in 0..<length { key = key &* 131 &+ UInt64(p[i] | 0x20) }
        return key
    }
}
