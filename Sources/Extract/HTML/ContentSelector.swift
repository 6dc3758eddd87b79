import WinnowCore

/// Picks the main-content container from the recorded page and emits its blocks.
///
/// Every block gets a weight: positive for prose (non-link text, punctuation), negative
/// for link lists and for text inside boilerplate regions. Subtree sums of the weights,
/// nudged by structural cues (`article`, `main`, `articleBody`), pick the container; all
/// of this is linear in the number of elements and blocks.
struct ContentSelector {
    let page: PageRecorder
    /// Element has a boilerplate mark of its own (hint, furniture tag, comments), after
    /// exempting page-wide wrappers such as `<form>` around everything or `has-sidebar`.
    private(set) var negative: [Bool] = []
    /// Element has only an ambiguous hint ("header", "teaser"): prose below it still counts.
    private(set) var weak: [Bool] = []
    private(set) var weight: [Double] = []
    private(set) var score: [Double] = []

    init(page: PageRecorder) {
        self.page = page
        computeScores()
    }

    private mutating func computeScores() {
        let elements = page.elements
        let n = elements.count
        // Good text per subtree, hints ignored: what a wrapper holds decides whether its hint counts.
        var good = [Double](repeating: 0, count: n)
        for b in page.blocks where b.linkChars * 2 < b.chars {
            good[Int(b.element)] += Double(b.chars - b.linkChars)
        }
        for e in stride(from: n - 1, through: 0, by: -1) where elements[e].parent >= 0 { good[Int(elements[e].parent)] += good[e] }
        let total = n > 0 ? good[0] : 0
        negative = [Bool](repeating: false, count: n)
        weak = [Bool](repeating: false, count: n)
        var inNegative = [Bool](repeating: false, count: n)
        var inWeak = [Bool](repeating: false, count: n)
        for e in 0..<n {
            let f = elements[e].flags
            // Wrappers of most of the page's prose (`<form>` around everything, `has-sidebar`) are not boilerplate;
            // a sidebar (`<aside>`, `role=complementary`) or other furniture must hold well over half of it
            // (a long live ticker beside a short article is still a sidebar).
            // An `<article>` holding most of the prose is the article even when a state class says
            // it has comments ("post commented").
            let exempt = f.contains(.comments) ? good[e] >= 0.9 * total || (f.contains(.structural) && good[e] >= 0.5 * total)
                : f.contains(.articleBody) || f.contains(.structural) || good[e] >= (f.contains(.furniture) ? 0.6 : 0.4) * total
            let neg = !exempt && (f.contains(.comments) || !f.isDisjoint(with: [.negativeHint, .furniture]))
            negative[e] = neg
            weak[e] = !exempt && !neg && f.contains(.weakNegativeHint)
            let p = Int(elements[e].parent)
            inNegative[e] = neg || (p >= 0 && inNegative[p])
            inWeak[e] = weak[e] || (p >= 0 && inWeak[p])
        }
        self.inNegative = inNegative
        weight = [Double](repeating: 0, count: page.blocks.count)
        score = [Double](repeating: 0, count: n)
        for (i, b) in page.blocks.enumerated() {
            let chars = Double(b.chars), link = Double(b.linkChars)
            let w: Double
            if inNegative[Int(b.element)] || (inWeak[Int(b.element)] && !Self.isProse(b)) {
                w = -0.3 * chars
            } else if b.context.contains(.caption) {
                w = -2
            } else if link * 2 >= chars {
                w = -0.5 * chars
            } else if chars - link < 30 {
                // Short rows of a data table are neutral: a results table must not sink its article.
                w = b.tag == .tr ? 0 : -2
            } else {
                w = (chars - link) * (1 - 2 * link / chars) * (b.punctuation > 0 ? 1 : 0.5)
            }
            weight[i] = w
            score[Int(b.element)] += w
        }
        for e in stride(from: n - 1, through: 0, by: -1) where elements[e].parent >= 0 { score[Int(elements[e].parent)] += score[e] }
    }

    /// A real paragraph: enough text, few links, sentence punctuation.
    static func isProse(_ b: BlockRecord) -> Bool {
        b.chars - b.linkChars >= 80 && b.linkChars * 5 < b.chars && b.punctuation > 0
    }

    /// The element whose subtree is the main content, or 0 (the root) when nothing stands out.
    func bestContainer() -> Int {
        var best = 0
        var bestScore = -Double.infinity
        for (e, el) in page.elements.enumerated() {
            var s = score[e]
            if s > 0 {
                if el.flags.contains(.articleBody) { s *= 1.25 } else if el.flags.contains(.structural) { s *= 1.15 }
            }
            if s >= bestScore { best = e; bestScore = s }
        }
        return best
    }

    private(set) var inNegative: [Bool] = []

    /// The blocks to emit for `container`: its own, those of siblings that score like it
    /// (articles split into several boxes), prose owned by the parent between them, and
    /// prose between the page's `h1` and the container (leads kept in a header box).
    func selection(for container: Int) -> [Int] {
        let elements = page.elements
        var parts = [container]
        let parent = Int(elements[container].parent)
        if parent >= 0, score[container] > 0 {
            var child = parent + 1
            while child < Int(elements[parent].end) {
                if child != container, !negative[child], score[child] >= max(40, 0.25 * score[container]) { parts.append(child) }
                child = Int(elements[child].end)
            }
        }
        var result = blocks(in: parts, parentProse: parent >= 0 && !inNegative[parent] ? parent : nil)
        // Lead paragraphs between the first h1 and the selection.
        if let first = result.first, let h1 = page.blocks.firstIndex(where: { $0.tag == .h1 }), h1 < first {
            var leads: [Int] = []
            for i in (h1 + 1)..<first {
                let b = page.blocks[i]
                if weight[i] > 0, !inNegative[Int(b.element)], !b.context.contains(.caption) { leads.append(i) }
            }
            result = leads + result
        }
        return result
    }

    /// Indices of the blocks of `container`, minus those under boilerplate regions inside it.
    func candidateBlocks(in container: Int) -> [Int] { blocks(in: [container], parentProse: nil) }

    /// Blocks under the disjoint subtrees `parts`, minus boilerplate regions inside them (their
    /// own ancestry was judged by the score), in document order; one pass over the blocks.
    private func blocks(in parts: [Int], parentProse: Int?) -> [Int] {
        let elements = page.elements
        var inPart = [Bool](repeating: false, count: elements.count)
        var below = [Bool](repeating: false, count: elements.count)
        var belowWeak = [Bool](repeating: false, count: elements.count)
        for part in parts where part < elements.count {
            inPart[part] = true
            for e in (part + 1)..<max(Int(elements[part].end), part + 1) {
                inPart[e] = true
                let p = Int(elements[e].parent)
                below[e] = negative[e] || (p != part && below[p])
                belowWeak[e] = weak[e] || (p != part && belowWeak[p])
            }
        }
        var result: [Int] = []
        for (i, b) in page.blocks.enumerated() {
            let e = Int(b.element)
            if inPart[e] {
                guard !below[e], !b.context.contains(.caption) else { continue }
                if belowWeak[e], !Self.isProse(b) { continue }
                result.append(i)
            } else if e == parentProse, Self.isProse(b) {
                result.append(i)
            }
        }
        return result
    }
}
