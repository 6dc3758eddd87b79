/// Classifies `class`/`id` values with the shared boilerplate vocabulary.
///
/// Short hints ("nav", "ads", "meta") match whole words only (words are runs of letters
/// and digits), longer ones anywhere, so "comments-area" and "relatedPosts" match while
/// "canvas" and "metadata" do not. Results are memoised per distinct value because pages
/// repeat the same few class strings thousands of times.
import Foundation

struct ClassHints {
    struct Result: OptionSet {
        let rawValue: UInt8
        static let negative = Result(rawValue: 1)
        static let positive = Result(rawValue: 2)
        /// Comment sections: never exempted as page wrappers.
        static let comments = Result(rawValue: 4)
        /// Names that explicitly mark the article body.
        static let articleBody = Result(rawValue: 8)
        /// Ambiguous names ("header", "teaser", "widget", "meta", "ads"): article leads and
        /// page-builder wrappers use them too, so prose below them survives.
        static let weakNegative = Result(rawValue: 16)
    }

    private static func shortWords(_ words: [String]) -> [[UInt8]] {
        words.map { Array($0.utf8).filter { isWordByte($0) } }.filter { $0.count <= 4 }
    }

    private static func longWords(_ words: [String]) -> PhraseSet {
        PhraseSet(words.filter { Array($0.utf8).filter { isWordByte($0) }.count > 4 })
    }

    private static let weakHints: Set<String> = ["header", "teaser", "widget", "banner", "meta", "ads", "ad-", "caption",
                                                 "read-more", "readmore"]
    private static let strongHints = BoilerplateVocabulary.negativeHints.filter { !weakHints.contains($0) && $0 != "comment" }
    private static let negativeShort = shortWords(strongHints)
    private static let negativeLong = longWords(strongHints)
    private static let weakShort = shortWords(Array(weakHints))
    private static let weakLong = longWords(Array(weakHints))
    private static let positiveShort = shortWords(BoilerplateVocabulary.positiveHints)
    private static let positiveLong = longWords(BoilerplateVocabulary.positiveHints)
    private static let comments = PhraseSet(["comment", "disqus"])
    private static let commentary = PhraseSet(["commentary"])
    private static let bodyMarks = PhraseSet([
        "articlebody", "article-body", "article__body", "article_body", "article-content", "article__content",
        "article-text", "articletext", "entry-content", "post-content", "post-body", "postbody", "post-entry",
        "story-body", "storybody", "story-content", "main-content", "body-text", "bodytext", "text-body", "content-body",
        "single-content", "news-text", "news-content", "page-content", "blog-content", "rich-text", "richtext",
    ])

    /// Shared by all extractions: class vocabularies repeat across pages of a site.
    private static let shared = SharedCache()
    private static let tokens = SharedCache()

    private var cache: [UInt64: Result] = [:]

    @inline(__always) static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || b >= 128
    }

    /// Classification of one attribute value (NUL-terminated bytes).
    mutating func classify(_ value: UnsafePointer<UInt8>) -> Result {
        var hash: UInt64 = 0xcbf29ce484222325
        var n = 0
        while value[n] != 0 && n < 512 { hash = (hash ^ UInt64(value[n])) &* 0x100000001b3; n += 1 }
        if n == 0 { return [] }
        hash ^= UInt64(n) << 56
        if let hit = cache[hash] { return hit }
        if let hit = Self.shared.get(hash) { cache[hash] = hit; return hit }
        // Unseen combinations are mostly seen tokens ("menu-item menu-item-4131"): memoise per token.
        var result: Result = []
        var i = 0
        while i < n {
            while i < n, value[i] == 32 || value[i] == 9 || value[i] == 10 { i += 1 }
            let start = i
            var tokenHash: UInt64 = 0xcbf29ce484222325
            // Digits are skipped: "post-3909" and "post-4131" are the same name for our purposes.
            var letters = 0
            while i < n, value[i] != 32, value[i] != 9, value[i] != 10 {
                if value[i] < 48 || value[i] > 57 {
                    tokenHash = (tokenHash ^ UInt64(value[i] | 0x20)) &* 0x100000001b3
                    letters += 1
                }
                i += 1
            }
            guard letters > 0 else { continue }
            tokenHash ^= UInt64(letters) << 56
            if let hit = Self.tokens.get(tokenHash) { result.formUnion(hit); continue }
            var bytes = [UInt8]()
            bytes.reserveCapacity(letters)
            for k in start..<i where value[k] < 48 || value[k] > 57 { bytes.append(ASCII.lower(value[k])) }
            let tokenResult = Self.compute(Self.identity(bytes))
            Self.tokens.set(tokenHash, tokenResult)
            result.formUnion(tokenResult)
        }
        if cache.count < 4096 { cache[hash] = result }
        Self.shared.set(hash, result)
        return result
    }

    private static let statePrefixes: [[UInt8]] = ["has-", "has_", "with-", "without-", "no-", "show-", "showing-", "enable-",
                                                   "hide-", "is-", "js-", "js_"].map { Array($0.utf8) }

    /// The tokens that name what an element is, not a state of it: BEM modifiers
    /// (`pagebody--wsidebar`) and state classes (`has-sidebar`, `showing-comments`) are dropped.
    static func identity(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for token in bytes.split(whereSeparator: { $0 == 32 || $0 == 9 || $0 == 10 }) {
            if statePrefixes.contains(where: { token.starts(with: $0) }) { continue }
            var end = token.endIndex
            var i = token.startIndex
            while i + 1 < token.endIndex {
                if token[i] == 45, token[i + 1] == 45 { end = i; break }
                i += 1
            }
            out.append(contentsOf: token[token.startIndex..<end])
            out.append(32)
        }
        return out
    }

    static func compute(_ bytes: [UInt8]) -> Result {
        var result: Result = []
        var words: [ArraySlice<UInt8>] = []
        var i = 0
        while i < bytes.count {
            while i < bytes.count, !isWordByte(bytes[i]) { i += 1 }
            let start = i
            while i < bytes.count, isWordByte(bytes[i]) { i += 1 }
            if i > start { words.append(bytes[start..<i]) }
        }
        func matchesShort(_ hint: [UInt8]) -> Bool {
            words.contains { w in w.elementsEqual(hint) || (w.count == hint.count + 1 && w.last == 115 && w.dropLast().elementsEqual(hint)) }
        }
        let found: (PhraseSet) -> Bool = { set in bytes.withUnsafeBufferPointer { set.occurs(in: $0) } }
        if negativeShort.contains(where: matchesShort) || found(negativeLong) { result.insert(.negative) }
        if weakShort.contains(where: matchesShort) || found(weakLong) { result.insert(.weakNegative) }
        // "commentary" is an opinion piece, not a comment section.
        if found(comments), !found(commentary) { result.insert([.negative, .comments]) }
        if positiveShort.contains(where: matchesShort) || found(positiveLong) { result.insert(.positive) }
        if found(bodyMarks) { result.insert(.articleBody) }
        return result
    }
}

/// A bounded, lock-protected memo shared across extractions (the pipeline may run several at once).
final class SharedCache: @unchecked Sendable {
    private let lock = NSLock()
    private var map: [UInt64: ClassHints.Result] = [:]

    func get(_ key: UInt64) -> ClassHints.Result? {
        lock.lock(); defer { lock.unlock() }
        return map[key]
    }

    func set(_ key: UInt64, _ value: ClassHints.Result) {
        lock.lock(); defer { lock.unlock() }
        if map.count >= 65536 { map.removeAll(keepingCapacity: true) }
        map[key] = value
    }
}
