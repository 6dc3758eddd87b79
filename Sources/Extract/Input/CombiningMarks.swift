/// Caps runs of combining marks ("zalgo" text).
///
/// A base letter followed by thousands of marks is one grapheme cluster, and Swift's
/// `Character` comparisons and Unicode normalisation sort the marks of a cluster by combining
/// class in quadratic time. Real text needs a few marks per letter (Vietnamese two, Indic and
/// Tibetan stacks a handful), so keeping `limit` per base character loses nothing and bounds
/// every cluster. Runs on scalars, before any `String`/`Character` processing.
public enum CombiningMarks {
    /// Marks kept after one base character.
    public static let limit = 8

    /// Whether `scalar` extends the cluster before it: a mark (Mn, Mc, Me) or another
    /// grapheme extender (ZWNJ, halfwidth sound marks, emoji tag characters).
    @inline(__always)
    static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        // Nothing below U+0300 combines; the common scripts skip the property lookup.
        guard scalar.value >= 0x300 else { return false }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return properties.isGraphemeExtend
        }
    }

    /// `bytes` (valid UTF-8) with the marks beyond `limit` after each base character dropped;
    /// the same array when there are none.
    public static func cap(utf8 bytes: [UInt8], limit: Int = limit) -> [UInt8] {
        guard let first = firstExcess(bytes, limit: limit) else { return bytes }
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        out.append(contentsOf: bytes[..<first.offset])
        var run = first.run
        var i = first.offset
        while i < bytes.count {
            let length = sequenceLength(bytes[i])
            let end = min(i + length, bytes.count)
            if length == 1 {
                run = 0
            } else if let scalar = decode(bytes, i, length), isMark(scalar) {
                run += 1
                if run > limit { i = end; continue }
            } else {
                run = 0
            }
            out.append(contentsOf: bytes[i..<end])
            i = end
        }
        return out
    }

    /// `s` with the marks beyond `limit` after each base character dropped.
    public static func cap(_ s: String, limit: Int = limit) -> String {
        if s.utf8.allSatisfy({ $0 < 0xCC }) { return s } // no scalar at or above U+0300
        var scalars = String.UnicodeScalarView()
        var run = 0
        var dropped = false
        for scalar in s.unicodeScalars {
            if isMark(scalar) {
                run += 1
                if run > limit { dropped = true; continue }
            } else {
                run = 0
            }
            scalars.append(scalar)
        }
        return dropped ? String(scalars) : s
    }

    /// Offset of the first mark beyond the limit and the run length there, or nil.
    private static func firstExcess(_ bytes: [UInt8], limit: Int) -> (offset: Int, run: Int)? {
        var run = 0
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b < 0xCC { // ASCII, or a lead byte of a scalar below U+0300, or a continuation byte
                if b < 0x80 || b >= 0xC0 { run = 0 }
                i += 1
                continue
            }
            let length = sequenceLength(b)
            if let scalar = decode(bytes, i, length), isMark(scalar) {
                run += 1
                if run > limit { return (i, run - 1) }
            } else {
                run = 0
            }
            i += length
        }
        return nil
    }

    @inline(__always)
    private static func sequenceLength(_ b: UInt8) -> Int {
        b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
    }

    @inline(__always)
    private static func decode(_ b: [UInt8], _ i: Int, _ length: Int) -> Unicode.Scalar? {
        guard length > 1, i + length <= b.count else { return nil }
        var value = UInt32(b[i]) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for k in 1..<length { value = value << 6 | UInt32(b[i + k] & 0x3F) }
        return Unicode.Scalar(value)
    }
}
