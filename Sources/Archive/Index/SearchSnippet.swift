import Foundation

/// The snippet of a search hit, made from the body text in Swift: asking FTS5's
/// `snippet()` re-runs the MATCH for every hit, which was half the time of a query over a
/// million articles. Words match as the index matches them: case and diacritics ignored,
/// `word*` by prefix; every word of a phrase is highlighted.
struct SearchSnippet {
    private var exact: Set<String> = []
    private var prefixes: [String] = []

    /// The words of an FTS5 query, without its operators, column filters and syntax.
    init(query: String) {
        var scalars = String.UnicodeScalarView()
        // Column filters ("title:word") lose their field; quotes and grouping are syntax.
        for scalar in query.unicodeScalars {
            scalars.append(Self.isWordScalar(scalar) || scalar == "*" ? scalar : " ")
        }
        for raw in String(scalars).split(separator: " ") {
            if ["AND", "OR", "NOT", "NEAR"].contains(raw) { continue }
            let isPrefix = raw.hasSuffix("*")
            let word = Self.fold(String(raw.filter { $0 != "*" }))
            guard !word.isEmpty else { continue }
            if isPrefix { prefixes.append(word) } else { exact.insert(word) }
        }
    }

    static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        s.properties.isAlphabetic || s.properties.numericType != nil || s.properties.generalCategory == .nonspacingMark
    }

    /// Lower case without diacritics (`unicode61 remove_diacritics 2`, near enough).
    static func fold(_ word: String) -> String {
        word.utf8.allSatisfy { $0 < 0x80 } ? word.lowercased() : word.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    func matches(_ word: String) -> Bool {
        let folded = Self.fold(word)
        return exact.contains(folded) || prefixes.contains { folded.hasPrefix($0) }
    }

    /// About `words` words of `text` around where most query words occur, the matches
    /// between `open` and `close`, `…` where text was cut. Works on the UTF-8 bytes: a
    /// String per word cost more than the query itself.
    func make(from text: String, words: Int = 24, open: String, close: String) -> String {
        let bytes = Array(text.utf8)
        let firsts = Set((exact.map { $0 } + prefixes).compactMap { $0.utf8.first })
        // Word ranges of the text, and which query word each matches.
        var tokens: [(start: Int, end: Int, hit: String?)] = []
        var i = 0
        while i < bytes.count {
            var (isWord, length) = Self.scalar(bytes, at: i)
            guard isWord else { i += length; continue }
            let start = i
            var ascii = bytes[i] < 0x80
            while isWord {
                i += length
                guard i < bytes.count else { break }
                (isWord, length) = Self.scalar(bytes, at: i)
                if bytes[i] >= 0x80 { ascii = false }
            }
            var hit: String?
            // Most words cannot match: their first letter is no query word's.
            let first = bytes[start] | (bytes[start] >= 0x41 && bytes[start] <= 0x5A ? 0x20 : 0)
            if !ascii || firsts.contains(first) {
                let folded = Self.fold(String(decoding: bytes[start..<i], as: UTF8.self))
                hit = exact.contains(folded) ? folded : prefixes.first { folded.hasPrefix($0) }
            }
            tokens.append((start, i, hit))
        }
        guard !tokens.isEmpty else { return "" }
        // The window with the most different query words, then the most matches.
        var best = 0, bestScore = -1
        for start in 0..<max(1, tokens.count - words + 1) where start == 0 || tokens[start].hit != nil {
            let hits = tokens[start..<min(tokens.count, start + words)].compactMap(\.hit)
            let score = Set(hits).count * 1000 + hits.count
            if score > bestScore { best = start; bestScore = score }
        }
        // Start a little before the first match, for context.
        let first = max(0, min(best - 3, tokens.count - words))
        let last = min(tokens.count, first + words)
        var out = first > 0 ? "…" : ""
        var cursor = tokens[first].start
        func slice(_ from: Int, _ to: Int) -> String { String(decoding: bytes[from..<to], as: UTF8.self) }
        for token in tokens[first..<last] {
            out += slice(cursor, token.start)
            out += token.hit != nil ? open + slice(token.start, token.end) + close : slice(token.start, token.end)
            cursor = token.end
        }
        out += last < tokens.count ? "…" : slice(cursor, bytes.count)
        return out.replacingOccurrences(of: "\n\n", with: " ").replacingOccurrences(of: "\n", with: " ")
    }

    /// Whether the scalar at `i` belongs to a word, and its length in bytes.
    static func scalar(_ bytes: [UInt8], at i: Int) -> (Bool, Int) {
        let b = bytes[i]
        if b < 0x80 { return ((b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A), 1) }
        let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
        guard length > 1, i + length <= bytes.count else { return (false, 1) }
        var value = UInt32(b) & (0xFF >> (length + 1))
        for k in 1..<length { value = value << 6 | UInt32(bytes[i + k] & 0x3F) }
        guard let scalar = Unicode.Scalar(value) else { return (false, length) }
        return (isWordScalar(scalar), length)
    }
}
