import Testing
import WinnowCore

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
