import Foundation
import Archive
import Testing
import WinnowTestSupport

/// Runs the real `winnow` binary against a temporary archive.
@Suite struct IngestEndToEndTests {
    var seeds: [String] { TestWorkspace.seedPaths }

    func json(_ line: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
    }

    @Test func seedsAreStoredOnceThenDuplicates() throws {
        let ws = TestWorkspace()
        #expect(seeds.count == 5)
        let first = try WinnowBinary.run(["ingest", "--config", ws.configPath] + seeds)
        #expect(first.status == 0, "\(first.stderr)")
        let results = first.lines.map(json)
        #expect(results.map { $0["status"] as? String } == Array(repeating: "stored", count: 5))
        let files = ws.directory.articleFiles(under: "archive")
        #expect(files.count == 5)
        for result in results {
            let path = try #require(result["path"] as? String)
            #expect(files.contains(path))
            // Filed under the published date when known.
            if let published = result["published"] as? String {
                #expect(path.hasPrefix(published.prefix(10).replacingOccurrences(of: "-", with: "/")))
            }
        }
        let second = try WinnowBinary.run(["ingest", "--config", ws.configPath] + seeds)
        #expect(second.status == 0)
        let again = second.lines.map(json)
        #expect(again.map { $0["status"] as? String } == Array(repeating: "duplicate", count: 5))
        #expect(again.map { $0["duplicate_of"] as? String } == results.map { $0["id"] as? String })
        #expect(ws.directory.articleFiles(under: "archive") == files)
    }

    @Test func badInputsFailWithReasonsWhileOthersAreStored() throws {
        let ws = TestWorkspace()
        let empty = ws.directory.write("in/empty.txt", "")
        let binary = ws.directory.write("in/binary.txt", bytes: [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00] + Array(repeating: 0, count: 100))
        let huge = ws.directory.write("in/huge.txt", bytes: Array(repeating: 0x61, count: 30 * 1024 * 1024))
        let invalid = ws.directory.write("in/latin1.txt", bytes: Array("Caf".utf8) + [0xE9] + Array(" au lait, a sentence long enough to be a body paragraph.".utf8))
        let out = try WinnowBinary.run(["ingest", "--config", ws.configPath, empty, seeds[0], binary, huge, invalid, seeds[1]])
        #expect(out.status == 0, "\(out.stderr)")
        let results = out.lines.map(json)
        #expect(results.map { $0["status"] as? String } == ["failed", "stored", "failed", "failed", "failed", "stored"])
        #expect((results[0]["error"] as? String)?.contains("empty") == true)
        #expect((results[2]["error"] as? String)?.contains("binary") == true)
        #expect((results[3]["error"] as? String)?.contains("over inbox.max_file_bytes (20 MiB)") == true)
        #expect((results[4]["error"] as? String)?.contains("UTF-8") == true)
        #expect(ws.directory.articleFiles(under: "archive").count == 2)
    }

    @Test func hostileTitleStaysInsideTheArchive() throws {
        let ws = TestWorkspace()
        let file = ws.directory.write("in/evil.html", """
            <html><head><title>../../etc/passwd</title></head><body><article><h1>../../etc/passwd</h1>
            <p>This paragraph is the body of an article whose title tries to escape the archive folder.</p>
            <p>A second paragraph makes sure there is enough text to be kept as an article body.</p></article></body></html>
            """)
        let out = try WinnowBinary.run(["ingest", "--config", ws.configPath, file])
        let result = json(out.lines.first ?? "")
        #expect(result["status"] as? String == "stored")
        let path = try #require(result["path"] as? String)
        #expect(!path.contains(".."))
        let resolved = URL(fileURLWithPath: ws.archive + "/" + path).standardized.path
        #expect(resolved.hasPrefix(ws.archive + "/"))
        #expect(FileManager.default.fileExists(atPath: resolved))
    }

    @Test func reindexAfterDeletingTheDatabaseReproducesTheIndex() throws {
        let ws = TestWorkspace()
        _ = try WinnowBinary.run(["ingest", "--config", ws.configPath] + seeds)
        let before = try dumpArticles(ws)
        #expect(before.count == 5)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: ws.state + "/index.sqlite" + suffix) }
        let reindex = try WinnowBinary.run(["reindex", "--config", ws.configPath])
        #expect(reindex.status == 0, "\(reindex.stderr)")
        #expect(reindex.stdout.contains("indexed 5 articles"))
        #expect(try dumpArticles(ws) == before)
        let check = try WinnowBinary.run(["reindex", "--check", "--config", ws.configPath])
        #expect(check.status == 0)
        #expect(check.stdout.contains("index matches archive"))
    }

