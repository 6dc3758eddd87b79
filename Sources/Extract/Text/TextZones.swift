import Foundation

/// Header, body and footer of a clipping.
///
/// The header runs up to the first run of prose (site name, slogan, navigation, title, date
/// and byline live there); the footer is what follows the last finished body paragraph.
enum TextZones {
    /// Index of the first line of the body: the first prose line followed by more prose
    /// (skipping dates, bylines and boilerplate between them), else the first prose line.
    static func bodyStart(_ kinds: [LineKind]) -> Int {
        let prose = kinds.indices.filter { kinds[$0] == .prose }
        guard let first = prose.first else { return kinds.count }
        for i in prose {
            var j = i + 1
            while j < kinds.count, kinds[j] == .date || kinds[j] == .byline || kinds[j] == .boilerplate { j += 1 }
            if j < kinds.count, kinds[j] == .prose { return i }
        }
        return first
    }

    /// Drops what follows the last finished paragraph unless it is prose not preceded there
    /// by boilerplate ("Join the mailing list" + a podcast blurb; a truncated last paragraph stays).
    static func trimFooter(keep: inout [Bool], features: [LineFeatures], kinds: [LineKind]) {
        guard let last = keep.indices.last(where: { keep[$0] && features[$0].isCompleteParagraph }) else { return }
        var sawBoilerplate = false
        for i in (last + 1)..<keep.count {
            if kinds[i] != .prose { sawBoilerplate = true }
            if keep[i], sawBoilerplate || kinds[i] != .prose { keep[i] = false }
        }
    }
}
