import WinnowCore

/// A 128 × 32-bit MinHash signature plus the number of distinct shingles it summarises.
public struct Signature: Sendable, Equatable {
    public var values: [UInt32]
    /// Distinct shingles in the document (for containment estimates); 0 when unknown.
    public var shingleCount: UInt32

    public init(values: [UInt32], shingleCount: UInt32) {
        precondition(values.count == Dedupe.signatureLength)
        self.values = values
        self.shingleCount = shingleCount
    }

    /// Stored form: 128 little-endian UInt32 values, then the shingle count (516 bytes).
    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: Self.encodedSize)
        out.withUnsafeMutableBytes { raw in
            for i in 0..<Dedupe.signatureLength {
                raw.storeBytes(of: values[i].littleEndian, toByteOffset: 4 * i, as: UInt32.self)
            }
            raw.storeBytes(of: shingleCount.littleEndian, toByteOffset: 4 * Dedupe.signatureLength, as: UInt32.self)
        }
        return out
    }

    public static let encodedSize = 4 * Dedupe.signatureLength + 4

    /// Decodes the stored form; nil for a blob of the wrong size. A bare 512-byte blob
    /// (values only) is accepted with an unknown shingle count.
    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.encodedSize || bytes.count == 4 * Dedupe.signatureLength else { return nil }
        var values = [UInt32](repeating: 0, count: Dedupe.signatureLength)
        var count: UInt32 = 0
        bytes.withUnsafeBytes { raw in
            for i in 0..<Dedupe.signatureLength {
                values[i] = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
            }
            if bytes.count == Self.encodedSize {
                count = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * Dedupe.signatureLength, as: UInt32.self))
            }
        }
        self.values = values
        self.shingleCount = count
    }

    /// Share of equal positions: an unbiased estimate of the Jaccard similarity.
    public func estimatedJaccard(_ other: Signature) -> Double {
        values.withUnsafeBufferPointer { a in
            other.values.withUnsafeBufferPointer { b in Double(MinHash.matches(a, b)) / Double(Dedupe.signatureLength) }
        }
    }
}

/// One-permutation MinHash with optimal densification (Shrivastava 2017).
///
/// Each 64-bit shingle hash is used once: its top 7 bits pick one of 128 bins, the next 31
/// bits are its value, and each bin keeps its minimum. Every shingle contributes, no
/// sampling, no modular arithmetic (so no overflow bias). Empty bins (short documents) borrow
/// the value of a non-empty bin chosen by a fixed hash sequence of (bin, attempt), so two
/// documents agree on a borrowed bin exactly when they agree on the bin it came from, and the
/// share of equal bins stays an unbiased Jaccard estimate.
public enum MinHash {
    static let binShift: UInt64 = 57
    static let valueShift: UInt64 = 26
    /// Values of non-empty bins are 31 bits; a value borrowed by an empty bin has this bit
    /// set, so it can only equal another borrowed value (a bin that is empty in one
    /// document and not in the other holds no common shingle), and the minimum over a
    /// group of bins can skip borrowed values.
    public static let borrowedFlag: UInt32 = 0x8000_0000

    /// Signature of a document given its shingle hashes (repeats are harmless).
    public static func signature(_ shingles: [UInt64], distinctCount: Int? = nil) -> Signature {
        var values = [UInt32](repeating: 0, count: Dedupe.signatureLength)
        values.withUnsafeMutableBufferPointer { out in
            shingles.withUnsafeBufferPointer { compute($0, into: out) }
        }
        let count = distinctCount ?? Self.distinctCount(shingles)
        return Signature(values: values, shingleCount: UInt32(clamping: count))
    }

