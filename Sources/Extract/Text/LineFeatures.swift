import Foundation

/// Shape of one line: length, sentence shape and casing, the generic signals the
/// classifier works from.
struct LineFeatures {
    let text: String
    /// Lowercased, curly apostrophes folded to `'`.
    let lower: String
    /// Words separated by spaces (the count only: a line keeps no per-word storage). Scripts
    /// written without spaces (Han, kana) count two characters as one word, so that length
    /// judgements (sentence, paragraph, headline) mean the same in every script.
    let wordCount: Int
    /// Share of words starting with a letter that start with a lowercase one (prose is high,
    /// title-case headlines and names are low). Letters of scripts without case (Han, kana,
    /// Hangul, Arabic, Hebrew) count as lowercase: they never mark a headline.
    let lowercaseRatio: Double
    /// Every letter is uppercase (and there are some).
    let isAllCaps: Bool
    /// Most letters belong to scripts without case (Han, kana, Hangul, Arabic, Hebrew): case
    /// tells nothing about the line.
    let isUncased: Bool
    /// Ends with `.`, `!` or `?`, their full-width and ideographic forms (`。！？．`) or the
    /// Arabic `؟` and `۔` (before closing quotes/brackets), not with an ellipsis.
    let endsSentence: Bool
    /// Ends with `…` or `...`: a cut-off teaser.
    let endsWithEllipsis: Bool
    /// The line is one bare URL or domain.
    let isURLOnly: Bool

    init(_ text: String) {
        self.text = text
        let lowerText = text.lowercased()
        // Foundation's replace is slow on Linux; most lines have no curly apostrophe.
        lower = lowerText.utf8.contains(0xE2) ? lowerText.replacingOccurrences(of: "’", with: "'") : lowerText
        // One pass, no per-word storage: a line may be megabytes long.
        let stats = text.utf8.allSatisfy({ $0 < 0x80 }) ? Self.asciiStats(text) : Self.unicodeStats(text)
        wordCount = stats.words
        lowercaseRatio = stats.lettered == 0 ? 0 : Double(stats.lowercase) / Double(stats.lettered)
        isAllCaps = stats.letters >= 3 && !stats.anyLowercase
        isUncased = stats.uncased * 2 > stats.letters
        var end = text[...]
        while let last = end.last, Self.closing.contains(last) { end = end.dropLast() }
        endsWithEllipsis = end.hasSuffix("…") || end.hasSuffix("...")
        endsSentence = !endsWithEllipsis && (end.last.map { Self.sentenceEnds.contains($0) } ?? false
            || Self.endsWithCreditAfterSentence(text[...]))
        isURLOnly = stats.words == 1 && (lowerText.hasPrefix("http://") || lowerText.hasPrefix("https://") || lowerText.hasPrefix("www."))
    }

    /// Word and letter counts: words separated by spaces; a word is lettered when its first
    /// letter or digit is a letter, lowercase when that letter is.
    typealias Stats = (words: Int, lettered: Int, lowercase: Int, letters: Int, anyLowercase: Bool, uncased: Int)

    private static func unicodeStats(_ text: String) -> Stats {
        var stats: Stats = (0, 0, 0, 0, false, 0)
        var inWord = false, decided = false
        var dense = 0
        for c in text {
            if c == " " { inWord = false; continue }
            let first = c.unicodeScalars.first!.value
            if first >= 0x3000 {
                // Dense scripts: every two characters are a word (rounded up below), all uncased.
                if isDense(first) { dense += 1; inWord = false; continue }
                if isDensePunctuation(first) { inWord = false; continue }
            }
            if !inWord { inWord = true; decided = false; stats.words += 1 }
            guard !decided else { continue }
            for scalar in c.unicodeScalars {
                let properties = scalar.properties
                if properties.isAlphabetic {
                    stats.lettered += 1
                    // Uncased letters (Arabic, Hebrew, Hangul) read like lowercase.
                    if !properties.changesWhenLowercased { stats.lowercase += 1 }
                    decided = true
                    break
                }
                if properties.numericType != nil { decided = true; break }
            }
        }
        let denseWords = (dense + 1) / 2
        stats.words += denseWords
        stats.lettered += denseWords
        stats.lowercase += denseWords
        for scalar in text.unicodeScalars where scalar.properties.isAlphabetic {
            stats.letters += 1
            let properties = scalar.properties
            if !properties.changesWhenLowercased {
                stats.anyLowercase = true
                if !properties.changesWhenUppercased { stats.uncased += 1 }
            }
        }
        return stats
    }

