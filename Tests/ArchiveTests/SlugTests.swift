import Testing
@testable import Archive

@Suite struct SlugTests {
    @Test(arguments: [
        ("China gets RUSSIA missile technology", "china-gets-russia-missile-technology"),
        ("../../etc/passwd", "etc-passwd"),
        (".hidden", "hidden"),
        ("Ünïcödé café — naïve", "unicode-cafe-naive"),
        ("Don't Miss", "dont-miss"),
        ("\u{0}\u{1}/\\..", "article"),
        ("北京", "article"),
    ])
    func slugs(_ title: String, _ expected: String) {
        #expect(Slug.make(title) == expected)
    }

    @Test func isBoundedAndNeverEscapes() {
        let slug = Slug.make(String(repeating: "word ", count: 100))
        #expect(slug.count <= Slug.maxLength)
        #expect(!slug.hasSuffix("-"))
        #expect(Slug.candidate(slug, attempt: 12).count <= Slug.maxLength)
        #expect(Slug.candidate(slug, attempt: 12).hasSuffix("-12"))
    }
}