    /// Number of distinct hashes (open addressing; no sort).
    public static func distinctCount(_ hashes: [UInt64]) -> Int {
        guard hashes.count > 1 else { return hashes.count }
        var size = 16
        while size < hashes.count * 2 { size <<= 1 }
        let mask = size - 1
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: size) { table in
            table.initialize(repeating: 0)
            var distinct = 0
            var sawZero = false
            for x in hashes {
                if x == 0 { sawZero = true; continue }
                var i = Int(truncatingIfNeeded: x) & mask
                while true {
                    let t = table[i]
                    if t == x { break }
                    if t == 0 { table[i] = x; distinct += 1; break }
                    i = (i + 1) & mask
                }
            }
            return distinct + (sawZero ? 1 : 0)
        }
    }

    /// Containment keys: the minimum non-borrowed value of each group of 8 bins (a MinHash
    /// over ~1/16 of the shingles), or nil when all 8 bins were empty.
    @inline(__always)
    public static func groupMinimum(_ sig: UnsafeBufferPointer<UInt32>, group: Int) -> UInt32? {
        var m = UInt32.max
        let base = group * Dedupe.containmentGroupSize
        for i in base..<(base + Dedupe.containmentGroupSize) { m = min(m, sig[i]) }
        return m & borrowedFlag == 0 ? m : nil
    }

    /// Fills `out` (128 values). No shingles: every value is `UInt32.max`.
    public static func compute(_ shingles: UnsafeBufferPointer<UInt64>, into out: UnsafeMutableBufferPointer<UInt32>) {
        precondition(out.count == Dedupe.signatureLength)
        for i in 0..<out.count { out[i] = .max }
        for x in shingles {
            let bin = Int(truncatingIfNeeded: x &>> binShift)
            let v = UInt32(truncatingIfNeeded: x &>> valueShift) & 0x7fff_ffff
            out[bin] = min(out[bin], v)
        }
        // Filled bins are found afterwards (values are 31 bits, so a filled bin is below
        // `.max`): tracking them in the loop costs a random branch per shingle.
        var filledLow: UInt64 = 0
        var filledHigh: UInt64 = 0
        for bin in 0..<64 where out[bin] != .max { filledLow |= 1 &<< UInt64(bin) }
        for bin in 64..<Dedupe.signatureLength where out[bin] != .max { filledHigh |= 1 &<< UInt64(bin - 64) }
        if filledLow == .max && filledHigh == .max { return }
        if filledLow == 0 && filledHigh == 0 { return }
        @inline(__always) func filled(_ bin: Int) -> Bool {
            bin < 64 ? (filledLow >> UInt64(bin)) & 1 != 0 : (filledHigh >> UInt64(bin - 64)) & 1 != 0
        }
        for bin in 0..<Dedupe.signatureLength where !filled(bin) {
            var attempt: UInt64 = 1
            while true {
                let source = Int(truncatingIfNeeded: Hash64.mix(UInt64(bin) &* 0x9e37_79b9_7f4a_7c15 ^ 0xd6e8_feb8_6659_fd93,
                                                                attempt &+ 0xa076_1d64_78bd_642f) &>> binShift)
                if filled(source) {
                    out[bin] = out[source] | borrowedFlag
                    break
                }
                attempt &+= 1
                if attempt > 4096 {  // cannot happen in practice; stay total anyway
                    let first = (0..<Dedupe.signatureLength).first(where: filled)!
                    out[bin] = out[first] | borrowedFlag
                    break
                }
            }
        }
    }

    /// Number of equal positions.
    @inline(__always)
    public static func matches(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>) -> Int {
        // Explicit vectors: the scalar loop compiles to a data-dependent branch per value,
        // which mispredicts on partly similar documents.
        precondition(a.count == Dedupe.signatureLength && b.count == Dedupe.signatureLength)
        let pa = UnsafeRawPointer(a.baseAddress!), pb = UnsafeRawPointer(b.baseAddress!)
        let zero = SIMD8<UInt32>(), one = SIMD8<UInt32>(repeating: 1)
        var acc = zero
        for k in 0..<(Dedupe.signatureLength / 8) {
            let x = pa.loadUnaligned(fromByteOffset: 32 * k, as: SIMD8<UInt32>.self)
            let y = pb.loadUnaligned(fromByteOffset: 32 * k, as: SIMD8<UInt32>.self)
            acc &+= zero.replacing(with: one, where: x .== y)
        }
        return Int(acc.wrappedSum())
    }
}

/// Exact and estimated set similarities.
public enum Similarity {
    /// Size of the intersection of two sorted, distinct arrays.
    public static func intersectionCount(_ a: [UInt64], _ b: [UInt64]) -> Int {
        var i = 0, j = 0, n = 0
        while i < a.count && j < b.count {
            let x = a[i], y = b[j]
            if x == y { n += 1; i += 1; j += 1 } else if x < y { i += 1 } else { j += 1 }
        }
        return n
    }

    /// Exact Jaccard |A∩B|/|A∪B| and containment |A∩B|/|A| of sorted distinct sets.
    public static func exact(_ a: [UInt64], in b: [UInt64]) -> (jaccard: Double, containment: Double) {
        let inter = intersectionCount(a, b)
        let union = a.count + b.count - inter
        return (union == 0 ? 0 : Double(inter) / Double(union), a.isEmpty ? 0 : Double(inter) / Double(a.count))
    }

    /// Containment of A in B estimated from a Jaccard estimate and the set sizes:
    /// |A∩B| = J(|A|+|B|)/(1+J).
    public static func estimatedContainment(jaccard: Double, countA: Int, countB: Int) -> Double {
        guard countA > 0, countB > 0 else { return jaccard }
        return min(1, jaccard * Double(countA + countB) / ((1 + jaccard) * Double(countA)))
    }
}
