/// Scripts written without spaces between words (Han, Hiragana, Katakana, Thai, Lao, Khmer,
/// Myanmar). A word shingle assumes spaces: a Japanese sentence would be one "word", and
/// changing one character would change every shingle it is part of. In these scripts each
/// character is a token instead, so a shingle of `words` tokens is a character n-gram inside
/// a run, and shingles cross freely into the words around it (mixed-script text gets one
/// stream of shingles, and one signature).
enum UnspacedScript {
    /// Whether `scalar` belongs to a script written without spaces.
    @inline(__always)
    static func contains(_ v: UInt32) -> Bool {
        switch v {
        case 0x0E00...0x0EFF,  // Thai, Lao
             0x1000...0x109F,  // Myanmar
             0x1780...0x17FF,  // Khmer
             0x3005...0x3007,  // 々 〆 〇
             0x3040...0x30FF,  // Hiragana, Katakana
             0x31F0...0x31FF,  // Katakana phonetic extensions
             0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF,  // Han
             0x20000...0x3FFFF:  // Han, supplementary planes
            return true
        default:
            return false
        }
    }

    /// Calls `body` with the tokens of one normalised word (UTF-8, no spaces): each
    /// character of an unspaced script alone, the letters and digits between such
    /// characters as one word.
    @inline(__always)
    static func tokens(_ word: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        // Every unspaced script is at U+0E00 or above: 3- and 4-byte sequences only.
        guard word.contains(where: { $0 >= 0xE0 }) else { return body(word) }
        var start = 0  // of the pending word
        var i = 0
        let n = word.count
        while i < n {
            let lead = word[i]
            let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
            guard length >= 3, i + length <= n else { i += length; continue }
            var v = UInt32(lead) & (length == 3 ? 0x0F : 0x07)
            for j in 1..<length { v = v << 6 | UInt32(word[i + j] & 0x3F) }
            guard contains(v) else { i += length; continue }
            if start < i { body(UnsafeRawBufferPointer(rebasing: word[start..<i])) }
            body(UnsafeRawBufferPointer(rebasing: word[i..<(i + length)]))
            i += length
            start = i
        }
        if start < n { body(UnsafeRawBufferPointer(rebasing: word[start..<n])) }
    }
}
