import Foundation

/// Folds text for comparison: Unicode NFKC, case fold, punctuation and whitespace folded to
/// single spaces. Digits are kept. Two bodies that differ only in such details normalise to
/// the same string, so they share a content hash.
public enum TextNormalizer {
    public static func normalize(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return normalizeASCII(text) }
        let folded = text.precomposedStringWithCompatibilityMapping.lowercased()
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in folded.unicodeScalars {
            // ASCII scalars (most of any Latin-script text) without a property lookup.
            let v = scalar.value
            let keep = v < 0x80 ? (v >= 0x61 && v <= 0x7A) || (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A)
                : { let p = scalar.properties; return p.isAlphabetic || p.numericType != nil || p.generalCategory == .nonspacingMark }()
            if keep {
                if pendingSpace && !out.isEmpty { out.append(" ") }
                pendingSpace = false
                out.append(scalar)
            } else {
                pendingSpace = true
            }
        }
        return String(out)
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
