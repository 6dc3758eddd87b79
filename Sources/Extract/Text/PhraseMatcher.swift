import Foundation

/// Finds lowercase phrases that start at a word boundary, on UTF-8 bytes (Foundation's
/// `range(of:)` is far too slow on Linux for every line times every phrase).
///
/// One pass over the line: only word starts are tried, and only against the phrases that
/// begin with the byte found there, so a megabyte-long line costs one scan, not one per phrase.
struct PhraseMatcher: Sendable {
    private let phrases: [[UInt8]]
    /// Indices into `phrases` by first byte.
    private let byFirstByte: [[Int]]

    init(_ list: [String]) {
        phrases = list.map { Array($0.utf8) }.filter { !$0.isEmpty }
        var buckets = [[Int]](repeating: [], count: 256)
        for (i, phrase) in phrases.enumerated() { buckets[Int(phrase[0])].append(i) }
        byFirstByte = buckets
    }

    static let linePhrases = PhraseMatcher(BoilerplateVocabulary.linePhrases)
    static let sentencePhrases = PhraseMatcher(BoilerplateVocabulary.sentencePhrases)
    static let scriptLinePhrases = PhraseMatcher(BoilerplateVocabulary.scriptLinePhrases)
    static let scriptSentencePhrases = PhraseMatcher(BoilerplateVocabulary.scriptSentencePhrases)

    /// Whether any phrase occurs anywhere in `bytes` (scripts written without spaces have no
    /// word boundaries to wait for). Callers bound the length of `bytes`.
    func occurs(in bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { b in
            for i in 0..<b.count {
                for p in byFirstByte[Int(b[i])] where Self.occurs(phrases[p], in: b, at: i) { return true }
            }
            return false
        }
    }

    /// Whether any phrase occurs in `bytes` (lowercase UTF-8) right after a non-word byte or at the start.
    func matches(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { b in
            var previousIsWord = false
            for i in 0..<b.count {
                let c = b[i]
                defer { previousIsWord = Self.isWordByte(c) }
                guard !previousIsWord else { continue }
                for p in byFirstByte[Int(c)] where Self.occurs(phrases[p], in: b, at: i) { return true }
            }
            return false
        }
    }

    @inline(__always)
    private static func occurs(_ phrase: [UInt8], in b: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        guard phrase.count <= b.count - i else { return false }
        var k = 1
        while k < phrase.count, b[i + k] == phrase[k] { k += 1 }
        return k == phrase.count
    }

    /// ASCII letters and digits; bytes of multi-byte characters count as letters.
    static func isWordByte(_ c: UInt8) -> Bool {
        c >= 0x80 || (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90)
    }
}
