import Archive
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

    /// An archive signed under the word-only scheme (v1): the first start after the upgrade
    /// re-signs it, so an edited copy of a Japanese article stored before is still found.
    @Test func upgradeFromWordOnlySignaturesResigns() throws {
        let ws = TestWorkspace()
        let ja = MultilingualText.paragraphs["ja"]!
        let paragraphs = [ja, String(ja.reversed())]
        let original = ws.directory.write("in/a.html", page("市議会の予算", paragraphs))
        let first = try WinnowBinary.run(["ingest", "--config", ws.configPath, original])
        let id = try #require(json(first.lines.first ?? "")["id"] as? String)
        do {
            // What a v1 index holds: its scheme, and a signature that cannot match v2's.
            let index = try ArchiveIndex(stateDirectory: ws.state)
            try index.setMeta("dedupe_scheme", "oph-minhash/128x32/words=3/v1")
            try index.setSignature(id: id, [UInt8](repeating: 0xFF, count: 512))
        }
        var edited = paragraphs
        edited[0] = edited[0].replacingOccurrences(of: "火曜日", with: "水曜日")
        let copy = ws.directory.write("in/b.html", page("市議会の予算", edited))
        let out = try WinnowBinary.run(["ingest", "--config", ws.configPath, copy])
        #expect(out.stderr.contains("dedupe.scheme_changed"), "\(out.stderr)")
        #expect(out.stderr.contains("signed=1"), "\(out.stderr)")
        #expect(json(out.lines.first ?? "")["status"] as? String == "duplicate", "\(out.stdout)")
    }
}
