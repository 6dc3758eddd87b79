import Foundation

/// Folds text for comparison: Unicode NFKC, case fold, punctuation and whitespace folded to
/// single spaces. Digits are kept. Two bodies that differ only in such details normalise to
/// the same string, so they share a content hash.
public enum TextNormalizer {
    public static func normalize(_ text: String) -> String {
        var copy = text
        if let ascii = copy.withUTF8({ asciiNormalized($0) }) { return ascii }
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

    /// The same fold for pure-ASCII text, on bytes (NFKC and case folding of ASCII are
    /// just lower-casing; letters and digits are its only alphanumerics); nil otherwise.
    static func asciiNormalized(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var pendingSpace = false
        for b in bytes {
            if b >= 0x80 { return nil }
            let lower = b >= 0x41 && b <= 0x5A ? b | 0x20 : b
            if (lower >= 0x61 && lower <= 0x7A) || (lower >= 0x30 && lower <= 0x39) {
                if pendingSpace && !out.isEmpty { out.append(0x20) }
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
