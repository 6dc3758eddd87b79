import Foundation

/// Feeds and article pages for tests and benchmarks, with bodies different enough that no
/// two articles are near-duplicates of each other.
public enum FeedFixtures {
    static let syllables = ["ka", "lo", "mi", "ren", "tas", "vo", "pel", "dru", "sin", "gor", "fa", "bex", "nul", "tri", "ost",
                            "qua", "zem", "hil", "yun", "wer", "cap", "dor", "ein", "jut"]

    /// A deterministic pseudo-random generator (splitmix64).
    public struct Generator {
        var state: UInt64
        public init(seed: Int) {
            // Scrambled so consecutive seeds give unrelated streams: with a plain linear
            // start, seed n+1's stream is seed n's shifted by one draw, and the bodies come out
            // as near-duplicates of each other (which near-duplicate detection then merges).
            var z = UInt64(bitPattern: Int64(seed)) &* 0x9E37_79B9_7F4A_7C15 &+ 0x1234_5678
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            state = z ^ (z >> 31)
        }
        public mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        public mutating func word() -> String {
            let n = 2 + Int(next() % 2)
            return (0..<n).map { _ in FeedFixtures.syllables[Int(next() % UInt64(FeedFixtures.syllables.count))] }.joined()
        }
    }

    /// Paragraphs of made-up words, unique to `seed`.
    public static func paragraphs(seed: Int, count: Int = 4, words: Int = 45) -> [String] {
        var g = Generator(seed: seed)
        return (0..<count).map { _ in
            var p = (0..<words).map { _ in g.word() }.joined(separator: " ")
            p = p.prefix(1).uppercased() + p.dropFirst() + "."
            return p
        }
    }

    public static func articleHTML(seed: Int, title: String) -> String {
        let body = paragraphs(seed: seed).map { "<p>\($0)</p>" }.joined(separator: "\n")
        return """
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>\(title)</title></head>
            <body><nav><a href="/">Home</a> <a href="/about">About</a></nav>
            <article><h1>\(title)</h1>\n\(body)\n</article><footer>Copyright Test Site</footer></body></html>
            """
    }

    public struct Item {
        public var id: String
        public var link: String
        public var title: String
        public var summary: String?
        public init(id: String, link: String, title: String, summary: String? = nil) {
            self.id = id
            self.link = link
            self.title = title
            self.summary = summary
        }
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    public static func rss(title: String, items: [Item], ttl: Int? = nil) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>\(escape(title))</title>"
        out += "<link>http://example.invalid/</link><description>Test feed</description>"
        if let ttl { out += "<ttl>\(ttl)</ttl>" }
        for (i, item) in items.enumerated() {
            let day = 1 + i % 28
            out += "\n<item><title>\(escape(item.title))</title><link>\(escape(item.link))</link><guid isPermaLink=\"false\">\(escape(item.id))</guid>"
            out += "<pubDate>Mon, \(String(format: "%02d", day)) Dec 2024 10:00:00 GMT</pubDate>"
            if let summary = item.summary { out += "<description>\(escape(summary))</description>" }
            out += "</item>"
        }
        return out + "\n</channel></rss>\n"
    }

    public static func atom(title: String, items: [Item]) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>\(escape(title))</title>"
        out += "<id>urn:test:\(escape(title))</id><updated>2024-12-01T00:00:00Z</updated>"
        for (i, item) in items.enumerated() {
            out += "\n<entry><title>\(escape(item.title))</title><link rel=\"alternate\" href=\"\(escape(item.link))\"/><id>\(escape(item.id))</id>"
            out += "<updated>2024-12-\(String(format: "%02d", 1 + i % 28))T10:00:00Z</updated>"
            if let summary = item.summary { out += "<summary>\(escape(summary))</summary>" }
            out += "</entry>"
        }
        return out + "\n</feed>\n"
    }

    /// Registers a feed at `path` with `count` articles under `path`-derived URLs, each page
    /// and the feed carrying an ETag. Returns the feed URL.
    @discardableResult
    public static func serveFeed(_ routes: Routes, base: String, path: String, count: Int, atom: Bool = false, seed: Int = 0,
                                 summaries: Bool = false) -> String {
        var items: [Item] = []
        let stem = path.replacingOccurrences(of: "/", with: "").replacingOccurrences(of: ".", with: "-")
        for i in 0..<count {
            let title = "Story \(i) of \(stem)"
            let page = "/articles/\(stem)/\(i).html"
            routes["/articles/\(stem)/\(i).html"] = .respond(
                status: 200, headers: ["Content-Type": "text/html; charset=utf-8", "ETag": "\"p\(seed)-\(i)\""],
                body: Array(articleHTML(seed: seed * 100_000 + i, title: title).utf8))
            let summary = summaries ? paragraphs(seed: seed * 100_000 + i, count: 2).joined(separator: " ") : nil
            items.append(Item(id: "\(stem)-\(i)", link: base + page + "?utm_source=feed", title: title, summary: summary))
        }
        let body = atom ? Self.atom(title: "Feed \(stem)", items: items) : rss(title: "Feed \(stem)", items: items)
        routes.serve(path, body, type: atom ? "application/atom+xml" : "application/rss+xml", etag: "\"\(stem)-v1\"")
        return base + path
    }
}
