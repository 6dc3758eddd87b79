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

    private static func wordBytes(_ word: String) -> [UInt8] { Array(word.utf8).filter { isWordByte($0) } }

    private static let weakHints: Set<String> = ["header", "teaser", "widget", "banner", "meta", "ads", "ad-", "caption",
                                                 "read-more", "readmore"]
    private static let strongHints = BoilerplateVocabulary.negativeHints.filter { !weakHints.contains($0) && $0 != "comment" }

    /// Tags of the combined vocabulary: one scan and one word pass answer for all of it.
    private enum Mark {
        static let negative: UInt8 = 1, weak: UInt8 = 2, comments: UInt8 = 4, commentary: UInt8 = 8
        static let positive: UInt8 = 16, body: UInt8 = 32
    }

    private static let marked: [(String, UInt8)] = strongHints.map { ($0, Mark.negative) } + weakHints.map { ($0, Mark.weak) }
        + BoilerplateVocabulary.positiveHints.map { ($0, Mark.positive) }

    /// Hints of up to four letters match whole words (or their plural) only, longer ones anywhere.
    private static let shortHints: [UInt64: UInt8] = {
        var map: [UInt64: UInt8] = [:]
        for (word, mark) in marked {
            let bytes = wordBytes(word)
            if bytes.count <= 4 { map[pack(bytes[...]), default: 0] |= mark }
        }
        return map
    }()

    private static let longHints = PhraseSet(tagged: marked.filter { wordBytes($0.0).count > 4 } + [
        ("comment", Mark.comments), ("disqus", Mark.comments), ("commentary", Mark.commentary),
    ] + [
        "articlebody", "article-body", "article__body", "article_body", "article-content", "article__content",
        "article-text", "articletext", "entry-content", "post-content", "post-body", "postbody", "post-entry",
        "story-body", "storybody", "story-content", "main-content", "body-text", "bodytext", "text-body", "content-body",
        "single-content", "news-text", "news-content", "page-content", "blog-content", "rich-text", "richtext",
    ].map { ($0, Mark.body) })

    private static func pack(_ word: ArraySlice<UInt8>) -> UInt64 {
        var key = UInt64(word.count) << 56
        for (k, b) in word.enumerated() { key |= UInt64(b) << (8 * UInt64(k)) }
        return key
    }

    /// Shared by all extractions: class vocabularies repeat across pages of a site.
    private static let shared = SharedCache()
    private static let tokens = SharedCache()

    /// Per page: no lock on the hot path.
    private var cache = HintMemo(slots: 1024)

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
        if let hit = cache.get(hash) { return hit }
        if let hit = Self.shared.get(hash) { cache.set(hash, hit); return hit }
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
        cache.set(hash, result)
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
        var marks: UInt8 = 0
        var i = 0
        while i < bytes.count {
            while i < bytes.count, !isWordByte(bytes[i]) { i += 1 }
            let start = i
            while i < bytes.count, isWordByte(bytes[i]) { i += 1 }
            let count = i - start
            guard count > 0, count <= 5 else { continue }
            if count <= 4, let mark = shortHints[pack(bytes[start..<i])] { marks |= mark }
            if bytes[i - 1] == 115, count >= 2, let mark = shortHints[pack(bytes[start..<(i - 1)])] { marks |= mark }
        }
        marks |= bytes.withUnsafeBufferPointer { longHints.tags(in: $0) }
        var result: Result = []
        if marks & Mark.negative != 0 { result.insert(.negative) }
        if marks & Mark.weak != 0 { result.insert(.weakNegative) }
        // "commentary" is an opinion piece, not a comment section.
        if marks & Mark.comments != 0, marks & Mark.commentary == 0 { result.insert([.negative, .comments]) }
        if marks & Mark.positive != 0 { result.insert(.positive) }
        if marks & Mark.body != 0 { result.insert(.articleBody) }
        return result
    }
}

/// A bounded, lock-protected memo shared across extractions (the pipeline may run several at once).
final class SharedCache: @unchecked Sendable {
    private let lock = NSLock()
    private var memo = HintMemo(slots: 1 << 17)

    func get(_ key: UInt64) -> ClassHints.Result? {
        lock.lock(); defer { lock.unlock() }
        return memo.get(key)
    }

    func set(_ key: UInt64, _ value: ClassHints.Result) {
        lock.lock(); defer { lock.unlock() }
        memo.set(key, value)
    }
}

/// A fixed-size open-addressing memo from 64-bit hashes to results. The keys are FNV
/// hashes already, so a `Dictionary` (SipHash on every lookup) was pure overhead; when
/// three quarters full it starts over, which bounds its memory.
struct HintMemo {
    private var keys: [UInt64]
    private var values: [ClassHints.Result]
    private var count = 0
    private let mask: Int

    /// `slots` must be a power of two.
    init(slots: Int) {
        keys = [UInt64](repeating: 0, count: slots)
        values = [ClassHints.Result](repeating: [], count: slots)
        mask = slots - 1
    }

    func get(_ hash: UInt64) -> ClassHints.Result? {
        let key = hash == 0 ? 1 : hash // 0 marks an empty slot
        var slot = Int(truncatingIfNeeded: key >> 7) & mask
        while true {
            let k = keys[slot]
            if k == key { return values[slot] }
            if k == 0 { return nil }
            slot = (slot + 1) & mask
        }
    }

    mutating func set(_ hash: UInt64, _ value: ClassHints.Result) {
        let key = hash == 0 ? 1 : hash
        if count * 4 >= keys.count * 3 {
            for i in keys.indices { keys[i] = 0 }
            count = 0
        }
        var slot = Int(truncatingIfNeeded: key >> 7) & mask
        while keys[slot] != 0 && keys[slot] != key { slot = (slot + 1) & mask }
        if keys[slot] == 0 { count += 1 }
        keys[slot] = key
        values[slot] = value
    }
}
