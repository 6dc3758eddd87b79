import Foundation
import Testing
import WinnowTestSupport

/// Articles in other languages and scripts through the real `winnow` binary: language
/// detected, file names transliterated, near-duplicates in Japanese recognised.
@Suite struct LanguagesEndToEndTests {
    func json(_ line: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
    }

    func page(_ title: String, _ paragraphs: [String]) -> String {
        "<html><head><title>\(title)</title></head><body><article><h1>\(title)</h1>"
            + paragraphs.map { "<p>\($0)</p>" }.joined() + "</article></body></html>"
    }

    @Test func clippingInRussianGetsLanguageAndALatinFileName() throws {
        let ws = TestWorkspace()
        let body = MultilingualText.paragraphs["ru"]!
        let file = ws.directory.write("in/clip.txt", "Россия и КНДР в 2027 году\n\n\(body)\n\n\(body.uppercased())\n")
        let out = try WinnowBinary.run(["ingest", "--config", ws.configPath, file])
        #expect(out.status == 0, "\(out.stderr)")
        let path = try #require(json(out.lines.first ?? "")["path"] as? String)
        #expect(path.hasSuffix("/rossia-i-kndr-v-2027-godu.md"), "\(path)")
        let text = try String(contentsOfFile: ws.archive + "/" + path, encoding: .utf8)
        #expect(text.contains("language: \"ru\""), "\(text)")
    }

    @Test func japanesePageWithoutLangAndItsEditedCopy() throws {
        let ws = TestWorkspace()
        let ja = MultilingualText.paragraphs["ja"]!
        let paragraphs = [ja, String(ja.reversed()), ja.replacingOccurrences(of: "市", with: "町")]
        let original = ws.directory.write("in/a.html", page("北朝鮮のミサイル発射", paragraphs))
        var edited = paragraphs
        edited[1] = edited[1].replacingOccurrences(of: "議", with: "会")
        let copy = ws.directory.write("in/b.html", page("北朝鮮のミサイル発射", edited))
        let out = try WinnowBinary.run(["ingest", "--config", ws.configPath, original, copy])
        #expect(out.status == 0, "\(out.stderr)")
        let results = out.lines.map(json)
        #expect(results.map { $0["status"] as? String } == ["stored", "duplicate"], "\(out.stdout)")
        let path = try #require(results.first?["path"] as? String)
        #expect(path.hasSuffix("/bei-chao-xiannomisairu-fa-she.md"), "\(path)")
        let text = try String(contentsOfFile: ws.archive + "/" + path, encoding: .utf8)
        #expect(text.contains("language: \"ja\""), "\(text)")
    }
}