    @Test func crashBetweenArticleWriteAndIndexLosesNothing() throws {
        let ws = TestWorkspace()
        try FileManager.default.createDirectory(atPath: ws.inbox, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: seeds[3], toPath: ws.inbox + "/clip.txt")
        let crashed = try WinnowBinary.run(["once", "--config", ws.configPath], environment: ["WINNOW_FAULT": "after-article-write"])
        #expect(crashed.status != 0)
        // The article file exists, the index does not know it, the input is still in the inbox.
        #expect(ws.directory.articleFiles(under: "archive").count == 1)
        #expect(FileManager.default.fileExists(atPath: ws.inbox + "/clip.txt"))
        let check = try WinnowBinary.run(["reindex", "--check", "--config", ws.configPath])
        #expect(check.status == 1)
        let resumed = try WinnowBinary.run(["once", "--config", ws.configPath])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("event=index.repaired"))
        #expect(ws.directory.articleFiles(under: "archive").count == 1)
        #expect(!FileManager.default.fileExists(atPath: ws.inbox + "/clip.txt"))
        let processed = ws.directory.files(under: "inbox/processed")
        #expect(processed.count == 1 && processed[0].hasSuffix("/clip.txt"))
        #expect(try WinnowBinary.run(["reindex", "--check", "--config", ws.configPath]).status == 0)
        // Finished from the recorded decision, not recorded again as a duplicate of itself.
        #expect(!resumed.stderr.contains("event=duplicate"))
    }

    @Test func inboxFilesEndInProcessedOrFailedWithAReason() throws {
        let ws = TestWorkspace()
        try FileManager.default.createDirectory(atPath: ws.inbox + "/sub", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: seeds[0], toPath: ws.inbox + "/a.txt")
        try FileManager.default.copyItem(atPath: seeds[1], toPath: ws.inbox + "/sub/b.txt")
        ws.directory.write("inbox/report.pdf", "%PDF-1.4")
        ws.directory.write("inbox/empty.txt", "")
        ws.directory.write("inbox/.hidden.txt", "ignored")
        ws.directory.write("inbox/download.html.part", "ignored")
        let out = try WinnowBinary.run(["once", "--config", ws.configPath])
        #expect(out.status == 0, "\(out.stderr)")
        let processed = ws.directory.files(under: "inbox/processed").map { ($0 as NSString).lastPathComponent }.sorted()
        #expect(processed == ["a.txt", "b.txt"])
        let failed = ws.directory.files(under: "inbox/failed")
        #expect(failed == ["empty.txt", "empty.txt.error.txt", "report.pdf", "report.pdf.error.txt"])
        let reason = try String(contentsOfFile: ws.inbox + "/failed/report.pdf.error.txt", encoding: .utf8)
        #expect(reason.contains("unsupported file type '.pdf'"))
        #expect(FileManager.default.fileExists(atPath: ws.inbox + "/.hidden.txt"))
        #expect(FileManager.default.fileExists(atPath: ws.inbox + "/download.html.part"))
        #expect(!FileManager.default.fileExists(atPath: ws.inbox + "/sub"))
    }

    @Test func badConfigExitsTwoNamingKeyAndLine() throws {
        let dir = TemporaryDirectory()
        let path = dir.write("bad.toml", "[paths]\narchive = \"a\"\n[fetch]\ntimeout_seconds = \"soon\"\n")
        let out = try WinnowBinary.run(["check-config", "--config", path])
        #expect(out.status == 2)
        #expect(out.stderr.contains("line 4: fetch.timeout_seconds: must be an integer"))
        let ingest = try WinnowBinary.run(["ingest", "--config", path, "x.txt"])
        #expect(ingest.status == 2)
    }

    func dumpArticles(_ ws: TestWorkspace) throws -> [[SQLValue]] {
        let db = try SQLiteDatabase(path: ws.state + "/index.sqlite")
        return try db.prepare("""
            SELECT id, path, url, title, source, published, ingested, author, language, origin, input_hash, content_hash, words
            FROM articles ORDER BY id
            """).all()
    }
}
