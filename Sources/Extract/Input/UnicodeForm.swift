import Foundation

/// Canonical composition (NFC) of extracted text, as the web's own text model expects: saved
/// pages mix composed and decomposed forms (Bengali "য়" as one code point or two), which
/// would otherwise differ for search, comparison and dedupe.
public enum UnicodeForm {
    public static func nfc(_ s: String) -> String {
        s.utf8.allSatisfy { $0 < 0x80 } ? s : s.precomposedStringWithCanonicalMapping
    }
}
