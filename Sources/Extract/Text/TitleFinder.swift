import Foundation
import WinnowCore

/// Picks the headline among the header lines.
enum TitleFinder {
    /// The index and cleaned text of the title, if any.
    static func find(features: [LineFeatures], kinds: [LineKind], bodyStart: Int) -> (index: Int, title: String)? {
        let header = 0..<bodyStart
        // Navigation bars ("Home | World | Politics") are never the headline.
        var candidates = header.filter {
            kinds[$0] == .heading && (3...30).contains(features[$0].wordCount) && !isNavigationBar(features[$0].text) && !isCharacterList(features[$0].text)
        }
        // Teaser lists in the header ("Trending Now" + headlines): the headline comes after them.
        if let lastOpener = header.last(where: { if case .opener = kinds[$0] { true } else { false } }),
           candidates.contains(where: { $0 > lastOpener }) {
            candidates.removeAll { $0 < lastOpener }
        }
        if !candidates.isEmpty {
            // How often each candidate's text occurs in the header (only candidates are counted:
            // a hostile header has millions of lines).
            var counts: [String: Int] = [:]
            for i in candidates { counts[TextNormalizer.normalize(stripJunkPrefix(features[i].text))] = 0 }
            for i in header {
                let key = TextNormalizer.normalize(stripJunkPrefix(features[i].text))
                if let n = counts[key] { counts[key] = n + 1 }
            }
            // A deck (standfirst) right under the headline is not the headline.
            let candidateSet = Set(candidates)
            let decks = Set(candidates.filter { isDeck($0, candidates: candidateSet, features: features) })
            candidates.removeAll { decks.contains($0) }
            // The headline is the heading nearest the body (dates and bylines may sit between).
            let nearest = candidates[candidates.count - 1]
            var best: (score: Int, index: Int)?
            for i in candidates {
                let f = features[i]
                var score = min(f.wordCount, 18)
                score += 4 * ((counts[TextNormalizer.normalize(stripJunkPrefix(f.text))] ?? 1) - 1)
                if f.isAllCaps { score -= 8 }
                if isMenu(f.text) { score -= 4 }
                if f.text.hasSuffix("!") { score -= 3 }
                if f.text.hasSuffix(".") { score -= 4 }
                if i == nearest { score += 4 }
                if best == nil || score > best!.score { best = (score, i) }
            }
            if let best { return (best.index, stripJunkPrefix(features[best.index].text)) }
        }
        // A short headline ("Brexit delayed", "税制改正") alone on the clipping's first line,
        // with at most dates and bylines between it and the body.
        if let top = shortTopHeadline(features: features, kinds: kinds, bodyStart: bodyStart) {
            return (top, features[top].text)
        }
        // No headline in a header: the first heading opening the body, if it introduces prose.
        for i in bodyStart..<min(features.count, bodyStart + 3)
        where kinds[i] == .heading && (3...30).contains(features[i].wordCount) && !features[i].endsSentence
            && i + 1 < kinds.count && kinds[i + 1] == .prose {
            return (i, stripJunkPrefix(features[i].text))
        }
        return nil
    }

