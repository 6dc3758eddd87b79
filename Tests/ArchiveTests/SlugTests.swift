import Testing
import Foundation
import Synchronization
@testable import Archive

@Suite struct SlugTests {
    @Test(arguments: [
        ("China gets RUSSIA missile technology", "china-gets-russia-missile-technology"),
        ("../../etc/passwd", "etc-passwd"),
        (".hidden", "hidden"),
        ("Ünïcödé café — naïve", "unicode-cafe-naive"),
        ("Don't Miss", "dont-miss"),
    ])
    func slugs(_ title: String, _ expected: String) {
        #expect(Slug.make(title, fallback: "0123456789abcdef") == expected)
    }

    /// Titles in other scripts are transliterated (ICU Any-Latin; Latin-ASCII), not dropped.
    @Test(arguments: [
        ("Россия и КНДР в 2027 году", "rossia-i-kndr-v-2027-godu"),  // Cyrillic (was "2027")
        ("朝鲜导弹技术", "chao-xian-dao-dan-ji-shu"),  // Han
        ("ミサイルの発射", "misairuno-fa-she"),  // Kana and Han
        ("북한 미사일", "bughan-misail"),  // Hangul
        ("الصواريخ الكورية", "alswarykh-alkwryt"),  // Arabic
        ("טילים בקוריאה", "tylym-bqwryh"),  // Hebrew
        ("Ελλάδα και Κύπρος", "ellada-kai-kypros"),  // Greek
        ("ขีปนาวุธเกาหลีเหนือ", "khipnawuth-keahlihenux"),  // Thai
    ])
    func transliterated(_ title: String, _ expected: String) {
        #expect(Slug.make(title, fallback: "0123456789abcdef") == expected)
    }

    @Test(arguments: ["\u{0}\u{1}/\\..", "— « » —", "🚀🚀"])
    func nothingLeftGivesTheId(_ title: String) {
        #expect(Slug.make(title, fallback: "0123456789abcdef") == "0123456789abcdef")
        #expect(Slug.make(title, fallback: "") == "article")
    }

    @Test func isBoundedAndNeverEscapes() {
        let slug = Slug.make(String(repeating: "word ", count: 100), fallback: "x")
        #expect(slug.count <= Slug.maxLength)
        #expect(!slug.hasSuffix("-"))
        #expect(Slug.candidate(slug, attempt: 12).count <= Slug.maxLength)
        #expect(Slug.candidate(slug, attempt: 12).hasSuffix("-12"))
        let long = Slug.make(String(repeating: "Россия ", count: 40), fallback: "x")
        #expect(long.count <= Slug.maxLength && !long.hasSuffix("-"))
    }
}

@Suite struct WordCountTests {
    /// The index's word count agrees with splitting on spaces, marks after a space included.
    @Test func countsAsSplitDoes() {
        let samples = ["", " ", "a", "a b", "  a  b  ", "Zürich ist schön", "a \u{301}b", "\u{600} x", "Россия и КНДР",
                       "x \u{200D}y", "tab\tis no space", "end ", " start", "朝鲜 导弹", "a\u{A0}b c"]
        // Random text from scalars that join a space (marks, ZWJ, prefixes, emoji modifiers) and ones that don't.
        let pool: [Unicode.Scalar] = [" ", " ", " ", "a", "é", "\u{301}", "\u{903}", "\u{200D}", "\u{600}", "\u{1F3FB}", "👍", "朝", "\r", "\n", "\u{E01}"]
        var state: UInt64 = 7
        var generated: [String] = []
        for _ in 0..<300 {
            var text = String.UnicodeScalarView()
            for _ in 0..<12 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                text.append(pool[Int(state >> 33) % pool.count])
            }
            generated.append(String(text))
        }
        for text in samples + generated {
            #expect(ArchiveIndex.wordCount(text) == text.split(separator: " ").count, "\(Array(text.unicodeScalars))")
        }
    }
}

extension SlugTests {
    /// The shortcut past ICU gives the transform's slug for every scalar it takes.
    @Test func plainLatinSlugsAsTheTransformDoes() {
        #expect(Slug.plainLatin.count > 150)
        for v in Slug.plainLatin.sorted() {
            let title = "Ab" + String(Character(Unicode.Scalar(v)!)) + "cd ef"
            let transformed = Transliteration.toLatin(title) ?? title
            #expect(Slug.ascii(Slug.latin(title)) == Slug.ascii(transformed), "U+\(String(v, radix: 16))")
        }
    }

    /// The transliterator is shared by the extraction workers: titles slugged on many
    /// threads at once come out as they do one at a time.
    @Test func transliteratesOnManyThreadsAtOnce() {
        let titles = ["Россия и КНДР", "朝鲜导弹技术", "북한 미사일", "Ελλάδα και Κύπρος", "ขีปนาวุธเกาหลีเหนือ", "الصواريخ الكورية"]
        let expected = titles.map { Slug.make($0, fallback: "x") }
        let mismatches = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            let title = titles[i % titles.count]
            if Slug.make(title, fallback: "x") != expected[i % titles.count] { mismatches.withLock { $0 += 1 } }
        }
        #expect(mismatches.withLock { $0 } == 0)
    }
}
