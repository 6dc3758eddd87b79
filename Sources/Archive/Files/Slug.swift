/// File names for articles: ASCII, lowercase, hyphenated, at most 80 characters.
/// Built only from `[a-z0-9-]`, so no title can produce `/`, `..`, a leading dot or a
/// control byte.
public enum Slug {
    public static let maxLength = 80

    public static func make(_ title: String) -> String {
        var out = ""
        var hyphen = false
        for scalar in title.decomposedStringWithCompatibilityMapping.unicodeScalars {
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
        return slug.isEmpty ? "article" : slug
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
