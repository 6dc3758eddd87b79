/// Byte-level, ASCII-case-insensitive phrase search: a table from first byte to the
/// phrases starting with it keeps scanning short lines cheap (Foundation's
/// `String.contains` dominated profiles).
struct PhraseSet {
    private var byFirst: [[(bytes: [UInt8], startsWord: Bool, endsWord: Bool)]] = Array(repeating: [], count: 256)
    /// Whole words only: "teilen" must not match "mitteilen", nor "log in" "blog interview".
    private let wordBoundaries: Bool

    init(_ phrases: [String], wordBoundaries: Bool = false) {
        self.wordBoundaries = wordBoundaries
        for p in phrases {
            let lower = p.lowercased()
            let bytes = Array(lower.utf8)
            guard let first = bytes.first, let head = lower.unicodeScalars.first, let tail = lower.unicodeScalars.last else { continue }
            let isWord: (Unicode.Scalar) -> Bool = { $0.properties.isAlphabetic || $0.properties.numericType != nil }
            byFirst[Int(first)].append((bytes, isWord(head), isWord(tail)))
        }
    }

    /// Whether any phrase occurs in `text` (bytes already lowercased).
    func occurs(in text: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = text.count
        for i in 0..<n {
            for entry in byFirst[Int(text[i])] where entry.bytes.count <= n - i {
                let phrase = entry.bytes
                var k = 1
                while k < phrase.count, text[i + k] == phrase[k] { k += 1 }
                if k == phrase.count {
                    if !wordBoundaries { return true }
                    let end = i + phrase.count
                    let startOK = !entry.startsWord || i == 0 || !Self.isWordByte(text[i - 1])
                    let endOK = !entry.endsWord || end == n || !Self.isWordByte(text[end])
                    if startOK && endOK { return true }
                }
            }
        }
        return false
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
