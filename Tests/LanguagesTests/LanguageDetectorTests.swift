import Testing
import WinnowTestSupport
@testable import Languages

@Suite struct LanguageDetectorTests {
    @Test(arguments: MultilingualText.paragraphs.keys.sorted())
    func tellsTheLanguageOfAParagraph(_ code: String) {
        #expect(LanguageDetector.detect(MultilingualText.paragraphs[code]!) == code)
    }

    @Test func paragraphsAreJoined() {
        let paragraphs = MultilingualText.paragraphs["ru"]!.split(separator: ",").map(String.init)
        #expect(LanguageDetector.detect(paragraphs: paragraphs) == "ru")
    }

    /// Mostly one language with names in another script: CLD2 calls it unreliable, the
    /// share of the text settles it.
    @Test func mixedScriptParagraphTakesItsMainLanguage() {
        let text = "利用者は Debian に限らない質問を comp.os.linux.misc や linux.debian.user などの Usenet "
            + "グループに投稿し、Apple Silicon や Raspberry Pi 5 の情報は forums.example.org で探すことができます。"
            + "詳しくは https://www.example.org/doc/FAQ と /usr/share/doc/README を読んでください。"
        #expect(LanguageDetector.detect(text) == "ja")
    }

    /// Too little to tell, or nothing at all: no answer rather than a guess.
    @Test(arguments: ["", "hi", "42", "— …", "OK"])
    func noGuessOnTooLittle(_ text: String) {
        #expect(LanguageDetector.detect(text) == nil)
    }

    /// Long bodies are cut at a character boundary.
    @Test func longTextIsBounded() {
        let long = String(repeating: MultilingualText.paragraphs["ja"]! + "\n", count: 200)
        #expect(long.utf8.count > LanguageDetector.maxBytes)
        #expect(LanguageDetector.detect(long) == "ja")
        var bytes = Array(long.utf8)
        let n = bytes.withUnsafeBufferPointer { LanguageDetector.prefixLength($0, limit: 1001) }
        #expect(n <= 1001 && bytes[n] & 0xC0 != 0x80)
        bytes.removeAll()
    }
}
