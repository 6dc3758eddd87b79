import Foundation

/// Shape of one line: length, sentence shape and casing, the generic signals the
/// classifier works from.
struct LineFeatures {
    let text: String
    /// Lowercased, curly apostrophes folded to `'`.
    let lower: String
    /// Words separated by spaces (the count only: a line keeps no per-word storage).
    let wordCount: Int
    /// Share of words starting with a letter that start with a lowercase one (prose is high,
    /// title-case headlines and names are low).
    let lowercaseRatio: Double
    /// Every letter is uppercase (and there are some).
    let isAllCaps: Bool
    /// Ends with `.`, `!` or `?` (before closing quotes/brackets), not with an ellipsis.
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
        var words = 0, lettered = 0, lowercase = 0
        var inWord = false, decided = false
        for c in text {
            if c == " " { inWord = false; continue }
            if !inWord { inWord = true; decided = false; words += 1 }
            guard !decided else { continue }
            // The first letter or digit of the word decides.
            for scalar in c.unicodeScalars {
                let properties = scalar.properties
                if properties.isAlphabetic {
                    lettered += 1
                    if properties.isLowercase { lowercase += 1 }
                    decided = true
                    break
                }
                if properties.numericType != nil { decided = true; break }
            }
        }
        wordCount = words
        lowercaseRatio = lettered == 0 ? 0 : Double(lowercase) / Double(lettered)
        var letters = 0, anyLowercase = false
        for scalar in text.unicodeScalars where scalar.properties.isAlphabetic {
            letters += 1
            if scalar.properties.isLowercase { anyLowercase = true }
        }
        isAllCaps = letters >= 3 && !anyLowercase
        var end = text[...]
        while let last = end.last, Self.closing.contains(last) { end = end.dropLast() }
        endsWithEllipsis = end.hasSuffix("…") || end.hasSuffix("...")
        endsSentence = !endsWithEllipsis && (end.last.map { ".!?。".contains($0) } ?? false)
        isURLOnly = words == 1 && (lowerText.hasPrefix("http://") || lowerText.hasPrefix("https://") || lowerText.hasPrefix("www."))
    }

    private static let closing: Set<Character> = ["\"", "”", "’", "'", "»", ")", "]", "*", " "]

    /// Running text: long and ending like a sentence, or very long and reading like prose
    /// (sentence-case headlines are long too, but rarely this long).
    var isProse: Bool { (wordCount >= 12 && endsSentence) || (wordCount >= 25 && lowercaseRatio >= 0.5) }

    /// A complete sentence of prose.
    var isSentence: Bool { wordCount >= 6 && endsSentence && lowercaseRatio >= 0.45 }

    /// A finished body paragraph: prose that ends with a full stop, not a cut-off teaser.
    var isCompleteParagraph: Bool { isProse && endsSentence }

}
