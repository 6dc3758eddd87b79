/// Recognises text that a wrong charset turned into noise: mostly U+FFFD replacement
/// characters, unassigned or private-use code points and control characters. Such text is
/// refused with a reason rather than stored as an article.
enum Garbled {
    /// Share of bad scalars among the non-space ones above which text is garbled.
    static let threshold = 0.3

    /// Whether the title and paragraphs together are mostly noise.
    static func isGarbled(title: String?, paragraphs: [String]) -> Bool {
        var counts = (bad: 0, all: 0)
        if let title { tally(title, into: &counts) }
        for s in paragraphs { tally(s, into: &counts) }
        return counts.all > 0 && Double(counts.bad) > threshold * Double(counts.all)
    }

    static func tally(_ s: String, into counts: inout (bad: Int, all: Int)) {
        for unit in s.utf8 where unit < 0x80 {
            if unit > 0x20 { counts.all += 1 } else if unit != 0x20, unit != 0x09, unit != 0x0A { counts.bad += 1; counts.all += 1 }
        }
        // ASCII is settled above; only non-ASCII scalars need their properties.
        guard s.utf8.contains(where: { $0 >= 0x80 }) else { return }
        for scalar in s.unicodeScalars where scalar.value >= 0x80 {
            counts.all += 1
            if isBad(scalar) { counts.bad += 1 }
        }
    }

    static func isBad(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value == 0xFFFD { return true }
        switch scalar.properties.generalCategory {
        case .unassigned, .privateUse, .surrogate, .control: return true
        default: return false
        }
    }
}
