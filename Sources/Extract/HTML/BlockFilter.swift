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
        "sign up", "alle angaben ohne gewähr", "lust auf mehr", "externer inhalt", "empfohlener redaktioneller inhalt",
    ]
    private static let footerPhrases = PhraseSet(BoilerplateVocabulary.footerPhrases, wordBoundaries: true)
    /// Notices about the article (disclosures, disclaimers, post footers), dropped wherever they stand.
    private static let disclosurePhrases = PhraseSet(BoilerplateVocabulary.disclosurePhrases + BoilerplateVocabulary.postMetaPhrases,
                                                     wordBoundaries: true)
    /// Openers after which the article never resumes (comment sections, contact boxes).
    private static let toEndMarkers = ["comment", "reply", "conversation", "responses", "discussion", "kommentar", "comentario",
                                       "commentaire", "contact"]
    private static let bylinePrefixes = ["by ", "von ", "par ", "por ", "di ", "written by ", "text: ", "autor: ", "author: "]

    /// Bylines seen while filtering ("By Jane Doe"), first one wins.
    private(set) var byline: String?
    /// Short date lines seen while filtering.
    private(set) var dateLine: String?
    /// Only with `HTMLExtractor.debug`: why a block was dropped (tuning aid).
    private(set) var reasons: [Int: String] = [:]
    private mutating func why(_ i: Int, _ reason: String) { if HTMLExtractor.debug { reasons[i] = reason } }

    init(page: PageRecorder, titles: Set<String>) {
        self.page = page
        self.titles = titles
    }

    /// The paragraphs of `candidates` (block indices in document order) that survive.
    mutating func paragraphs(_ candidates: [Int]) -> [String] {
        let cut = teaserRunStart(candidates)
        for i in candidates[cut...] { why(i, "continuity") }
        let candidates = Array(candidates.prefix(cut))
        var out: [(position: Int, index: Int, block: BlockRecord, text: String)] = []
        /// Hash of each kept text -> the parent element of its first copy.
        var seen: [Int: Int32] = [:]
        var skipUntilElement: Int32 = -1
        var skipScope: Int32 = -1
        /// Positions dropped as boilerplate (links, openers, teaser runs, phrases): what makes a label an orphan.
        var dropped = Set<Int>()
        var lower = [UInt8]()
        let groups = linkDensityGroups(candidates)
        for (position, i) in candidates.enumerated() {
            let b = page.blocks[i]
            if b.element < skipUntilElement {
                // The article resumes inside the same box: two plain paragraphs in a row at the
                // heading's own level (a teaser box sits between paragraphs, not around them).
                let next = position + 1 < candidates.count ? page.blocks[candidates[position + 1]] : nil
                if let next, page.elements[Int(b.element)].parent == skipScope, page.elements[Int(next.element)].parent == skipScope,
                   Self.isPlainParagraph(b), Self.isPlainParagraph(next) {
                    skipUntilElement = -1
                } else {
                    why(i, "teaser-run"); dropped.insert(position); continue
                }
            }
            if b.linkChars * 2 >= b.chars, !keepsLinkLine(b, groups), !headsSection(b, position, candidates) { why(i, "links"); dropped.insert(position); continue }
            let bytes = page.text[Int(b.start)..<Int(b.start + b.length)]
            if b.chars <= 60, b.tag != .tr {
                let key = Self.normalized(bytes)
                if Self.openers.contains(key) || Self.openers.contains(Self.uncounted(key)), b.context.contains(.heading) || b.chars <= 30 {
                    // A teaser run opens here: skip to the end of the heading's enclosing block.
                    let owner = page.elements[Int(b.element)]
                    var scope = b.element
                    if owner.tag.isHeading || b.context.contains(.heading), owner.parent >= 0 { scope = owner.parent }
                    skipUntilElement = page.elements[Int(scope)].end
                    skipScope = Self.toEndMarkers.contains(where: { key.contains($0) }) ? -2 : scope
                    why(i, "opener"); dropped.insert(position)
                    continue
                }
                if titles.contains(key) { why(i, "title"); continue }
                // Bare date lines ("12. März 2020", "Updated: May 2, 2024 3:04 pm"), not notices that carry a date.
                if b.chars <= 40, bytes.contains(where: { $0 >= 48 && $0 <= 57 }), !bytes.contains(40) {
                    let text = String(decoding: bytes, as: UTF8.self)
                    if DateParser.parse(text) != nil {
                        if dateLine == nil { dateLine = text }
                        why(i, "date")
                        continue
                    }
                }
                if b.chars <= 50, let prefix = Self.bylinePrefixes.first(where: { key.hasPrefix($0) }) {
                    if byline == nil { byline = String(String(decoding: bytes, as: UTF8.self).dropFirst(prefix.count)) }
                    why(i, "byline")
                    continue
                }
            }
            if b.chars < 600 {
                lower.removeAll(keepingCapacity: true)
                for c in bytes { lower.append(ASCII.lower(c)) }
                if b.chars < 200, lower.withUnsafeBufferPointer({ Self.phrases.occurs(in: $0) }) { why(i, "phrase"); dropped.insert(position); continue }
                if lower.withUnsafeBufferPointer({ Self.disclosurePhrases.occurs(in: $0) }) { why(i, "disclosure"); dropped.insert(position); continue }
            }
            // Duplicates by a hash of the bytes: cheaper than hashing Strings (Unicode normalisation).
            var hasher = Hasher()
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
            // A copy elsewhere on the page (a responsive duplicate, a pull quote) goes; a repeat
            // among its own siblings (a refrain, a recipe's "2 eggs" twice) is content.
            let parent = page.elements[Int(b.element)].parent
            let hash = hasher.finalize()
            if let first = seen[hash] {
                if first != parent, b.chars < 150 { why(i, "duplicate"); continue }
            } else {
                seen[hash] = parent
            }
            let text = String(decoding: bytes, as: UTF8.self)
            out.append((position, i, b, text))
        }
        // Orphans: a heading or short label whose section was all dropped (a "Related" list,
        // share buttons) goes too; walk backwards so that chains of them collapse.
        // Only blocks dropped as boilerplate part a label from what follows it: a repeated
        // quantity in a recipe or a bare date does not.
        var result: [String] = []
        var nextPosition = candidates.count
        var nextIsHeading = true
        for item in out.reversed() {
            let label = Self.isLabel(item.block, item.text)
            if label, nextIsHeading, nextPosition == candidates.count || ((item.position + 1)..<nextPosition).contains(where: { dropped.contains($0) }) {
                why(item.index, "orphan"); continue
            }
            result.append(item.text)
            nextPosition = item.position
            nextIsHeading = label
        }
        result.reverse()
        // Site footers written as prose after the article's last paragraph: contact desks,
        // newsletter pitches, legal lines. Only the tail goes; the same words mid-text stay.
        while result.count > 1, let last = result.last, last.utf8.count <= 600 {
            let lower = Array(last.lowercased().utf8)
            guard lower.withUnsafeBufferPointer({ Self.footerPhrases.occurs(in: $0) }) else { break }
            result.removeLast()
        }
        return result
    }

    /// A linked section heading ("<h2><a href=#…>…</a></h2>", a permalink) whose section follows:
    /// the next candidate is a plain paragraph.
    private func headsSection(_ b: BlockRecord, _ position: Int, _ candidates: [Int]) -> Bool {
        guard b.context.contains(.heading) || b.tag.isHeading, b.chars <= 120, position + 1 < candidates.count else { return false }
        return Self.isPlainParagraph(page.blocks[candidates[position + 1]])
    }

    /// A linked headline: a short line that is (nearly) all link.
    private func isLinkedHeadline(_ b: BlockRecord) -> Bool {
        b.linkChars * 4 >= b.chars * 3 && b.chars >= 20 && b.chars <= 200
    }

    /// The smallest element holding both elements (a few levels up at most), or -1.
    private func commonAncestor(_ a: Int32, _ b: Int32) -> Int32 {
        var e = a
        for _ in 0..<8 {
            guard e >= 0 else { return -1 }
            if e <= b && b < page.elements[Int(e)].end { return e }
            e = page.elements[Int(e)].parent
        }
        return -1
    }

    /// Where teasers of other stories begin after the article (the candidate count when they
    /// do not): three or more units in a row, each a linked headline and at most a short
    /// summary in a box of its own, after the article's own prose has begun. A list of linked
    /// products between plain paragraphs is flat under the article's box and stays.
    private func teaserRunStart(_ candidates: [Int]) -> Int {
        var runStart = candidates.count, runCount = 0
        var lastBox: Int32 = -1
        var proseSeen = false
        var position = 0
        while position < candidates.count {
            let b = page.blocks[candidates[position]]
            guard isLinkedHeadline(b) else {
                if runCount >= 3 { return runStart }
                runCount = 0
                if ContentSelector.isProse(b) { proseSeen = true }
                position += 1
                continue
            }
            // The unit: the headline and up to three short blocks before the next linked headline.
            var end = position + 1
            while end < candidates.count, end - position <= 3, !isLinkedHeadline(page.blocks[candidates[end]]),
                  page.blocks[candidates[end]].chars <= 500 { end += 1 }
            let box = commonAncestor(b.element, page.blocks[candidates[end - 1]].element)
            // A story has a summary: a contents list or a run of bare links is no teaser run.
            let summary = (position + 1..<end).contains { k in
                let s = page.blocks[candidates[k]]
                return s.chars >= 40 && s.linkChars * 2 < s.chars
            }
            let ownBox = summary && box >= 0 && box != lastBox
                && (end >= candidates.count || page.blocks[candidates[end]].element >= page.elements[Int(box)].end)
            if proseSeen, ownBox {
                if runCount == 0 { runStart = position }
                runCount += 1
                lastBox = box
            } else {
                if runCount >= 3 { return runStart }
                runCount = 0
                lastBox = -1
            }
            position = end
        }
        return runCount >= 3 ? runStart : candidates.count
    }

    /// The list or table a block belongs to (a few levels up at most), or -1.
    private func group(of b: BlockRecord) -> Int32 {
        var e = b.element
        for _ in 0..<4 {
            guard e >= 0 else { return -1 }
            switch page.elements[Int(e)].tag {
            case .ul, .ol, .dl, .table: return e
            default: e = page.elements[Int(e)].parent
            }
        }
        return -1
    }

    /// Characters and link characters of the candidate blocks of each list or table.
    private func linkDensityGroups(_ candidates: [Int]) -> [Int32: (chars: Int32, links: Int32)] {
        var groups: [Int32: (chars: Int32, links: Int32)] = [:]
        for i in candidates {
            let b = page.blocks[i]
            let g = group(of: b)
            guard g >= 0 else { continue }
            groups[g, default: (0, 0)].chars += b.chars
            groups[g, default: (0, 0)].links += b.linkChars
        }
        return groups
    }

    /// Link density judged per container inside the main content: a line that is mostly one
    /// link (a product in an ingredient or deal list) stays when its list is mostly plain text.
    private func keepsLinkLine(_ b: BlockRecord, _ groups: [Int32: (chars: Int32, links: Int32)]) -> Bool {
        let g = group(of: b)
        guard g >= 0, let sums = groups[g], sums.chars > b.chars else { return false }
        return sums.links * 2 < sums.chars
    }

    /// A visible byline anywhere on the page ("By Jane Doe", often in a box of its own outside
    /// the article's container): a short line after a byline prefix, the name capitalised.
    static func pageByline(_ page: PageRecorder) -> String? {
        for b in page.blocks where b.chars <= 50 && b.chars >= 6 {
            let bytes = page.text[Int(b.start)..<Int(b.start + b.length)]
            // Cheap first look: some prefix's first letter within the first few bytes.
            guard bytes.prefix(4).contains(where: { "bvpdwta".utf8.contains($0 | 0x20) }) else { continue }
            let key = normalized(bytes)
            guard let prefix = bylinePrefixes.first(where: { key.hasPrefix($0) }) else { continue }
            let text = String(decoding: bytes, as: UTF8.self)
            let name = text.drop(while: { !$0.isLetter }).dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
            guard let first = name.first, first.isUppercase, name.split(separator: " ").count <= 5, !name.contains(where: \.isNumber) else { continue }
            return name
        }
        return nil
    }

    /// Running text without links: what a resumed article starts with.
    static func isPlainParagraph(_ b: BlockRecord) -> Bool {
        ContentSelector.isProse(b) && b.linkChars * 10 < b.chars && !b.context.contains(.listItem) && !b.context.contains(.heading)
    }

    /// Headings and short lines without sentence punctuation at the end.
    static func isLabel(_ b: BlockRecord, _ text: String) -> Bool {
        if b.context.contains(.heading) || b.tag.isHeading { return b.chars <= 120 }
        guard b.chars <= 40, let last = text.unicodeScalars.last else { return false }
        // An item of a list or a table row is the list's content ("250 g minced lamb"), not a
        // section's label, unless it announces one ("Tagged:").
        if b.context.contains(.listItem) || b.tag == .tr { return last == ":" }
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
        let key = String(decoding: out[start..<end], as: UTF8.self)
        // "Ähnliche Beiträge", "Über den Autor", "Комментарии": capitals beyond ASCII fold too.
        return out[start..<end].contains(where: { $0 >= 0x80 }) ? key.lowercased() : key
    }

    static func normalized(_ text: String) -> String { normalized(Array(text.utf8)) }

    /// A section heading with its count dropped: "12 comments" -> "comments", "0 Kommentare" -> "kommentare".
    static func uncounted(_ key: String) -> String {
        let digits = key.utf8.prefix(while: { $0 >= 48 && $0 <= 57 }).count
        guard digits > 0, digits < key.utf8.count, key.utf8.dropFirst(digits).first == 32 else { return key }
        return String(key.dropFirst(digits + 1))
    }
}
