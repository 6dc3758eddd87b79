import Foundation

/// Headings that open a run of teasers or comments ("Don't Miss", "Latest from …",
/// "Previous Story", "Leave a Reply", "12 Comments").
enum BlockOpeners {
    enum Kind: Equatable {
        /// Teaser lists and story navigation: run until real body paragraphs return.
        case teasers
        /// Comment sections and end markers: run to the end of the document.
        case toEnd
    }

    /// Fragments of openers after which nothing is article text any more.
    static let toEndMarkers = ["comment", "reply", "conversation", "responses", "discussion", "kommentar", "comentario",
                               "contact", "###",
                               "коммента", "تعليقات", "תגובות", "コメント", "评论", "댓글"]

    /// The opener kind of `line`, or nil when it does not open a block.
    static func match(_ line: LineFeatures) -> Kind? {
        guard line.wordCount <= 8, !line.isSentence else { return nil }
        let key = normalizedKey(line.lower)
        guard !key.isEmpty else { return nil }
        for opener in BoilerplateVocabulary.blockOpeners {
            if key == opener || (key.hasPrefix(opener) && isShortTail(key.dropFirst(opener.count), opener: opener)) {
                // "Read also: Other headline" points at one story: a labelled line, not a block.
                if key != opener, pointerLabels.contains(opener), isPointer(key.dropFirst(opener.count)) { return nil }
                return toEndMarkers.contains(where: { opener.contains($0) }) ? .toEnd : .teasers
            }
        }
        return nil
    }

    /// Openers that, followed by a colon and a headline, label a single pointer.
    static let pointerLabels: Set<String> = Set(BoilerplateVocabulary.lineLabels).subtracting(["tags", "topics", "categories"])

    /// A colon, then a headline of two words or more.
    private static func isPointer(_ tail: Substring) -> Bool {
        let rest = tail.drop(while: { $0 == " " })
        guard let first = rest.first, first == ":" || first == "：" else { return false }
        return rest.dropFirst().split(separator: " ").count >= 2 || rest.dropFirst().count >= 6
    }

    /// A heading such as "Latest from -Top News", "More from Reuters" or "Tags: a, b": a
    /// separator or space, then a few words.
    private static func isShortTail(_ tail: Substring, opener: String) -> Bool {
        guard let first = tail.first else { return true }
        guard first == " " || ":-–—|»>(：".contains(first) else { return false }
        let words = tail.split(whereSeparator: { $0 == " " || ":-–—|»>(),：".contains($0) })
        // "Tags: …" lists may be longer; other openers take a name of a few words at most.
        return words.count <= (opener == "tags" ? 12 : 4)
    }

    /// Lowercase line without leading counts and bullets and trailing colons, arrows and dots.
    static func normalizedKey(_ lower: String) -> String {
        // "###" ends a press release.
        if lower.count >= 3, lower.allSatisfy({ $0 == "#" || $0 == " " }) { return "###" }
        var key = Substring(lower)
        while let c = key.first, c.isNumber || c == " " || "•·-–—»>|*#【《■▶".contains(c) { key = key.dropFirst() }
        while let c = key.last, c == " " || ":.…»>|-–—!：】》".contains(c) { key = key.dropLast() }
        return String(key)
    }
}
