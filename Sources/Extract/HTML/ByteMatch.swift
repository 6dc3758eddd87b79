/// Byte-level, ASCII-case-insensitive phrase search: phrases are grouped by first byte in
/// flat arrays, so scanning a line touches one small range per byte and allocates nothing
/// (Foundation's `String.contains`, then nested arrays, dominated profiles).
struct PhraseSet {
    private struct Entry {
        var offset: Int32
        var count: Int32
        var startsWord: Bool
        var endsWord: Bool
        var tag: UInt8
    }

    /// All phrases, lowercased UTF-8, back to back.
    private let phraseBytes: [UInt8]
    /// Sorted by first byte.
    private let entries: [Entry]
    /// `entries[firstIndex[b]..<firstIndex[b + 1]]` start with byte `b`.
    private let firstIndex: [Int32]
    /// Whole words only: "teilen" must not match "mitteilen", nor "log in" "blog interview".
    private let wordBoundaries: Bool

    init(_ phrases: [String], wordBoundaries: Bool = false) {
        self.init(tagged: phrases.map { ($0, 1) }, wordBoundaries: wordBoundaries)
    }

    /// Phrases with tags, for `tags(in:)`: one scan answers for several vocabularies.
    init(tagged phrases: [(String, UInt8)], wordBoundaries: Bool = false) {
        self.wordBoundaries = wordBoundaries
        let isWord: (Unicode.Scalar) -> Bool = { $0.properties.isAlphabetic || $0.properties.numericType != nil }
        var grouped: [(first: UInt8, bytes: [UInt8], startsWord: Bool, endsWord: Bool, tag: UInt8)] = []
        for (p, tag) in phrases {
            let lower = p.lowercased()
            let bytes = Array(lower.utf8)
            guard let first = bytes.first, let head = lower.unicodeScalars.first, let tail = lower.unicodeScalars.last else { continue }
            grouped.append((first, bytes, isWord(head), isWord(tail), tag))
        }
        grouped.sort { $0.first < $1.first }
        var phraseBytes: [UInt8] = []
        var entries: [Entry] = []
        var firstIndex = [Int32](repeating: 0, count: 257)
        for g in grouped {
            entries.append(Entry(offset: Int32(phraseBytes.count), count: Int32(g.bytes.count), startsWord: g.startsWord,
                                 endsWord: g.endsWord, tag: g.tag))
            phraseBytes.append(contentsOf: g.bytes)
            firstIndex[Int(g.first) + 1] += 1
        }
        for b in 0..<256 { firstIndex[b + 1] += firstIndex[b] }
        self.phraseBytes = phraseBytes
        self.entries = entries
        self.firstIndex = firstIndex
    }

    /// Whether any phrase occurs in `text` (bytes already lowercased).
    func occurs(in text: UnsafeBufferPointer<UInt8>) -> Bool {
        scan(text, all: false) != 0
    }

    /// The union of the tags of all phrases occurring in `text` (bytes already lowercased).
    func tags(in text: UnsafeBufferPointer<UInt8>) -> UInt8 {
        scan(text, all: true)
    }

    private func scan(_ text: UnsafeBufferPointer<UInt8>, all: Bool) -> UInt8 {
        let n = text.count
        var found: UInt8 = 0
        return phraseBytes.withUnsafeBufferPointer { phrases in
            entries.withUnsafeBufferPointer { entries in
                firstIndex.withUnsafeBufferPointer { firstIndex in
                    for i in 0..<n {
                        let first = Int(text[i])
                        var e = Int(firstIndex[first])
                        let last = Int(firstIndex[first + 1])
                        while e < last {
                            let entry = entries[e]
                            e += 1
                            let count = Int(entry.count)
                            guard count <= n - i, entry.tag & ~found != 0 else { continue }
                            let phrase = phrases.baseAddress! + Int(entry.offset)
                            var k = 1
                            while k < count, text[i + k] == phrase[k] { k += 1 }
                            guard k == count else { continue }
                            if wordBoundaries {
                                let end = i + count
                                let startOK = !entry.startsWord || i == 0 || !Self.isWordByte(text[i - 1])
                                let endOK = !entry.endsWord || end == n || !Self.isWordByte(text[end])
                                guard startOK && endOK else { continue }
                            }
                            found |= entry.tag
                            if !all { return found }
                        }
                    }
                    return found
                }
            }
        }
    }
}

extension PhraseSet {
    /// Letters and digits, and any byte of a multi-byte UTF-8 letter.
    @inline(__always) static func isWordByte(_ b: UInt8) -> Bool { ASCII.isAlnum(b) || b >= 0x80 }
}

enum ASCII {
    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b | 0x20 : b }
    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) }
}