    /// The first line when it is a headline too short for a heading (two words, or a few
    /// characters of a script written without spaces), followed by the body: it has letters,
    /// is no known boilerplate, ad slot, navigation or list of words and ends no sentence.
    static func shortTopHeadline(features: [LineFeatures], kinds: [LineKind], bodyStart: Int) -> Int? {
        guard bodyStart >= 1, bodyStart < kinds.count, kinds[bodyStart] == .prose, kinds[0] != .prose else { return nil }
        for i in 1..<bodyStart where kinds[i] != .date && kinds[i] != .byline { return nil }
        let f = features[0]
        guard (2...30).contains(f.wordCount), !f.endsSentence, !f.endsWithEllipsis, !f.text.hasSuffix(":"), !f.text.hasSuffix("："),
              kinds[0] == .heading || kinds[0] == .boilerplate, !isMenu(f.text), f.text.utf8.count <= 300,
              !f.isURLOnly, BlockOpeners.match(f) == nil, !LineClassifier.isLabelled(f), !LineClassifier.isPhotoCredit(f),
              !LineClassifier.hasBoilerplatePhrase(f), !LineClassifier.isShareBar(f) else { return nil }
        let letters = f.text.unicodeScalars.filter { $0.properties.isAlphabetic }.count
        guard letters >= 3, letters * 2 >= f.text.unicodeScalars.filter({ $0 != " " }).count else { return nil }
        let bare = f.lower.filter { $0.isLetter || $0 == " " }.trimmingCharacters(in: .whitespaces)
        guard !BoilerplateVocabulary.adLabels.contains(bare) else { return nil }
        // Every spaced word starts with a letter or digit ("| Remer,MN" and "Go toTop" are widget bits).
        let words = f.text.split(separator: " ")
        guard words.allSatisfy({ $0.first.map { $0.isLetter || $0.isNumber || "\"“«「『(".contains($0) } ?? false }) else { return nil }
        if kinds[0] == .heading { return 0 }
        // Short ones: not camel-glued ("toTop") and not all lowercase.
        guard !words.contains(where: { $0.dropFirst().contains(where: \.isUppercase) && $0.first?.isLowercase == true }),
              f.text.first.map({ !$0.isLowercase }) ?? false else { return nil }
        return 0
    }

    /// A sentence-case line right under a headline candidate that is title-case, or clearly
    /// shorter: "Acme Opens New Centre" / "Facility will employ 250 engineers …".
    static func isDeck(_ c: Int, candidates: Set<Int>, features: [LineFeatures]) -> Bool {
        let p = c - 1
        guard candidates.contains(p) else { return false }
        let (head, deck) = (features[p], features[c])
        guard deck.lowercaseRatio > 0.5, !head.isAllCaps, !isMenu(head.text), !head.text.hasSuffix("!") else { return false }
        if head.lowercaseRatio <= 0.4, head.wordCount >= 4 { return true }
        // Scripts without case: a headline of some length, then a line at least as long.
        if head.isUncased, deck.isUncased, head.wordCount >= 5, deck.wordCount >= head.wordCount { return true }
        return head.wordCount >= 6 && deck.wordCount >= 12 && deck.wordCount > head.wordCount + 2
    }

    /// Three or more lone non-Latin letters between spaces ("【字号 大 中 小】", "가 가 가"): a
    /// widget's buttons, not a headline.
    static func isCharacterList(_ text: String) -> Bool {
        guard text.utf8.count <= 300 else { return false }
        var lone = 0
        for word in text.split(separator: " ") {
            let letters = word.filter { $0.isLetter }
            if letters.count == 1, let c = letters.first, !c.isASCII { lone += 1 }
        }
        return lone >= 3
    }

    /// Three or more items between separators: "Home | World | Politics", "Home > News > World".
    static func isNavigationBar(_ text: String) -> Bool {
        [" | ", " > ", " » ", " · ", " / ", " • "].contains { text.components(separatedBy: $0).count >= 3 }
    }

    /// Menus and breadcrumbs: "Politik | Wirtschaft", "Home > News > World".
    static func isMenu(_ text: String) -> Bool {
        [" | ", " > ", " » ", " · ", " / "].contains { text.contains($0) } || text.hasPrefix("|") || text.hasSuffix("|")
    }

    /// Drops widget junk glued to a headline: `NextImg:Russia intends …` → `Russia intends …`.
    static func stripJunkPrefix(_ text: String) -> String {
        guard let colon = text.firstIndex(of: ":") else { return text }
        let prefix = text[..<colon]
        let rest = text[text.index(after: colon)...]
        guard (2...20).contains(prefix.count), prefix.allSatisfy({ $0.isLetter }),
              let next = rest.first, !next.isWhitespace, !next.isNumber, rest.split(separator: " ").count >= 3 else { return text }
        return String(rest)
    }
}
