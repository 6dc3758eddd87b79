import Testing
@testable import WinnowCore

@Suite struct StringSearchTests {
    @Test func trimsUnicodeWhitespace() {
        #expect("\u{00A0} \tJanuary 6, 2025\n\u{2003}".trimmedWhitespace() == "January 6, 2025")
        #expect(" \n ".trimmedWhitespace() == "")
        #expect("plain".trimmedWhitespace() == "plain")
    }

    @Test func findsTheLastOccurrence() {
        let title = "Budget talks resume – Politics – The Daily Example"
        let range = title.lastRange(ofBytes: " – ")
        #expect(range.map { String(title[$0.upperBound...]) } == "The Daily Example")
        #expect("abc".lastRange(ofBytes: "abcd") == nil)
        #expect("Zürich news".containsBytes("rich"))
        #expect(!"Zürich news".containsBytes("Zurich"))
    }
}

@Suite struct TextNormalizerTests {
    @Test func asciiFastPathFoldsLikeTheUnicodePath() {
        let ascii = "Hello, World!  It's 2025_06 -- \"quoted\"\tTAB\nline"
        // The same text with one non-ASCII scalar appended takes the Unicode path.
        #expect(TextNormalizer.normalize(ascii) + " é" == TextNormalizer.normalize(ascii + " é"))
        #expect(TextNormalizer.normalize(ascii) == "hello world it s 2025 06 quoted tab line")
    }
}

extension TextNormalizerTests {
    @Test func theQuickPathAgreesWithFoundationsFold() {
        let samples = [
            "Россия и КНДР подписали договор", "Ελλάδα και Κύπρος", "مرحبا بالعالم ١٢٣", "שלום עולם",
            "北朝鮮のミサイル発射", "朝鲜导弹技术", "북한 미사일 발사", "Café déjà vu — “quotes” and ‘more’…",
            "Straße İstanbul ǅungla ﬁne ½ ² ™ Ａｂｃ", "e\u{0301}te\u{0301}", "ภาษาไทย", "हिन्दी समाचार",
        ]
        for text in samples {
            if let quick = TextNormalizer.normalizeStable(text) {
                #expect(quick == TextNormalizer.normalizeFoundation(text), "\(text)")
            }
        }
        // Every BMP scalar between other letters: where the quick path answers, it agrees.
        var answered = 0
        for v in UInt32(0x80)...0xFFFF {
            guard let scalar = Unicode.Scalar(v) else { continue }
            let text = "aB" + String(Character(scalar)) + "Cd 1"
            guard let quick = TextNormalizer.normalizeStable(text) else { continue }
            answered += 1
            #expect(quick == TextNormalizer.normalizeFoundation(text), "U+\(String(v, radix: 16))")
        }
        #expect(answered > 30_000)
    }
}
