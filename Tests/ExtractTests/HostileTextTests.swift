import Foundation
import Testing
import WinnowCore
@testable import Extract

/// Hostile text (issue 12): combining-mark runs, millions of lines, wrong charsets.
@Suite struct HostileTextTests {
    static let seed = try! String(contentsOf: TextFixtureExpectations.directory.appendingPathComponent("wire_reuters.txt"), encoding: .utf8)

    func extract(_ bytes: [UInt8], _ kind: InputKind, charset: String? = nil) -> Result<ExtractedDocument, InputError> {
        do { return .success(try Extractor.extract(bytes, kind: kind, charset: charset)) } catch { return .failure(error) }
    }

    /// The longest run of marks after one base character anywhere in `strings`.
    func longestMarkRun(_ strings: [String]) -> Int {
        var longest = 0
        for s in strings {
            var run = 0
            for scalar in s.unicodeScalars {
                run = CombiningMarks.isMark(scalar) ? run + 1 : 0
                longest = max(longest, run)
            }
        }
        return longest
    }

    static func zalgo(_ pairs: Int) -> String { "a" + String(repeating: "\u{0301}\u{0316}", count: pairs) }

    // MARK: 1. Combining marks

    @Test func capsCombiningMarksOnScalars() {
        #expect(CombiningMarks.cap("plain ascii") == "plain ascii")
        #expect(CombiningMarks.cap("Vi\u{1EC7}t Nam, e\u{0302}\u{0301}") == "Vi\u{1EC7}t Nam, e\u{0302}\u{0301}")
        #expect(CombiningMarks.cap(Self.zalgo(100)) == "a" + String(repeating: "\u{0301}\u{0316}", count: 4))
        let bytes = Array(("x " + Self.zalgo(100) + " y").utf8)
        #expect(CombiningMarks.cap(utf8: bytes) == Array(("x " + Self.zalgo(4) + " y").utf8))
        let clean = Array("Caf\u{E9} na\u{EF}ve \u{0915}\u{094D}\u{0937}".utf8)
        #expect(CombiningMarks.cap(utf8: clean) == clean)
    }

    /// 8,000 alternating mark pairs in a clipping took 15 s on one giant grapheme cluster.
    @Test func combiningMarkRunInClipping() throws {
        let zalgo = "\n\nThe clipping then holds a strange word " + Self.zalgo(8000) + " in the middle of a sentence of ordinary prose here.\n\n"
        let clipping = Self.seed.replacingOccurrences(of: "\n\nIn comments to reporters", with: zalgo + "In comments to reporters")
        let document = try extract(Array(clipping.utf8), .text).get()
        #expect(longestMarkRun(document.paragraphs + [document.title ?? ""]) <= CombiningMarks.limit)
        #expect(document.text.contains("in the middle of a sentence of ordinary prose here."))
        // The bare run alone is no article, and says so.
        #expect(throws: InputError.self) { try Extractor.extract(Array((Self.zalgo(8000) + "\n").utf8), kind: .text) }
    }

    /// 40,000 pairs in an HTML paragraph took minutes in NFC normalisation.
    @Test func combiningMarkRunInHTMLParagraph() throws {
        let html = "<html><head><title>Zalgo page</title></head><body><article><h1>Zalgo page</h1><p>This paragraph of article text holds "
            + Self.zalgo(40000) + " in the middle of it, and it ends as a sentence.</p><p>"
            + String(repeating: "Another ordinary paragraph of article text, long enough to count as prose. ", count: 4)
            + "</p></article></body></html>"
        let document = try extract(Array(html.utf8), .html).get()
        #expect(longestMarkRun(document.paragraphs) <= CombiningMarks.limit)
        #expect(document.text.contains("in the middle of it, and it ends as a sentence."))
    }

    // MARK: 2. Many lines

    /// A seed clipping followed by short junk lines: the junk is one long boilerplate run, kept
    /// bounded, and the article is the seed's.
    @Test func millionsOfShortLinesStayBounded() throws {
        let junk = String(repeating: "x\n", count: 200_000)
        let lines = ClassifiedLines.classify(Self.seed + "\n" + junk)
        let seedLines = ClassifiedLines.classify(Self.seed)
        #expect(lines.kinds.count <= seedLines.kinds.count + ClassifiedLines.maxBoilerplateRun)
        let withJunk = try extract(Array((Self.seed + "\n" + junk).utf8), .text).get()
        let alone = try extract(Array(Self.seed.utf8), .text).get()
        #expect(withJunk == alone)
        // Junk first, then the article.
        let junkFirst = try extract(Array((junk + "\n" + Self.seed).utf8), .text).get()
        #expect(junkFirst.paragraphs == alone.paragraphs)
    }

