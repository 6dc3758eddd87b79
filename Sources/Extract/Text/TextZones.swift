import Foundation

/// Header, body and footer of a clipping.
///
/// The header runs up to the first run of prose (site name, slogan, navigation, title, date
/// and byline live there); the footer is what follows the last finished body paragraph.
enum TextZones {
    /// Index of the first line of the body: the first prose line, unless it comes before any
    /// headline and a headline follows it (a slogan or blurb above the title).
    static func bodyStart(_ kinds: [LineKind], _ features: [LineFeatures]) -> Int {
        // Site names are short; headlines usually run to five words or more.
        func isHeadline(_ i: Int, words: Int = 4) -> Bool { kinds[i] == .heading && features[i].wordCount >= words && !features[i].endsSentence }
        var sawHeadline = false
        for i in kinds.indices {
            if isHeadline(i, words: 5) { sawHeadline = true }
            guard kinds[i] == .prose else { continue }
            if sawHeadline { return i }
            let next = kinds.indices[(i + 1)...].first { kinds[$0] == .prose || isHeadline($0) }
            if next == nil || kinds[next!] == .prose { return i }
        }
        return kinds.count
    }

    /// Drops what follows the last finished paragraph unless it is prose not preceded there
    /// by boilerplate ("Join the mailing list" + a podcast blurb; a truncated last paragraph stays).
    static func trimFooter(keep: inout [Bool], features: [LineFeatures], kinds: [LineKind]) {
        guard let last = keep.indices.last(where: { keep[$0] && kinds[$0] == .prose && features[$0].endsSentence }) else { return }
        var sawBoilerplate = false
        for i in (last + 1)..<keep.count {
            if kinds[i] != .prose { sawBoilerplate = true }
            if keep[i], sawBoilerplate || kinds[i] != .prose { keep[i] = false }
        }
    }
}
