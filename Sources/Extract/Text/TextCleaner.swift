import Foundation
import WinnowCore

/// Cleans plain-text clippings (copied web pages): finds title and date, drops boilerplate.
///
/// Each line is classified from its own shape (``LineClassifier``): prose, heading, date,
/// byline, block opener or boilerplate. The header (``TextZones/bodyStart(_:_:)``: up to the
/// first prose line that is not a slogan above the headline) yields the title
/// (``TitleFinder``) and date (``DateFinder``) and is otherwise dropped; block openers
/// (``BlockOpeners``: "Don't Miss", "Leave a Reply") drop the teasers or comments after them;
/// the footer after the last finished paragraph is trimmed; repeated lines are kept once.
/// The phrases come from ``BoilerplateVocabulary``, shared with the HTML extractor.
public enum TextCleaner {
    public static func clean(_ text: String) -> ExtractedDocument {
        clean(text, recurring: nil)
    }

    /// Cleans `text`, also dropping lines that recur across the source's other clippings.
    public static func clean(_ text: String, recurring: RecurringLines?) -> ExtractedDocument {
        var (features, kinds) = ClassifiedLines.classify(text)
        let lines = features.map(\.text)
        if let recurring {
            for i in lines.indices where recurring.isRecurring(lines[i]) { kinds[i] = .boilerplate }
        }
        let bodyStart = TextZones.bodyStart(kinds, features)

        var document = ExtractedDocument()
        let title = TitleFinder.find(features: features, kinds: kinds, bodyStart: bodyStart)
        document.title = title?.title
        document.published = DateFinder.find(features: features, kinds: kinds, bodyStart: bodyStart)
        document.author = features.indices.prefix(bodyStart + DateFinder.linesIntoBody).lazy
            .filter { kinds[$0] == .byline || kinds[$0] == .date }
            .compactMap { LineClassifier.author(fromByline: features[$0].text) }.first

        var keep = keepBody(features: features, kinds: kinds, from: bodyStart)
        if let title { keep[title.index] = false }
        TextZones.trimFooter(keep: &keep, features: features, kinds: kinds)

        var seen = Set<String>()
        if let title = document.title { seen.insert(TextNormalizer.normalize(title)) }
        for i in lines.indices where keep[i] {
            let key = TextNormalizer.normalize(TitleFinder.stripJunkPrefix(lines[i]))
            guard !key.isEmpty, seen.insert(key).inserted else { continue }
            document.paragraphs.append(lines[i])
        }
        return document
    }

    /// Which lines from `start` on are body: prose, and headings that introduce prose;
    /// not boilerplate, and nothing inside a teaser or comment block.
    static func keepBody(features: [LineFeatures], kinds: [LineKind], from start: Int) -> [Bool] {
        var keep = Array(repeating: false, count: kinds.count)
        var block: BlockOpeners.Kind?
        var i = start
        while i < kinds.count {
            defer { i += 1 }
            if case .opener(let kind) = kinds[i] {
                if block != .toEnd { block = kind }
                continue
            }
            if let current = block {
                // Teasers end where two finished body paragraphs follow each other.
                guard current == .teasers, resumesBody(at: i, features: features, kinds: kinds)
                        || endsTeaserList(at: i, features: features, kinds: kinds) else { continue }
                block = nil
            }
            switch kinds[i] {
            case .prose:
                keep[i] = true
            case .heading:
                keep[i] = introducesProse(i, features: features, kinds: kinds) || isShortSentenceInProse(i, features: features, kinds: kinds)
            default:
                break
            }
        }
        keepBulletLists(&keep, features: features, kinds: kinds, from: start)
        return keep
    }

    /// A subheading: the next line is a finished paragraph.
    static func introducesProse(_ i: Int, features: [LineFeatures], kinds: [LineKind]) -> Bool {
        i + 1 < kinds.count && kinds[i + 1] == .prose && features[i + 1].endsSentence
    }

    /// "It's over." between two paragraphs: a short sentence of running text.
    static func isShortSentenceInProse(_ i: Int, features: [LineFeatures], kinds: [LineKind]) -> Bool {
        let f = features[i]
        return f.endsSentence && f.wordCount >= 3 && f.lowercaseRatio >= 0.5
            && i > 0 && kinds[i - 1] == .prose && i + 1 < kinds.count && kinds[i + 1] == .prose
    }

    /// Bullet lists between paragraphs ("- item", "• item", "1. item") are body text, and so
    /// is the line ending with ":" that introduces them.
    static func keepBulletLists(_ keep: inout [Bool], features: [LineFeatures], kinds: [LineKind], from start: Int) {
        var i = start
        while i < kinds.count {
            guard kinds[i] == .heading || kinds[i] == .prose, isBullet(features[i].text) else { i += 1; continue }
            var end = i
            while end + 1 < kinds.count, kinds[end + 1] == .heading || kinds[end + 1] == .prose, isBullet(features[end + 1].text) { end += 1 }
            let before = i - 1
            let introduced = before >= start && (keep[before] || features[before].text.hasSuffix(":"))
            let followed = end + 1 < kinds.count && kinds[end + 1] == .prose && keep[end + 1]
            if end > i, introduced, followed {
                for j in i...end { keep[j] = true }
                if before >= start, features[before].text.hasSuffix(":"), kinds[before] == .heading { keep[before] = true }
            }
            i = end + 1
        }
    }

    static func isBullet(_ text: String) -> Bool {
        guard text.split(separator: " ").count >= 3 else { return false }
        if ["- ", "• ", "* ", "– ", "· ", "▪ "].contains(where: { text.hasPrefix($0) }) { return true }
        let digits = text.prefix(while: \.isNumber)
        return (1...2).contains(digits.count) && [". ", ") "].contains(where: { text.dropFirst(digits.count).hasPrefix($0) })
    }

    /// Two finished paragraphs in a row; boilerplate lines between them ("Advertisement") do
    /// not part them.
    static func resumesBody(at i: Int, features: [LineFeatures], kinds: [LineKind]) -> Bool {
        func solid(_ j: Int) -> Bool { j < kinds.count && kinds[j] == .prose && features[j].isCompleteParagraph }
        guard solid(i) else { return false }
        var next = i + 1
        while next < kinds.count, kinds[next] == .boilerplate { next += 1 }
        return solid(next)
    }

    /// An opener removes the list of short lines after it, never the long prose paragraph
    /// that follows that list: a long finished paragraph right after the opener, or after two
    /// or more short lines in a row (a story's own summary follows one headline only).
    static func endsTeaserList(at i: Int, features: [LineFeatures], kinds: [LineKind]) -> Bool {
        guard kinds[i] == .prose, features[i].isCompleteParagraph, features[i].wordCount >= 20 else { return false }
        var j = i - 1
        while j >= 0, kinds[j] == .boilerplate { j -= 1 }
        guard j >= 0 else { return false }
        if case .opener = kinds[j] { return true }
        var headings = 0
        while j >= 0, kinds[j] == .heading { headings += 1; j -= 1 }
        return headings >= 2
    }
}