    /// Line splitting on bytes gives what splitting the string gave: CR, CRLF and LF breaks,
    /// Unicode spaces collapsed, blank lines as block breaks.
    @Test func lineSplittingOnBytes() {
        #expect(TextLines.split("a\r\nb\rc\n\n  d \u{00A0} e\u{2003}\n\u{FEFF}\n") == ["a", "b", "c", "d e"])
        #expect(TextLines.split(" caf\u{E9}\t\u{0085}x ") == ["caf\u{E9} x"])
        #expect(TextLines.split("") == [])
    }

    // MARK: 3. Charsets

    /// A UTF-16 declaration on ASCII bytes (with one Latin-1 byte) was obeyed, giving CJK mojibake.
    @Test func utf16DeclarationOnASCIIBytesIsIgnored() throws {
        var page = Array("<html><head><meta charset=\"utf-16\"><title>Plain title</title></head><body><article><p>A plain ASCII page with one Latin-1 byte: caf".utf8)
        page += [0xE9]
        page += Array(" stands in this sentence, which is long enough to be an article paragraph.</p></article></body></html>".utf8)
        let document = try extract(page, .html).get()
        #expect(document.title == "Plain title")
        #expect(document.text.contains("caf\u{E9} stands in this sentence"))
        // Declared in the HTTP header instead: the same lie.
        #expect(try extract(page, .html, charset: "UTF-16").get().text.contains("caf\u{E9} stands"))
    }

    static let widePage = "<html><head><meta charset=\"utf-16\"><title>Wide title</title></head><body><article><p>This page is "
        + "encoded in a wide Unicode form with a byte-order mark, and this sentence is long enough for an article. "
        + "Gr\u{FC}\u{DF}e aus K\u{F6}ln.</p></article></body></html>"

    static func encoded(_ text: String, _ mark: TextDecoding.ByteOrderMark) -> [UInt8] {
        switch mark {
        case .utf8: return [0xEF, 0xBB, 0xBF] + Array(text.utf8)
        case .utf16LE: return [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        case .utf16BE: return [0xFE, 0xFF] + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        case .utf32LE: return [0xFF, 0xFE, 0, 0] + text.unicodeScalars.flatMap { s in (0..<4).map { UInt8((s.value >> (8 * $0)) & 0xFF) } }
        case .utf32BE: return [0, 0, 0xFE, 0xFF] + text.unicodeScalars.flatMap { s in (0..<4).reversed().map { UInt8((s.value >> (8 * $0)) & 0xFF) } }
        }
    }

    @Test(arguments: [TextDecoding.ByteOrderMark.utf8, .utf16LE, .utf16BE, .utf32LE, .utf32BE])
    func byteOrderMarksAreHonoured(_ mark: TextDecoding.ByteOrderMark) throws {
        let page = try extract(Self.encoded(Self.widePage, mark), .html).get()
        #expect(page.title == "Wide title")
        #expect(page.text.contains("Gr\u{FC}\u{DF}e aus K\u{F6}ln."))
        let clipping = "Wide Clipping Headline Here\n\nThis clipping is encoded in a wide Unicode form with a byte-order mark, and this is its text.\n"
        let text = try extract(Self.encoded(clipping, mark), .text).get()
        #expect(text.title == "Wide Clipping Headline Here")
        #expect(text.paragraphs == ["This clipping is encoded in a wide Unicode form with a byte-order mark, and this is its text."])
    }

    /// Decoding that yields mostly replacement or unassigned characters is a failure with a reason.
    @Test func garbledTextIsRefused() {
        let expected = "text is mostly replacement, unassigned or control characters (wrong or unknown charset)"
        // UTF-16 with a mark, but the units are lone surrogates.
        var units: [UInt16] = []
        for _ in 0..<40 { units += [0xD800, 0xD800, 0xD800, 0x61, 0x20] } // "���a "
        units += [0x2E, 0x0A]
        let surrogates = [UInt8]([0xFF, 0xFE]) + units.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(extract(surrogates, .text) == .failure(InputError(expected)))
        // A page already saved as replacement characters.
        let page = "<html><body><article><p>" + String(repeating: "\u{FFFD}\u{FFFD}\u{FFFD} \u{FFFD}\u{FFFD}a ", count: 60) + "end.</p></article></body></html>"
        #expect(extract(Array(page.utf8), .html) == .failure(InputError(expected)))
        // A few replacement characters in real text are fine.
        let fine = "<html><body><article><p>" + String(repeating: "An ordinary sentence with one broken \u{FFFD} letter in it. ", count: 5) + "</p></article></body></html>"
        #expect((try? extract(Array(fine.utf8), .html).get()) != nil)
    }
}
