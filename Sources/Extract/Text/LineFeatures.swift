import Foundation

/// Shape of one line: length, sentence shape and casing, the generic signals the
/// classifier works from.
struct LineFeatures {
    let text: String
    /// Lowercased, curly apostrophes folded to `'`.
    let lower: String
    let words: [Substring]
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

    var wordCount: Int { words.count }

    init(_ text: String) {
        self.text = text
        lower = text.lowercased().replacingOccurrences(of: "’", with: "'")
        words = text.split(separator: " ")
        var lettered = 0, lowercase = 0
        for word in words {
            guard let first = word.unicodeScalars.first(where: { $0.properties.isAlphabetic || $0.properties.numericType != nil }),
                  first.properties.isAlphabetic else { continue }
            lettered += 1
            if first.properties.isLowercase { lowercase += 1 }
        }
        lowercaseRatio = lettered == 0 ? 0 : Double(lowercase) / Double(lettered)
        let letters = text.unicodeScalars.filter { $0.properties.isAlphabetic }
        isAllCaps = letters.count >= 3 && letters.allSatisfy { !$0.properties.isLowercase }
        let closing: Set<Character> = ["\"", "”", "’", "'", "»", ")", "]", "*", " "]
        var end = text[...]
        while let last = end.last, closing.contains(last) { end = end.dropLast() }
        endsWithEllipsis = end.hasSuffix("…") || end.hasSuffix("...")
        endsSentence = !endsWithEllipsis && (end.last.map { ".!?。".contains($0) } ?? false)
        let lowerText = text.lowercased()
        isURLOnly = words.count == 1 && (lowerText.hasPrefix("http://") || lowerText.hasPrefix("https://") || lowerText.hasPrefix("www."))
    }

    /// Running text: long and ending like a sentence, or very long and reading like prose
    /// (sentence-case headlines are long too, but rarely this long).
    var isProse: Bool { (wordCount >= 12 && endsSentence) || (wordCount >= 25 && lowercaseRatio >= 0.5) }

    /// A complete sentence of prose.
    var isSentence: Bool { wordCount >= 6 && endsSentence && lowercaseRatio >= 0.45 }

    /// A finished body paragraph: prose that ends with a full stop, not a cut-off teaser.
    var isCompleteParagraph: Bool { isProse && endsSentence }

}
