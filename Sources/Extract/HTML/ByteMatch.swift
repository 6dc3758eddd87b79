/// Byte-level, ASCII-case-insensitive phrase search: a table from first byte to the
/// phrases starting with it keeps scanning short lines cheap (Foundation's
/// `String.contains` dominated profiles).
struct PhraseSet {
    private var byFirst: [[[UInt8]]] = Array(repeating: [], count: 256)

    init(_ phrases: [String]) {
        for p in phrases {
            let bytes = Array(p.lowercased().utf8)
            guard let first = bytes.first else { continue }
            byFirst[Int(first)].append(bytes)
        }
    }

    /// Whether any phrase occurs in `text` (bytes already lowercased).
    func occurs(in text: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = text.count
        for i in 0..<n {
            for phrase in byFirst[Int(text[i])] where phrase.count <= n - i {
                var k = 1
                while k < phrase.count, text[i + k] == phrase[k] { k += 1 }
                if k == phrase.count { return true }
            }
        }
        return false
    }
}

enum ASCII {
    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b | 0x20 : b }
    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) }
}
