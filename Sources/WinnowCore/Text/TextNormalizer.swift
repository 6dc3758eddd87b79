import Foundation

/// Folds text for comparison: Unicode NFKC, case fold, punctuation and whitespace folded to
/// single spaces. Digits are kept. Two bodies that differ only in such details normalise to
/// the same string, so they share a content hash.
public enum TextNormalizer {
    public static func normalize(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return normalizeASCII(text) }
        if let quick = normalizeStable(text) { return quick }
        return normalizeFoundation(text)
    }

    /// `normalize` without Foundation's NFKC pass when it cannot change anything: every
    /// non-ASCII scalar is one that NFKC and case folding leave alone (Unicode's
    /// Changes_When_NFKC_Casefolded is false) and that cannot compose with a neighbour
    /// (no marks, no combining class, no Hangul jamo). Nil when some scalar needs the full
    /// pass. Foundation's normaliser is most of the pipeline's serial cost otherwise.
    static func normalizeStable(_ text: String) -> String? {
        var out = WordJoiner(capacity: text.utf8.count)
        for scalar in text.unicodeScalars {
            let v = scalar.value
            let keep: Bool
            var emitted = scalar
            if v < 0x80 {
                keep = (v >= 0x61 && v <= 0x7A) || (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A)
                if v >= 0x41 && v <= 0x5A { emitted = Unicode.Scalar(v + 32)! }
            } else {
                let p = scalar.properties
                if p.canonicalCombiningClass != .notReordered { return nil }
                // Case folding is not lower-casing (Cherokee folds to capitals): both are checked.
                if p.changesWhenNFKCCaseFolded || p.changesWhenLowercased {
                    // A capital letter that only lower-cases (Р → р, É → é) is still stable.
                    let lower = p.lowercaseMapping.unicodeScalars
                    guard p.isAlphabetic, lower.count == 1, let l = lower.first, l != scalar,
                          !l.properties.changesWhenNFKCCaseFolded, !l.properties.changesWhenLowercased else {
                        // Other scalars (ß, the ellipsis, no-break spaces, soft hyphens, ligatures)
                        // fold on their own as they do in this text, whose scalars cannot
                        // compose (no marks, no jamo), when their fold holds no mark either.
                        switch p.generalCategory {
                        case .nonspacingMark, .spacingMark, .enclosingMark: return nil
                        default: break
                        }
                        guard let fold = ScalarFolds.shared.fold(scalar) else { return nil }
                        for folded in fold {
                            if folded == " " { out.separate() } else { out.keep(folded) }
                        }
                        continue
                    }
                    emitted = l
                }
                switch p.generalCategory {
                case .nonspacingMark, .spacingMark, .enclosingMark: return nil
                default: break
                }
                if (0x1100...0x11FF).contains(v) || (0xA960...0xA97F).contains(v) || (0xD7B0...0xD7FF).contains(v) { return nil }
                keep = p.isAlphabetic || p.numericType != nil
            }
            if keep { out.keep(emitted) } else { out.separate() }
        }
        return out.string
    }

    /// The reference fold: Foundation's NFKC, lower-casing, then letters, numbers and
    /// nonspacing marks kept.
    static func normalizeFoundation(_ text: String) -> String {
        let folded = text.precomposedStringWithCompatibilityMapping.lowercased()
        var out = WordJoiner()
        for scalar in folded.unicodeScalars {
            // ASCII scalars (most of any Latin-script text) without a property lookup.
            let v = scalar.value
            let keep = v < 0x80 ? (v >= 0x61 && v <= 0x7A) || (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A)
                : { let p = scalar.properties; return p.isAlphabetic || p.numericType != nil || p.generalCategory == .nonspacingMark }()
            if keep { out.keep(scalar) } else { out.separate() }
        }
        return out.string
    }

    /// `normalize` of ASCII text, byte by byte (NFKC leaves ASCII as it is; Foundation's
    /// normaliser is slow, and headers of hostile clippings run to millions of lines).
    static func normalizeASCII(_ text: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for b in text.utf8 {
            let lower = b >= 65 && b <= 90 ? b + 32 : b
            if (lower >= 97 && lower <= 122) || (lower >= 48 && lower <= 57) {
                if pendingSpace && !out.isEmpty { out.append(32) }
                pendingSpace = false
                out.append(lower)
            } else {
                pendingSpace = true
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Words of the normalised text.
    public static func words(_ text: String) -> [Substring] {
        normalize(text).split(separator: " ")
    }
}

/// Kept scalars joined into words separated by single spaces: anything not kept between two
/// kept scalars becomes one space.
struct WordJoiner {
    // UTF-8 bytes, made a string once: appending scalar by scalar to a string costs more
    // than the rest of the fold.
    private var out: [UInt8] = []
    private var pendingSpace = false

    init(capacity: Int = 0) { out.reserveCapacity(capacity) }

    mutating func keep(_ scalar: Unicode.Scalar) {
        if pendingSpace && !out.isEmpty { out.append(0x20) }
        pendingSpace = false
        let v = scalar.value
        if v < 0x80 {
            out.append(UInt8(truncatingIfNeeded: v))
        } else {
            UTF8.encode(scalar) { out.append($0) }
        }
    }

    mutating func separate() { pendingSpace = true }

    var string: String { String(decoding: out, as: UTF8.self) }
}

/// The fold of single scalars (Foundation's NFKC, then lower case; a space for each scalar
/// that is not kept), asked of Foundation once per scalar and remembered. Nil for a scalar
/// whose fold holds a scalar that could compose with a neighbour (a mark, a jamo, a
/// non-zero combining class): its fold depends on the text around it.
final class ScalarFolds: @unchecked Sendable {
    static let shared = ScalarFolds()
    private let lock = NSLock()
    private var known: [UInt32: [Unicode.Scalar]?] = [:]

    func fold(_ scalar: Unicode.Scalar) -> [Unicode.Scalar]? {
        lock.lock()
        if let answer = known[scalar.value] { lock.unlock(); return answer }
        lock.unlock()
        let answer = Self.compute(scalar)
        lock.lock()
        if known.count < 8192 { known[scalar.value] = answer }
        lock.unlock()
        return answer
    }

    private static func compute(_ scalar: Unicode.Scalar) -> [Unicode.Scalar]? {
        let folded = String(Character(scalar)).precomposedStringWithCompatibilityMapping.lowercased()
        var out: [Unicode.Scalar] = []
        for s in folded.unicodeScalars {
            let v = s.value
            if v < 0x80 {
                let keep = (v >= 0x61 && v <= 0x7A) || (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A)
                out.append(keep ? s : " ")
                continue
            }
            let p = s.properties
            if p.canonicalCombiningClass != .notReordered { return nil }
            switch p.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: return nil
            default: break
            }
            if (0x1100...0x11FF).contains(v) || (0xA960...0xA97F).contains(v) || (0xD7B0...0xD7FF).contains(v) || (0x3130...0x318F).contains(v) {
                return nil
            }
            out.append(p.isAlphabetic || p.numericType != nil ? s : " ")
        }
        return out
    }
}
