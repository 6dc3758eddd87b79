import Foundation

/// File names for articles: ASCII, lowercase, hyphenated, at most 80 characters.
/// Built only from `[a-z0-9-]`, so no title can produce `/`, `..`, a leading dot or a
/// control byte.
public enum Slug {
    public static let maxLength = 80

    /// The slug of `title`, transliterated to Latin letters first (ICU's `Any-Latin;
    /// Latin-ASCII`: `Россия и КНДР` → `rossia-i-kndr`, `朝鲜导弹` → `chao-xian-dao-dan`);
    /// `fallback` (the article id) when nothing of the title is left.
    public static func make(_ title: String, fallback: String) -> String {
        let slug = ascii(latin(title))
        if !slug.isEmpty { return slug }
        let other = ascii(fallback)
        return other.isEmpty ? "article" : other
    }

    /// `text` in Latin letters; ASCII text as it is (the transform is not free).
    static func latin(_ text: String) -> String {
        guard !text.utf8.allSatisfy({ $0 < 0x80 }) else { return text }
        // Accented Latin letters and a few punctuation marks come out of `ascii` as the
        // transform would make them (é → e, – → -): ICU builds its transliterator anew
        // for every call, which costs more than the rest of storing a short article.
        if text.unicodeScalars.allSatisfy({ $0.value < 0x80 || plainLatin.contains($0.value) }) { return text }
        return Transliteration.toLatin(text)
            ?? text.applyingTransform(StringTransform("Any-Latin; Latin-ASCII"), reverse: false) ?? text
    }

    /// Scalars `ascii` folds as `Any-Latin; Latin-ASCII` does: letters of Latin-1 and
    /// Latin Extended-A that decompose into an ASCII letter and marks, and punctuation
    /// that becomes a separator either way.
    static let plainLatin: Set<UInt32> = {
        var set: Set<UInt32> = [0xA0, 0xAB, 0xBB, 0x2013, 0x2014, 0x201C, 0x201D, 0x201E]
        // Punctuation and spaces of Latin-1 and General Punctuation: a separator either way
        // (’ “ … • ¿ ¡), but for the few the transform turns into an apostrophe or a letter.
        let punctuation: Set<Unicode.GeneralCategory> = [
            .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation, .finalPunctuation, .otherPunctuation, .spaceSeparator,
        ]
        for v in Array(UInt32(0xA1)...0xBF) + Array(UInt32(0x2000)...0x206F) where !punctuationTransformedOtherwise.contains(v) {
            guard let scalar = Unicode.Scalar(v), punctuation.contains(scalar.properties.generalCategory) else { continue }
            set.insert(v)
        }
        for v in UInt32(0xC0)...0x17F {
            guard let scalar = Unicode.Scalar(v) else { continue }
            let parts = Array(String(Character(scalar)).decomposedStringWithCanonicalMapping.unicodeScalars)
            guard parts.count >= 2, parts[0].isASCII, parts[0].properties.isAlphabetic,
                  parts.dropFirst().allSatisfy({ $0.properties.generalCategory == .nonspacingMark }) else { continue }
            set.insert(v)
        }
        return set
    }()

    /// Punctuation `Latin-ASCII` makes into something `ascii` does not read as a separator
    /// (found by `SlugTests.plainLatinSlugsAsTheTransformDoes`).
    static let punctuationTransformedOtherwise: Set<UInt32> = [0x2018, 0x201B, 0x2032]  // ‘ ‛ ′ become an apostrophe

    /// Lower-case letters and digits of `text`, runs of anything else as one hyphen.
    static func ascii(_ text: String) -> String {
        var out = ""
        var hyphen = false
        for scalar in text.decomposedStringWithCompatibilityMapping.unicodeScalars {
            let v = scalar.value
            if (0x30...0x39).contains(v) || (0x61...0x7A).contains(v) {
                if hyphen && !out.isEmpty { out.append("-") }
                hyphen = false
                out.unicodeScalars.append(scalar)
            } else if (0x41...0x5A).contains(v) {
                if hyphen && !out.isEmpty { out.append("-") }
                hyphen = false
                out.unicodeScalars.append(Unicode.Scalar(v + 32)!)
            } else if scalar.properties.generalCategory == .nonspacingMark {
                continue  // é → e
            } else if v == 0x27 || v == 0x2019 {
                continue  // don't → dont
            } else {
                hyphen = true
            }
            if out.count >= maxLength { break }
        }
        var slug = String(out.prefix(maxLength))
        while slug.hasSuffix("-") { slug.removeLast() }
        return slug
    }

    /// The n-th candidate name for a slug in a folder: `slug`, `slug-2`, `slug-3`…,
    /// still within the length limit.
    public static func candidate(_ slug: String, attempt: Int) -> String {
        guard attempt > 1 else { return slug }
        let suffix = "-\(attempt)"
        var base = String(slug.prefix(maxLength - suffix.count))
        while base.hasSuffix("-") { base.removeLast() }
        return base + suffix
    }
}
