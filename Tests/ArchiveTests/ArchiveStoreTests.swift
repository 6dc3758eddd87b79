import Foundation
import Testing
import WinnowCore
import WinnowTestSupport
@testable import Archive

@Suite struct ArchiveStoreTests {
    func article(_ title: String, published: Date? = nil, body: [String] = ["A body paragraph with \"quotes\" and a colon: here."]) -> Article {
        Article(id: Article.contentHash(of: body + [title]), title: title, url: "https://example.org/a?b=1", source: "example.org",
                published: published, ingested: DateParser.parse("2026-11-25T10:00:00Z")!, author: "Ann \"Q\" Writer",
                language: "en", origin: "inbox-file.txt", inputHash: "0123456789abcdef", paragraphs: body)
    }

    @Test func writesIntoDatedFolderAndRoundTrips() throws {
        let dir = TemporaryDirectory()
        let store = ArchiveStore(root: dir.path)
        let original = article("Hello: World", published: DateParser.parse("2020-01-26T23:30:00-02:00"))
        let path = try store.write(original)
        #expect(path == "2020/01/27/hello-world.md")
        let back = try store.read(path)
        #expect(back == original)
    }

    @Test func neverOverwritesAndSuffixesTakenNames() throws {
        let dir = TemporaryDirectory()
        let store = ArchiveStore(root: dir.path)
        let a = try store.write(article("Same", body: ["one"]))
        let b = try store.write(article("Same", body: ["two"]))
        let c = try store.write(article("Same", body: ["three"]))
        #expect([a, b, c].map { ($0 as NSString).lastPathComponent } == ["same.md", "same-2.md", "same-3.md"])
        #expect(try store.read(a).paragraphs == ["one"])
        #expect(dir.files(under: "").allSatisfy { !$0.contains(".tmp") })
    }

    @Test func hostileTitleStaysInside() throws {
        let dir = TemporaryDirectory()
        let store = ArchiveStore(root: dir.path + "/archive")
        let path = try store.write(article("../../etc/passwd"))
        #expect(!path.contains(".."))
        #expect(FileManager.default.fileExists(atPath: dir.path + "/archive/" + path))
    }

    @Test func syncIndexesOrphansAndPrunesMissing() throws {
        let dir = TemporaryDirectory()
        let store = ArchiveStore(root: dir.path + "/archive")
        let index = try ArchiveIndex(stateDirectory: dir.path + "/state")
        let kept = article("Kept", body: ["kept body"])
        let keptPath = try store.write(kept)
        try index.insert(kept, path: keptPath)
        let orphan = try store.write(article("Orphan", body: ["orphan body"]))
        try index.insert(article("Gone", body: ["gone"]), path: "2020/01/01/gone.md")
        // A temp file a crash left behind.
        dir.write("archive/2020/01/01/.article.123.tmp", "partial")
        let sync = ArchiveSync(store: store, index: index)
        let report = try sync.repair()
        #expect(report.missingFromIndex == [orphan])
        #expect(report.missingFromArchive == ["2020/01/01/gone.md"])
        #expect(try sync.compare().isClean)
        #expect(try index.allArticles().map(\.path).sorted() == [keptPath, orphan].sorted())
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/archive/2020/01/01/.article.123.tmp"))
    }
}
