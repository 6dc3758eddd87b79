import WinnowCore

/// Word shingles of a normalised body, each hashed once to 64 bits.
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

    /// Appends shingle hashes of `text` to `out` (cleared first).
    public func shingles(_ text: String, into out: inout [UInt64]) {
        out.removeAll(keepingCapacity: true)
        var wordHashes = WordHashes(k: words)
        var text = text
        text.withUTF8 { bytes in
            wordHashes.run(bytes, into: &out)
        }
        wordHashes.finish(into: &out)
    }

    /// Sorted, distinct shingle hashes: the set that exact Jaccard and containment use.
    public func shingleSet(_ text: String) -> [UInt64] {
        Self.distinct(shingles(text))
    }

    public static func distinct(_ hashes: [UInt64]) -> [UInt64] {
        var set = hashes
        set.sort()
        var n = 0
        for i in 0..<set.count where i == 0 || set[i] != set[n - 1] {
            set[n] = set[i]
            n += 1
        }
        set.removeLast(set.count - n)
        return set
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

    /// Calls `body` with each normalised word's UTF-8 bytes.
    @inline(__always)
    static func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeRawBufferPointer) -> Void) {
        let n = bytes.count
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { scratch in
            var i = 0
            while i < n {
                // Skip separators (ASCII non-alphanumerics).
                while i < n {
                    let c = bytes[i]
                    if c >= 0x80 || isAlnum[Int(c)] != 0 { break }
                    i += 1
                }
                if i >= n { break }
                let start = i
                var ascii = true
                var len = 0
                while i < n {
                    let c = bytes[i]
                    if c >= 0x80 {
                        ascii = false
                    } else {
                        let f = isAlnum[Int(c)]
                        if f == 0 { break }
                        if len < 256 { scratch[len] = f }
                    }
                    len += 1
                    i += 1
                }
                if ascii && len <= 256 {
                    body(UnsafeRawBufferPointer(start: scratch.baseAddress, count: len))
                } else if ascii {
                    var lowered = Array(UnsafeBufferPointer(rebasing: bytes[start..<i]))
                    for j in lowered.indices { lowered[j] = isAlnum[Int(lowered[j])] }
                    lowered.withUnsafeBytes { body($0) }
                } else {
                    // A word with non-ASCII letters or punctuation: the Unicode normaliser
                    // decides (it may split it, e.g. at a curly apostrophe).
                    let word = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
                    for part in TextNormalizer.normalize(word).split(separator: " ") {
                        var s = String(part)
                        s.withUTF8 { body(UnsafeRawBufferPointer($0)) }
                    }
                }
            }
        }
    }

    /// 0 for ASCII separators, else the folded (lower-case) byte.
    static let isAlnum: [UInt8] = (0..<128).map { c -> UInt8 in
        switch c {
        case 48...57, 97...122: return UInt8(c)
        case 65...90: return UInt8(c + 32)
        default: return 0
        }
    }

    /// Rolling window of the last `k` word hashes.
    struct WordHashes {
        let k: Int
        var ring: [UInt64]
        var seen = 0

        init(k: Int) {
            self.k = k
            ring = Array(repeating: 0, count: k)
        }

        mutating func run(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt64]) {
            let k = self.k
            var seen = self.seen
            ring.withUnsafeMutableBufferPointer { ring in
                Shingler.tokenize(bytes) { word in
                    ring[seen % k] = Hash64.hash(word, seed: Shingler.seed)
                    seen += 1
                    if seen >= k { out.append(Self.combine(ring, newest: seen - 1, count: k)) }
                }
            }
            self.seen = seen
        }

        mutating func finish(into out: inout [UInt64]) {
            if seen > 0 && seen < k {
                ring.withUnsafeMutableBufferPointer { out.append(Self.combine($0, newest: seen - 1, count: seen)) }
            }
        }

        /// Hash of the `count` words ending at position `newest` (order matters).
        @inline(__always)
        static func combine(_ ring: UnsafeMutableBufferPointer<UInt64>, newest: Int, count: Int) -> UInt64 {
            let k = ring.count
            var h = Shingler.k0 ^ UInt64(truncatingIfNeeded: count)
            var p = newest - count + 1
            for _ in 0..<count {
                h = Hash64.mix(h ^ ring[p % k], Shingler.k1)
                p += 1
            }
            return Hash64.mix(h ^ Shingler.k0, Shingler.k1 ^ 0x2545_f491_4f6c_dd1d)
        }
    }
}
