import Foundation

/// Folds text for comparison: Unicode NFKC, case fold, punctuation and whitespace folded to
/// single spaces. Digits are kept. Two bodies that differ only in such details normalise to
/// the same string, so they share a content hash.
public enum TextNormalizer {
    public static func normalize(_ text: String) -> String {
        let folded = text.precomposedStringWithCompatibilityMapping.lowercased()
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in folded.unicodeScalars {
            let props = scalar.properties
            if props.isAlphabetic || props.numericType != nil || props.generalCategory == .nonspacingMark {
                if pendingSpace && !out.isEmpty { out.append(" ") }
                pendingSpace = false
                out.append(scalar)
            } else {
                pendingSpace = true
            }
        }
        return String(out)
    }

    /// Words of the normalised text.
    public static func words(_ text: String) -> [Substring] {
        normalize(text).split(separator: " ")
    }
}
