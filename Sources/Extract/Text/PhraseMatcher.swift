import Foundation

/// Finds lowercase phrases that start at a word boundary, on UTF-8 bytes (Foundation's
/// `range(of:)` is far too slow on Linux for every line times every phrase).
struct PhraseMatcher: Sendable {
    private let phrases: [[UInt8]]

    init(_ list: [String]) { phrases = list.map { Array($0.utf8) }.filter { !$0.isEmpty } }

    static let linePhrases = PhraseMatcher(BoilerplateVocabulary.linePhrases)
    static let sentencePhrases = PhraseMatcher(BoilerplateVocabulary.sentencePhrases)

    /// Whether any phrase occurs in `bytes` (lowercase UTF-8) right after a non-word byte or at the start.
    func matches(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { b in phrases.contains { Self.find($0, in: b) } }
    }

    static func find(_ phrase: [UInt8], in b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard phrase.count <= b.count else { return false }
        let first = phrase[0]
        var i = 0
        let last = b.count - phrase.count
        while i <= last {
            if b[i] == first, i == 0 || !isWordByte(b[i - 1]) {
                var k = 1
                while k < phrase.count, b[i + k] == phrase[k] { k += 1 }
                if k == phrase.count { return true }
            }
            i += 1
        }
        return false
    }

    /// ASCII letters and digits; bytes of multi-byte characters count as letters.
    static func isWordByte(_ c: UInt8) -> Bool {
        c >= 0x80 || (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90)
    }
}
