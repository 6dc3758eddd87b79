import Foundation
import WinnowCore

/// Per-block decisions when emitting the chosen container: link lists, boilerplate
/// lines, teaser-run openers ("Related", "Comments"), bare dates and bylines, the title
/// repeated, duplicates.
struct BlockFilter {
    let page: PageRecorder
    /// Normalized titles (see `normalized`) the body should not repeat.
    let titles: Set<String>

    private static let openers = Set(BoilerplateVocabulary.blockOpeners + htmlOpeners)
    private static let phrases = PhraseSet(BoilerplateVocabulary.linePhrases + htmlPhrases, wordBoundaries: true)

    /// Section headings of web pages (kept here, not in the shared vocabulary, because the
    /// text cleaner reads a lone "Share" or "Print" line differently).
    private static let htmlOpeners = [
        "related coverage", "related content", "related topics", "related links", "about the author",
        "share this story", "share", "print", "temas relacionados", "veja também", "leia também", "mehr themen", "weitere beiträge",
        "weitere themen", "weitere informationen", "verwandte themen", "verwandte artikel", "ähnliche beiträge",
        "schon gelesen", "auch interessant", "das könnte dich auch interessieren", "über den autor", "zur person",
        "kommentar verfassen", "kommentar schreiben", "kommentare schreiben", "diesen artikel teilen", "artikel teilen",
        "diese seite teilen", "teilen", "seite teilen", "beitrag teilen", "podobne artykuły", "czytaj także",
        "zobacz także", "partager", "partager cet article", "articles similaires", "dans la même rubrique",
    ]

    /// Picture credits and notices on short web-page lines.
    private static let htmlPhrases = [
        "foto:", "fotos:", "photo:", "photos:", "bild:", "bilder:", "quelle:", "source:", "image:", "credit:", "copyright",
        "©", "getty images", "picture alliance", "picture-alliance", "titelbild", "beitragsbild", "symbolbild",
        "sign up", "alle angaben ohne gewähr", "lust auf mehr",
    ]
    private static let bylinePrefixes = ["by ", "von ", "par ", "por ", "di ", "written by ", "text: ", "autor: ", "author: "]

    /// Bylines seen while filtering ("By Jane Doe"), first one wins.
    private(set) var byline: String?
    /// Short date lines seen while filtering.
    private(set) var dateLine: String?

    init(page: PageRecorder, titles: Set<String>) {
        self.page = page
        self.titles = titles
    }

    /// The paragraphs of `candidates` (block indices in document order) that survive.
    mutating func paragraphs(_ candidates: [Int]) -> [String] {
        var out: [(position: Int, block: BlockRecord, text: String)] = []
        var seen = Set<Int>()
        var skipUntilElement: Int32 = -1
        var lower = [UInt8]()
        for (position, i) in candidates.enumerated() {
            let b = page.blocks[i]
            if b.element < skipUntilElement { continue }
            if b.linkChars * 2 >= b.chars { continue }
            let bytes = page.text[Int(b.start)..<Int(b.start + b.length)]
            if b.chars <= 60, b.tag != .tr {
                let key = Self.normalized(bytes)
                if Self.openers.contains(key), b.context.contains(.heading) || b.chars <= 30 {
                    // A teaser run opens here: skip to the end of the heading's enclosing block.
                    let owner = page.elements[Int(b.element)]
                    var scope = b.element
                    if owner.tag.isHeading || b.context.contains(.heading), owner.parent >= 0 { scope = owner.parent }
                    skipUntilElement = page.elements[Int(scope)].end
                    continue
                }
                if titles.contains(key) { continue }
                // Bare date lines ("12. März 2020", "Updated: May 2, 2024 3:04 pm"), not notices that carry a date.
                if b.chars <= 40, bytes.contains(where: { $0 >= 48 && $0 <= 57 }), !bytes.contains(40) {
                    let text = String(decoding: bytes, as: UTF8.self)
                    if DateParser.parse(text) != nil {
                        if dateLine == nil { dateLine = text }
                        continue
                    }
                }
                if b.chars <= 50, let prefix = Self.bylinePrefixes.first(where: { key.hasPrefix($0) }) {
                    if byline == nil { byline = String(String(decoding: bytes, as: UTF8.self).dropFirst(prefix.count)) }
                    continue
                }
            }
            if b.chars < 200 {
                lower.removeAll(keepingCapacity: true)
                for c in bytes { lower.append(ASCII.lower(c)) }
                if lower.withUnsafeBufferPointer({ Self.phrases.occurs(in: $0) }) { continue }
            }
            // Duplicates by a hash of the bytes: cheaper than hashing Strings (Unicode normalisation).
            var hasher = Hasher()
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
            if !seen.insert(hasher.finalize()).inserted { continue }
            let text = String(decoding: bytes, as: UTF8.self)
            out.append((position, b, text))
        }
        // Orphans: a heading or short label whose section was all dropped (a "Related" list,
        // share buttons) goes too; walk backwards so that chains of them collapse.
        var result: [String] = []
        var nextPosition = Int.max
        var nextIsHeading = true
        for item in out.reversed() {
            let label = Self.isLabel(item.block, item.text)
            if label, nextIsHeading, nextPosition != item.position + 1 { continue }
            result.append(item.text)
            nextPosition = item.position
            nextIsHeading = label
        }
        return result.reversed()
    }

    /// Headings and short lines without sentence punctuation at the end.
    static func isLabel(_ b: BlockRecord, _ text: String) -> Bool {
        if b.context.contains(.heading) || b.tag.isHeading { return b.chars <= 120 }
        guard b.chars <= 40, let last = text.unicodeScalars.last else { return false }
        return !".!?\"”“»«)".unicodeScalars.contains(last)
    }

    /// Lowercased, ’ as ', leading and trailing ASCII punctuation trimmed:
    /// "Related Articles:" -> "related articles".
    static func normalized<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var it = bytes.makeIterator()
        var pending: [UInt8] = []
        while let c = it.next() {
            pending.append(ASCII.lower(c))
            if pending == [0xE2, 0x80, 0x99] { out.append(39); pending.removeAll(); continue }
            if pending.count == 1, pending[0] == 0xE2 { continue }
            if pending.count == 2, pending[0] == 0xE2, pending[1] == 0x80 { continue }
            out.append(contentsOf: pending)
            pending.removeAll()
        }
        out.append(contentsOf: pending)
        var start = 0, end = out.count
        while start < end, out[start] < 128, !ASCII.isAlnum(out[start]) { start += 1 }
        while end > start, out[end - 1] < 128, !ASCII.isAlnum(out[end - 1]) { end -= 1 }
        return String(decoding: out[start..<end], as: UTF8.self)
    }

    static func normalized(_ text: String) -> String { normalized(Array(text.utf8)) }
}
