import WinnowCore

/// Word shingles of a normalised body, each hashed once to 64 bits. In scripts written
/// without spaces (Han, Kana, Thai…) each character is a token, so shingles there are
/// character n-grams (`UnspacedScript`).
///
/// Normalisation matches `TextNormalizer` (NFKC, lower case, everything but letters, digits
/// and combining marks is a separator) but runs byte by byte: ASCII words are folded in
/// place; only a word containing non-ASCII bytes goes through the Unicode normaliser.
public struct Shingler: Sendable {
    public let words: Int

    public init(words: Int = 3) {
        precondition(words >= 1)
        self.words = words
    }

    static let seed: UInt64 = 0x5eed_d00d_5eed_d00d
    @usableFromInline static let k0: UInt64 = 0x9e37_79b9_7f4a_7c15
    @usableFromInline static let k1: UInt64 = 0xc2b2_ae3d_27d4_eb4f

    /// Shingle hashes in text order (repeats kept). Fewer words than `words` give one
    /// shingle of all of them; no words give none.
    public func shingles(_ text: String) -> [UInt64] {
        var out: [UInt64] = []
        shingles(text, into: &out)
        return out
    }

    /// Shingle hashes of `text` into `out` (cleared first).
    public func shingles(_ text: String, into out: inout [UInt64]) {
        out.removeAll(keepingCapacity: true)
        var text = text
        text.withUTF8 { bytes in
            let capacity = bytes.count / 2 + 1
            let words = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity)
            defer { words.deallocate() }
            let n = Self.wordHashes(bytes, into: words, capacity: capacity)
            let k = self.words
            guard n > 0 else { return }
            if n < k {
                out.append(Self.combine(words, count: n))
                return
            }
            let count = n - k + 1
            // Combined in place (shingle i only reads words i..<i+k, not yet overwritten),
            // then copied once: `append` per element checks capacity and uniqueness.
            if k == 3 {
                for i in 0..<count { words[i] = Self.combine3(words + i) }
            } else {
                for i in 0..<count { words[i] = Self.combine(words + i, count: k) }
            }
            out.append(contentsOf: UnsafeBufferPointer(start: words, count: count))
        }
    }

    /// Hash of `count` consecutive word hashes (order matters).
    @inline(__always)
    static func combine(_ words: UnsafePointer<UInt64>, count: Int) -> UInt64 {
        var h = k0 ^ UInt64(truncatingIfNeeded: count)
        for j in 0..<count { h = mix(h ^ words[j], k1) }
        return mix(h ^ k0, k1 ^ 0x2545_f491_4f6c_dd1d)
    }

    @inline(__always)
    static func combine3(_ words: UnsafePointer<UInt64>) -> UInt64 {
        var h = k0 ^ 3
        h = mix(h ^ words[0], k1)
        h = mix(h ^ words[1], k1)
        h = mix(h ^ words[2], k1)
        return mix(h ^ k0, k1 ^ 0x2545_f491_4f6c_dd1d)
    }

    @inline(__always)
    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let r = a.multipliedFullWidth(by: b)
        return r.high ^ r.low
    }

    /// Incremental hash of one word's folded bytes, 8 at a time.
    struct WordHasher {
        var h: UInt64 = Shingler.seed
        var acc: UInt64 = 0
        var shift: UInt64 = 0
        var length: UInt64 = 0

        @inline(__always)
        mutating func add(_ byte: UInt8) {
            acc |= UInt64(byte) &<< shift
            shift &+= 8
            length &+= 1
            if shift == 64 {
                h = Shingler.mix(h ^ acc, Shingler.k1)
                acc = 0
                shift = 0
            }
        }

        @inline(__always)
        func finish() -> UInt64 {
            Shingler.mix(Shingler.mix(h ^ acc, Shingler.k0) ^ length, Shingler.k1)
        }
    }

    /// Hash of an ASCII word (letters and digits), folding case 8 bytes at a time; the same
    /// value `WordHasher` gives for the folded bytes. `end` bounds the readable bytes.
    @inline(__always)
    static func hashASCIIWord(_ start: UnsafePointer<UInt8>, length: Int, end: UnsafePointer<UInt8>) -> UInt64 {
        let raw = UnsafeRawPointer(start)
        var h = seed
        var j = 0
        while j + 8 <= length {
            let v = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: j, as: UInt64.self)) | 0x2020_2020_2020_2020
            h = mix(h ^ v, k1)
            j += 8
        }
        let rem = length - j
        var acc: UInt64 = 0
        if rem > 0 {
            let mask: UInt64 = (1 &<< UInt64(8 * rem)) &- 1
            if start + j + 8 <= end {
                acc = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: j, as: UInt64.self)) & mask
            } else {
                for t in 0..<rem { acc |= UInt64(start[j + t]) &<< UInt64(8 * t) }
            }
            acc |= 0x2020_2020_2020_2020 & mask
        }
        return mix(mix(h ^ acc, k0) ^ UInt64(length), k1)
    }

    /// Writes the hash of each normalised word to `words`; returns how many.
    static func wordHashes(_ bytes: UnsafeBufferPointer<UInt8>, into words: UnsafeMutablePointer<UInt64>, capacity: Int) -> Int {
        guard let p = bytes.baseAddress else { return 0 }
        let n = bytes.count
        let end = p + n
        let cls = classTable.baseAddress!
        var count = 0
        var i = 0
        while i < n {
            // Skip separators.
            // `&+=` throughout: `i < n` bounds it, and overflow checks cost in these byte loops.
            while i < n {
                let c = cls[Int(p[i])]
                if c == 1 { break }
                if c == 0 { i &+= 1; continue }
                let w = wideSeparator(bytes, i)
                if w == 0 { break }
                i &+= w
            }
            if i >= n { break }
            let start = i
            var ascii = true
            // Eight bytes at a time while they are ASCII letters and digits; stops at the
            // first other byte, which the byte loop below then classifies.
            while i &+ 8 <= n {
                let x = UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
                let stop = ~Self.asciiAlnumMask(x) & 0x8080_8080_8080_8080
                if stop == 0 { i &+= 8; continue }
                i &+= stop.trailingZeroBitCount >> 3
                break
            }
            while i < n {
                let c = cls[Int(p[i])]
                if c == 1 { i &+= 1; continue }
                if c == 0 || wideSeparator(bytes, i) != 0 { break }
                ascii = false
                i &+= 1
            }
            if ascii {
                if count < capacity { words[count] = hashASCIIWord(p + start, length: i &- start, end: end); count &+= 1 }
            } else {
                // A word with other non-ASCII characters: the Unicode normaliser decides
                // (NFKC, case fold; it may split the word). The non-ASCII words that follow
                // go with it: one call for a Cyrillic sentence, not one per word.
                // Characters of scripts without spaces are tokens of their own.
                i = nonASCIIRunEnd(bytes, from: i)
                var word = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
                word = TextNormalizer.normalize(word)
                word.withUTF8 { folded in
                    for part in UnsafeRawBufferPointer(folded).split(separator: 32) {
                        UnspacedScript.tokens(UnsafeRawBufferPointer(rebasing: part)) { token in
                            var h = WordHasher()
                            for byte in token { h.add(byte) }
                            if count < capacity { words[count] = h.finish(); count += 1 }
                        }
                    }
                }
            }
        }
        return count
    }

    /// End of the run of non-ASCII words that continues at `i` (the end of one): separators
    /// and words up to, not including, the next word that is all ASCII letters and digits.
    static func nonASCIIRunEnd(_ bytes: UnsafeBufferPointer<UInt8>, from i: Int) -> Int {
        let cls = classTable.baseAddress!
        let n = bytes.count
        var end = i
        var k = i
        while k < n {
            while k < n {
                let c = cls[Int(bytes[k])]
                if c == 1 { break }
                if c == 0 { k += 1; continue }
                let w = wideSeparator(bytes, k)
                if w == 0 { break }
                k += w
            }
            var ascii = true
            while k < n {
                let c = cls[Int(bytes[k])]
                if c == 1 { k += 1; continue }
                if c == 0 || wideSeparator(bytes, k) != 0 { break }
                ascii = false
                k += 1
            }
            if ascii { break }
            end = k
        }
        return end
    }

    /// Bit 7 of each byte of the result is set when that byte of `x` is an ASCII letter or
    /// digit (class 1 in `classTable`); other bits are garbage. Bytes ≥ 0x80 give 0. Each
    /// "≥ c" test adds 0x80 − c to the low 7 bits, so no carry crosses a byte.
    @inline(__always)
    static func asciiAlnumMask(_ x: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let low = x & 0x7f7f_7f7f_7f7f_7f7f
        let ascii = ~x
        @inline(__always) func atLeast(_ v: UInt64, _ c: UInt64) -> UInt64 { v &+ (0x80 &- c) &* ones }
        let lower = low | 0x2020_2020_2020_2020
        let digit = atLeast(low, 0x30) & ~atLeast(low, 0x3a)
        let letter = atLeast(lower, 0x61) & ~atLeast(lower, 0x7b)
        return (digit | letter) & ascii
    }

    /// Per byte: 0 ASCII separator, 1 ASCII letter or digit, 2 non-ASCII.
    nonisolated(unsafe) static let classTable: UnsafeBufferPointer<UInt8> = {
        let table = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 256)
        for c in 0..<256 {
            switch c {
            case 48...57, 65...90, 97...122: table[c] = 1
            case 128...255: table[c] = 2
            default: table[c] = 0
            }
        }
        return UnsafeBufferPointer(table)
    }()

    /// Calls `body` with each normalised word (for tests and explanations).
    static func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeRawBufferPointer) -> Void) {
        guard let p = bytes.baseAddress else { return }
        let n = bytes.count
        let fold = foldTable.baseAddress!
        var i = 0
        while i < n {
            while i < n {
                let f = fold[Int(p[i])]
                if f == 0 { i += 1; continue }
                if f == 0xFF, wideSeparator(bytes, i) != 0 { i += wideSeparator(bytes, i); continue }
                break
            }
            if i >= n { break }
            let start = i
            var ascii = true
            var folded: [UInt8] = []
            while i < n {
                let f = fold[Int(p[i])]
                if f == 0 || (f == 0xFF && wideSeparator(bytes, i) != 0) { break }
                if f == 0xFF { ascii = false }
                folded.append(f)
                i += 1
            }
            if ascii {
                folded.withUnsafeBytes { body($0) }
            } else {
                let word = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
                var normalized = TextNormalizer.normalize(word)
                normalized.withUTF8 { folded in
                    for part in UnsafeRawBufferPointer(folded).split(separator: 32) {
                        UnspacedScript.tokens(UnsafeRawBufferPointer(rebasing: part), body)
                    }
                }
            }
        }
    }

    /// Sorted, distinct shingle hashes: the set that exact Jaccard and containment use.
    public func shingleSet(_ text: String) -> [UInt64] {
        Self.distinct(shingles(text))
    }

    public static func distinct(_ hashes: [UInt64]) -> [UInt64] {
        let n = hashes.count
        guard n > 1 else { return hashes }
        // Hashes are uniform: a counting sort on the top bits leaves ~1 element per bucket.
        var bits = 1
        while (1 << bits) < n && bits < 16 { bits += 1 }
        let shift = UInt64(64 - bits)
        let buckets = 1 << bits
        return [UInt64](unsafeUninitializedCapacity: n) { dst, initialized in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: buckets + 1) { counts in
                counts.initialize(repeating: 0)
                hashes.withUnsafeBufferPointer { src in
                    for x in src { counts[Int(truncatingIfNeeded: x &>> shift) &+ 1] &+= 1 }
                    for i in 0..<buckets { counts[i &+ 1] &+= counts[i] }
                    for x in src {
                        let b = Int(truncatingIfNeeded: x &>> shift)
                        (dst.baseAddress! + Int(counts[b])).initialize(to: x)
                        counts[b] &+= 1
                    }
                }
            }
            // Buckets hold about one element each: an insertion sort finishes in about linear time.
            for i in 1..<n {
                let x = dst[i]
                var j = i &- 1
                while j >= 0 && dst[j] > x {
                    dst[j &+ 1] = dst[j]
                    j &-= 1
                }
                dst[j &+ 1] = x
            }
            // Repeats are adjacent now; the tail past `k` is plain integers, left as is.
            var k = 1
            for i in 1..<n where dst[i] != dst[k &- 1] {
                dst[k] = dst[i]
                k &+= 1
            }
            initialized = k
        }
    }

    /// Normalised words of `text` (for tests and explanations).
    public static func normalizedWords(_ text: String) -> [String] {
        var words: [String] = []
        var text = text
        text.withUTF8 { bytes in
            tokenize(bytes) { words.append(String(decoding: $0, as: UTF8.self)) }
        }
        return words
    }

    /// Length of a non-ASCII separator starting at `i` (no-break space U+00A0, or the
    /// General Punctuation block U+2000–U+206F: spaces, dashes, curly quotes, ellipsis,
    /// zero-width and bidi marks — none of which the normaliser keeps), else 0.
    @inline(__always)
    static func wideSeparator(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let c = bytes[i]
        if c == 0xE2, i + 2 < bytes.count, bytes[i + 1] & 0xFE == 0x80 { return 3 }
        if c == 0xC2, i + 1 < bytes.count, bytes[i + 1] == 0xA0 { return 2 }
        return 0
    }

    /// Per byte: 0 for an ASCII separator, 0xFF for a non-ASCII byte, else the folded
    /// (lower-case) ASCII letter or digit. Allocated once, never freed.
    nonisolated(unsafe) static let foldTable: UnsafeBufferPointer<UInt8> = {
        let table = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 256)
        for c in 0..<256 {
            switch c {
            case 48...57, 97...122: table[c] = UInt8(c)
            case 65...90: table[c] = UInt8(c + 32)
            case 128...255: table[c] = 0xFF
            default: table[c] = 0
            }
        }
        return UnsafeBufferPointer(table)
    }()

}
