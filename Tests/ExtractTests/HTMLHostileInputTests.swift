import Foundation
import Testing
import WinnowCore
@testable import Extract

/// Hostile inputs: the extractor must return (possibly empty) rather than crash or hang.
@Suite struct HTMLHostileInputTests {
    @Test func truncatedHTML() throws {
        let url = HTMLExtractorTests.fixtures.appendingPathComponent("comment-section.html")
        let bytes = Array(try Data(contentsOf: url))
        for cut in stride(from: 1, to: bytes.count, by: 97) {
            _ = HTMLExtractor.extract(Array(bytes[..<cut]), url: nil, charset: nil)
        }
        // Cut in the middle of the article: what was parsed is still found.
        let marker = Array("Engineers from".utf8)
        let at = (0...(bytes.count - marker.count)).first { Array(bytes[$0..<($0 + marker.count)]) == marker }!
        let doc = HTMLExtractor.extract(Array(bytes[..<(at + 120)]), url: nil, charset: nil)
        #expect(doc.text.contains("highest level in twelve years"))
    }

    @Test func deepNesting() {
        let depth = 100_000
        var html = "<html><body>"
        html.reserveCapacity(depth * 11 + 200)
        for _ in 0..<depth { html += "<div><span>" }
        html += "<p>Deep inside a hundred thousand levels of markup there is still one ordinary sentence to find.</p>"
        for _ in 0..<depth { html += "</span></div>" }
        html += "</body></html>"
        let doc = HTMLExtractor.extract(Array(html.utf8), url: nil, charset: nil)
        // The SAX pass has no tree depth limit: the sentence at the bottom is found.
        #expect(doc.paragraphs == ["Deep inside a hundred thousand levels of markup there is still one ordinary sentence to find."])
        let unclosed = String(repeating: "<div>", count: depth) + "text"
        _ = HTMLExtractor.extract(Array(unclosed.utf8), url: nil, charset: nil)
    }

    @Test func randomBytes() {
        var generator = SystemRandomNumberGenerator()
        for size in [1, 2, 17, 1_000, 65_536, 1_000_000] {
            let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = HTMLExtractor.extract(bytes, url: nil, charset: nil)
            _ = HTMLExtractor.extract(bytes, url: nil, charset: "UTF-16LE")
            _ = HTMLExtractor.extract(bytes, url: "not a url", charset: "no-such-charset")
        }
        // Tag soup made of HTML fragments.
        let pieces = ["<div>", "</div>", "<p>", "</p>", "<a href='x'>", "</a>", "<script>", "</script>", "<!--", "-->",
                      "<![CDATA[", "]]>", "&amp;", "&#x0;", "&#99999999;", "<table><tr><td>", "<meta charset='utf-16'>",
                      "text words here.", "<h1>", "<article class='comments'>", "\u{0}", "<?xml?>", "<!DOCTYPE x>"]
        for _ in 0..<50 {
            let soup = (0..<300).map { _ in pieces.randomElement(using: &generator)! }.joined()
            _ = HTMLExtractor.extract(Array(soup.utf8), url: nil, charset: nil)
        }
    }

    @Test func emptyAndTinyInputs() {
        #expect(HTMLExtractor.extract([], url: nil, charset: nil).paragraphs.isEmpty)
        #expect(HTMLExtractor.extract(Array("<".utf8), url: nil, charset: nil).paragraphs.isEmpty)
        #expect(HTMLExtractor.extract(Array("<html></html>".utf8), url: nil, charset: nil).paragraphs.isEmpty)
        #expect(HTMLExtractor.extract(Array("<!-- nothing but a comment -->".utf8), url: nil, charset: nil).paragraphs.isEmpty)
        #expect(HTMLExtractor.extract(Array("<script>only()</script>".utf8), url: nil, charset: nil).paragraphs.isEmpty)
    }
}