    /// `unicodeStats` of ASCII text on bytes (ASCII letters are the only alphabetic
    /// characters there, digits the only numeric ones).
    private static func asciiStats(_ text: String) -> Stats {
        var stats: Stats = (0, 0, 0, 0, false, 0)
        var inWord = false, decided = false
        for b in text.utf8 {
            if b == 0x20 { inWord = false; continue }
            if !inWord { inWord = true; decided = false; stats.words += 1 }
            let lower = b >= 0x61 && b <= 0x7A
            let letter = lower || (b >= 0x41 && b <= 0x5A)
            if letter {
                stats.letters += 1
                if lower { stats.anyLowercase = true }
            }
            guard !decided else { continue }
            if letter {
                stats.lettered += 1
                if lower { stats.lowercase += 1 }
                decided = true
            } else if b >= 0x30 && b <= 0x39 {
                decided = true
            }
        }
        return stats
    }

    private static let closing: Set<Character> = ["\"", "”", "’", "'", "»", ")", "]", "*", " ", "」", "』", "）", "】", "》", "〉", "〕", "］", "＂", "\u{3000}",
                                                      // Direction marks and embeddings that right-to-left text carries.
                                                      "\u{200E}", "\u{200F}", "\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{202E}",
                                                      "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}"]
    private static let sentenceEnds: Set<Character> = [".", "!", "?", "。", "！", "？", "．", "｡", "؟", "۔"]

    /// "…上。（编译/林靖东）", "…した。（共同）", "…said. (Reuters)": a short parenthesis after the
    /// sentence's end (looks at the last 40 characters only).
    static func endsWithCreditAfterSentence(_ text: Substring) -> Bool {
        var end = text
        while end.last == " " { end = end.dropLast() }
        guard let last = end.last, last == ")" || last == "）" else { return false }
        let open: Character = last == ")" ? "(" : "（"
        let tail = end.suffix(40)
        guard let start = tail.lastIndex(of: open) else { return false }
        var before = end[..<start]
        while let c = before.last, c == " " || closing.contains(c) && c != ")" && c != "）" { before = before.dropLast() }
        return before.last.map { sentenceEnds.contains($0) } ?? false
    }

    /// Characters of scripts written without spaces between words: kana, Han ideographs,
    /// full-width letters and digits, half-width katakana.
    @inline(__always)
    static func isDense(_ v: UInt32) -> Bool {
        (0x3040...0x30FF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFF10...0xFF19).contains(v) || (0xFF21...0xFF3A).contains(v)
            || (0xFF41...0xFF5A).contains(v) || (0xFF66...0xFF9F).contains(v) || (0x20000...0x3FFFF).contains(v)
    }

    /// Ideographic spaces and punctuation (`、。「」（）！？：`): they part words like a space does.
    @inline(__always)
    static func isDensePunctuation(_ v: UInt32) -> Bool {
        (0x3000...0x303F).contains(v) || (0xFF00...0xFF65).contains(v) && !isDense(v) || v == 0x30FB
    }

    /// Running text: long and ending like a sentence, or very long and reading like prose
    /// (sentence-case headlines are long too, but rarely this long).
    var isProse: Bool { (wordCount >= 12 && endsSentence) || (wordCount >= 25 && lowercaseRatio >= 0.5) }

    /// A complete sentence of prose.
    var isSentence: Bool { wordCount >= 6 && endsSentence && lowercaseRatio >= 0.45 }

    /// A finished body paragraph: prose that ends with a full stop, not a cut-off teaser.
    var isCompleteParagraph: Bool { isProse && endsSentence }

}
