import CCLD2

/// The language of a text, by CLD2 (Compact Language Detector 2, from Chromium; Debian's
/// `libcld2-dev`): Unicode script first, then scored character n-grams (quadgrams in most
/// scripts, unigrams of Han characters) against profiles of ~80 languages.
public enum LanguageDetector {
    /// Bytes looked at: a few paragraphs settle it, and the time stays bounded.
    static let maxBytes = 16 * 1024
    /// An answer CLD2 calls unreliable is taken when it covers this share of the text…
    static let minPercent: Int32 = 60
    /// …and CLD2 scored at least this many bytes.
    static let minScoredBytes: Int32 = 120

    /// Code of the main language of `text` (ISO 639-1 where there is one: "en", "ru",
    /// "ja"; "zh" or "zh-Hant" for Chinese), or nil when CLD2 cannot tell it reliably
    /// (too little text, or a mix).
    public static func detect(_ text: String) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return nil }
            let length = Self.prefixLength(bytes, limit: maxBytes)
            var code = [CChar](repeating: 0, count: 16)
            var reliable: Int32 = 0
            var scored: Int32 = 0
            let percent = base.withMemoryRebound(to: CChar.self, capacity: length) { chars in
                ccld2_detect(chars, Int32(length), &code, Int32(code.count), &reliable, &scored)
            }
            let name = String(decoding: code.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard name != "un", !name.isEmpty else { return nil }
            // CLD2 calls a paragraph that mixes scripts (Japanese naming Usenet groups)
            // unreliable; most of a long enough text in one language settles it all the same.
            guard reliable == 1 || (percent >= minPercent && scored >= minScoredBytes) else { return nil }
            return legacyCodes[name] ?? name
        }
    }

    /// CLD2 still gives the ISO 639 codes withdrawn in 1989 for these.
    static let legacyCodes = ["iw": "he", "in": "id", "ji": "yi"]

    /// The detected language of a body given as paragraphs.
    public static func detect(paragraphs: [String]) -> String? {
        var text = ""
        for paragraph in paragraphs {
            if text.utf8.count >= maxBytes { break }
            text += paragraph
            text += "\n"
        }
        return detect(text)
    }

    /// At most `limit` bytes, cut before a UTF-8 continuation byte never inside a character.
    static func prefixLength(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int) -> Int {
        guard bytes.count > limit else { return bytes.count }
        var n = limit
        while n > 0 && bytes[n] & 0xC0 == 0x80 { n -= 1 }
        return n
    }
}
