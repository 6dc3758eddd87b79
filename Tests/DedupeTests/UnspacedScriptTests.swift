import Testing
import WinnowCore
import WinnowTestSupport
@testable import Dedupe

/// Scripts without spaces are shingled as character n-grams, mixed with word shingles.
@Suite struct UnspacedScriptTests {
    @Test func charactersOfUnspacedScriptsAreTokens() {
        #expect(Shingler.normalizedWords("東京でAppleの新製品、2026年に発売。") ==
                ["東", "京", "で", "apple", "の", "新", "製", "品", "2026", "年", "に", "発", "売"])
        #expect(Shingler.normalizedWords("ｶﾀｶﾅ かな") == ["カ", "タ", "カ", "ナ", "か", "な"])  // NFKC first
        #expect(Shingler.normalizedWords("ภาษาไทย") == ["ภ", "า", "ษ", "า", "ไ", "ท", "ย"])
        // Spaced scripts keep word tokens.
        #expect(Shingler.normalizedWords("Россия и КНДР, 북한 미사일") == ["россия", "и", "кндр", "북한", "미사일"])
    }

    /// Shingles cross from one script into the other: one stream, one signature.
    @Test func shinglesSpanScripts() {
        let s = Shingler(words: 3)
        #expect(s.shingles("東京でApple").count == 2)  // 東京で, 京でapple
        #expect(s.shingles("東京でApple") == s.shingles("東京で apple"))
    }

    /// Two characters changed in one sentence of a Japanese paragraph: still a near
    /// duplicate (with one token per unspaced run, Jaccard was 0.647 on a whole article).
    @Test func smallEditsInJapaneseKeepJaccardHigh() {
        let original = MultilingualText.paragraphs["ja"]! + "\n" + MultilingualText.paragraphs["zh"]!
        let edited = original.replacingOccurrences(of: "火曜日の夜", with: "水曜日の朝")
        #expect(edited != original)
        let e = exact(original, edited)
        #expect(e.jaccard > 0.93, "\(e)")
        // Different articles in the same script share few shingles.
        let other = exact(MultilingualText.paragraphs["ja"]!, MultilingualText.paragraphs["zh"]!)
        #expect(other.jaccard < 0.05, "\(other)")
    }

    @Test func detectorMergesEditedJapanese() {
        let d = NearDuplicateDetector(parameters: DedupeParameters())
        let original = MultilingualText.paragraphs["ja"]!
        let fp = d.fingerprint(original)
        d.storedShingles = { _ in fp.set }
        d.add(fp, key: 1, day: 0)
        let edited = original.replacingOccurrences(of: "来年度", with: "再来年")
        #expect(d.findDuplicate(d.fingerprint(edited), today: 0)?.doc == 0)
        #expect(d.findDuplicate(d.fingerprint(MultilingualText.paragraphs["zh"]!), today: 0) == nil)
    }

    @Test func schemeNamesTheChange() {
        #expect(Dedupe.signatureScheme(shingleWords: 3).contains("unspaced-chars/v2"))
    }
}
