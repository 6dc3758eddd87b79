import Foundation
import WinnowCore

/// Cleans plain-text clippings (copied web pages): finds title and date, drops boilerplate.
///
/// Each line is classified from its own shape (``LineClassifier``): prose, heading, date,
/// byline, block opener or boilerplate. The header (before the first run of prose) yields
/// the title and date and is otherwise dropped; block openers ("Don't Miss", "Leave a Reply")
/// drop the teasers or comments after them; the footer after the last finished paragraph is
/// trimmed; repeated lines are kept once.
public enum TextCleaner {
    public static func clean(_ text: String) -> ExtractedDocument {
        let lines = TextLines.split(text)
        let features = lines.map(LineFeatures.init)
        let kinds = features.map(LineClassifier.classify)
        let bodyStart = TextZones.bodyStart(kinds)

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
                guard current == .teasers, resumesBody(at: i, features: features, kinds: kinds) else { continue }
                block = nil
            }
            switch kinds[i] {
            case .prose:
                keep[i] = true
            case .heading:
                keep[i] = i + 1 < kinds.count && kinds[i + 1] == .prose && features[i + 1].endsSentence
            default:
                break
            }
        }
        return keep
    }

    static func resumesBody(at i: Int, features: [LineFeatures], kinds: [LineKind]) -> Bool {
        func solid(_ j: Int) -> Bool { j < kinds.count && kinds[j] == .prose && features[j].isCompleteParagraph && features[j].wordCount >= 15 }
        return solid(i) && solid(i + 1)
    }
}
