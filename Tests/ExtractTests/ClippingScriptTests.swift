import Foundation
import Testing
@testable import Extract

/// Clippings in Japanese, Chinese, Korean, Russian, Arabic and Hebrew (and an English one with
/// a two-word headline): each is a short article body between navigation, share, ad, related
/// and copyright lines. The body must come back with F1 ≥ 0.97 against the fixture's `with`
/// lines and the title must be exact. Same figures: scripts/score-clip-scripts.
@Suite struct ClippingScriptTests {
    static let names: [String] = ((try? TextFixtureExpectations.load())?.documents.filter { $0.value.script != nil }.keys.sorted()) ?? []

    /// Tokens for F1: runs of letters and digits, and each character of a script written
    /// without spaces on its own.
    static func tokens(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        for c in text {
            if LineFeatures.isDense(c.unicodeScalars.first!.value) {
                if !current.isEmpty { out.append(current); current = "" }
                out.append(String(c))
            } else if c.isLetter || c.isNumber || c.unicodeScalars.contains(where: { $0.properties.generalCategory == .nonspacingMark }) {
                current.append(c)
            } else if !current.isEmpty {
                out.append(current); current = ""
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// Bag-of-tokens F1 of `extracted` against `expected`.
    static func f1(_ extracted: String, _ expected: String) -> Double {
        var bag: [String: Int] = [:]
        let want = tokens(expected), got = tokens(extracted)
        for t in want { bag[t, default: 0] += 1 }
        var tp = 0
        for t in got where (bag[t] ?? 0) > 0 { bag[t]! -= 1; tp += 1 }
        guard tp > 0 else { return want.isEmpty && got.isEmpty ? 1 : 0 }
        let precision = Double(tp) / Double(got.count), recall = Double(tp) / Double(want.count)
        return 2 * precision * recall / (precision + recall)
    }

    @Test func everyScriptHasAClipping() {
        let scripts = Set(Self.names.compactMap { try? TextFixtureExpectations.load().documents[$0]?.script })
        #expect(scripts.isSuperset(of: ["ja", "zh", "ko", "ru", "ar", "he"]))
    }

    @Test(arguments: ClippingScriptTests.names)
    func bodyAndTitle(_ name: String) throws {
        let expected = try #require(try TextFixtureExpectations.load().documents[name])
        let text = try String(contentsOf: TextFixtureExpectations.directory.appendingPathComponent(name), encoding: .utf8)
        let document = TextCleaner.clean(text)
        let score = Self.f1(document.text, expected.with.joined(separator: "\n\n"))
        print("clip-scripts \(expected.script ?? "?") \(name): body F1 \(String(format: "%.3f", score)), title \(document.title == expected.title ? "right" : "wrong")")
        #expect(score >= 0.97)
        #expect(document.title == expected.title)
    }

    @Test func sentencesInScriptsWithoutSpacesOrCase() {
        let japanese = LineFeatures("気象台は21日、市内の標本木で桜の開花を確認したと発表した。")
        #expect(japanese.isSentence && japanese.isProse)
        let arabic = LineFeatures("وقال رئيس البلدية إن المكتبة ستكون مفتوحة للجميع طوال أيام الأسبوع؟")
        #expect(arabic.endsSentence && arabic.isSentence && !arabic.isAllCaps)
        #expect(LineFeatures("「見分けられない」と回答した人は全体の約八割に上ったという！」").endsSentence)
        // A credit in brackets after the full stop, direction marks after it.
        #expect(LineFeatures("DeepMind已将其研究结果发表在科学刊物《自然》上。（编译/林靖东）").endsSentence)
        #expect(LineFeatures("The minister resigned on Friday after weeks of pressure. (Reuters)").endsSentence)
        #expect(LineFeatures("ويأمل القائمون على المكتبة أن تصبح مركزا ثقافيا.\u{200F}").endsSentence)
        #expect(!LineFeatures("Results of the vote (preliminary)").endsSentence)
        // A dozen CJK characters are a headline, two are a fragment.
        #expect(LineClassifier.classify(LineFeatures("桜の開花、平年より早く")) == .heading)
        #expect(LineClassifier.classify(LineFeatures("広告")) == .boilerplate)
        #expect(LineClassifier.classify(LineFeatures("2024年3月21日 10:30")) == .date)
        #expect(LineClassifier.classify(LineFeatures("2024년 3월 9일")) == .date)
    }

    @Test func shortHeadlineOnTopIsTheTitle() {
        let body = """

            The government asked for another extension on Thursday, the third such request since the referendum was held.

            Officials said talks would resume next week in Brussels, with both sides hoping for a deal before the summer.
            """
        #expect(TextCleaner.clean("Brexit delayed\n" + body).title == "Brexit delayed")
        #expect(TextCleaner.clean("Brexit delayed again today\n" + body).title == "Brexit delayed again today")
        // Ad slots, widget bits and share buttons on top are not headlines.
        #expect(TextCleaner.clean("Advertisement\n" + body).title == nil)
        #expect(TextCleaner.clean("Go toTop\n" + body).title == nil)
        #expect(TextCleaner.clean("Share this\n" + body).title == nil)
        #expect(TextCleaner.clean("广告\n" + body).title == nil)
    }
}
