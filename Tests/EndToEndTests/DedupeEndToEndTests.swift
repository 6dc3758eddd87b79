import Foundation
import Testing
import WinnowTestSupport

/// Near-duplicate detection through the real `winnow` binary.
@Suite struct DedupeEndToEndTests {
    var seeds: [String] { TestWorkspace.seedPaths }

    func json(_ line: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
    }

    static func article(seed: UInt64, paragraphs: Int = 8) -> [String] {
        GeneratedText.article(seed: seed, paragraphs: paragraphs)
    }

    func write(_ ws: TestWorkspace, _ name: String, title: String, _ paragraphs: [String]) -> String {
        ws.directory.write("in/\(name)", ([title, ""] + paragraphs).joined(separator: "\n\n") + "\n")
    }

    @Test func seedsAreFiveDistinctArticles() throws {
        // 002 and 004 report the same event but are different articles: never merged.
        let ws = TestWorkspace()
        #expect(seeds.count == 5)
        let out = try WinnowBinary.run(["ingest", "--config", ws.configPath] + seeds)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.lines.map { json($0)["status"] as? String } == Array(repeating: "stored", count: 5))
        #expect(ws.directory.articleFiles(under: "archive").count == 5)
        #expect(!out.stderr.contains("event=duplicate"))
        // `similar` explains: 004 is far from 002 on both measures.
        let similar = try WinnowBinary.run(["similar", "--config", ws.configPath, "--limit", "5", seeds[4]])
        #expect(similar.status == 0, "\(similar.stderr)")
        let rows = similar.lines.map(json)
        #expect(rows.count == 5)
        #expect((rows.first?["jaccard"] as? Double) == 1)
        let id002 = json(out.lines[2])["id"] as? String
        let row002 = try #require(rows.first { $0["id"] as? String == id002 })
        #expect((row002["jaccard"] as? Double ?? 1) < 0.3)
        #expect((row002["containment"] as? Double ?? 1) < 0.5)
    }

    @Test func nearDuplicateIsRecordedNotStoredAndSurvivesRestart() throws {
        let ws = TestWorkspace()
        let base = Self.article(seed: 11)
        let original = write(ws, "original.txt", title: "Talks to resume next week", base)
        let first = try WinnowBinary.run(["ingest", "--config", ws.configPath, original])
        #expect(first.status == 0, "\(first.stderr)")
        let stored = json(first.lines.first ?? "")
        #expect(stored["status"] as? String == "stored")
        let id = try #require(stored["id"] as? String)

        // A new process: the signature comes from the index, not from memory.
        var edited = base
        edited[2] = edited[2].replacingOccurrences(of: " the ", with: " a ", options: [], range: edited[2].range(of: " the "))
        edited.append("Reporting by a correspondent; editing by the desk.")
        let variant = write(ws, "variant.txt", title: "Talks will resume next week, officials say", edited)
        let second = try WinnowBinary.run(["ingest", "--config", ws.configPath, variant])
        #expect(second.status == 0, "\(second.stderr)")
        let result = json(second.lines.first ?? "")
        #expect(result["status"] as? String == "duplicate")
        #expect(result["duplicate_of"] as? String == id)
        let similarity = try #require(result["similarity"] as? Double)
        #expect(similarity >= 0.7 && similarity < 1)
        #expect(second.stderr.contains("event=duplicate"))
        #expect(second.stderr.contains("match=near"))
        #expect(second.stderr.contains("duplicate_of=\(id)"))
        #expect(ws.directory.articleFiles(under: "archive").count == 1)

        // An excerpt (a third of the article) is contained in it: a duplicate too.
        let excerpt = write(ws, "excerpt.txt", title: "Excerpt", Array(base[3..<6]))
        let third = try WinnowBinary.run(["ingest", "--config", ws.configPath, excerpt])
        let r3 = json(third.lines.first ?? "")
        #expect(r3["status"] as? String == "duplicate", "\(third.stdout)")
        #expect((r3["containment"] as? Double ?? 0) >= 0.9)

        // A different article on the same subject is stored.
        let other = write(ws, "other.txt", title: "Another story", Self.article(seed: 99))
        let fourth = try WinnowBinary.run(["ingest", "--config", ws.configPath, other])
        #expect(json(fourth.lines.first ?? "")["status"] as? String == "stored")
        #expect(ws.directory.articleFiles(under: "archive").count == 2)
    }

    @Test func reindexedArticlesGetSignatures() throws {
        let ws = TestWorkspace()
        let base = Self.article(seed: 21)
        let original = write(ws, "original.txt", title: "Railway delayed again", base)
        _ = try WinnowBinary.run(["ingest", "--config", ws.configPath, original])
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: ws.state + "/index.sqlite" + suffix) }
        let reindex = try WinnowBinary.run(["reindex", "--config", ws.configPath])
        #expect(reindex.status == 0, "\(reindex.stderr)")
        var edited = base
        edited[0] = "Breaking: " + edited[0]
        let variant = write(ws, "variant.txt", title: "Railway delayed", edited)
        let out = try WinnowBinary.run(["ingest", "--config", ws.configPath, variant])
        #expect(json(out.lines.first ?? "")["status"] as? String == "duplicate", "\(out.stdout)\(out.stderr)")
        #expect(out.stderr.contains("signatures=1"))
    }

    @Test func changedShingleSizeRecomputesStoredSignatures() throws {
        let ws = TestWorkspace()
        let base = Self.article(seed: 31)
        let original = write(ws, "original.txt", title: "Floods delay railway", base)
        let first = try WinnowBinary.run(["ingest", "--config", ws.configPath, original])
        #expect(first.status == 0, "\(first.stderr)")
        // Same settings again: nothing to recompute.
        let again = try WinnowBinary.run(["ingest", "--config", ws.configPath, original])
        #expect(!again.stderr.contains("dedupe.scheme_changed"))

        // Four-word shingles: the stored three-word signature would never match.
        let config = try String(contentsOfFile: ws.configPath, encoding: .utf8)
        try (config + "\n[dedupe]\nshingle_words = 4\n").write(toFile: ws.configPath, atomically: true, encoding: .utf8)
        var edited = base
        edited.append("Reporting by a correspondent.")
        let variant = write(ws, "variant.txt", title: "Floods delay railway again", edited)
        let out = try WinnowBinary.run(["ingest", "--config", ws.configPath, variant])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stderr.contains("dedupe.scheme_changed"), "\(out.stderr)")
        #expect(out.stderr.contains("signed=1"), "\(out.stderr)")
        #expect(json(out.lines.first ?? "")["status"] as? String == "duplicate", "\(out.stdout)")
    }

    @Test func sameInputsGiveSameDecisions() throws {
        var files: [String] = []
        func decisions() throws -> [String] {
            let ws = TestWorkspace()
            files = []
            for k in 0..<6 {
                var body = Self.article(seed: UInt64(100 + k % 3))
                if k >= 3 { body[k] = "A changed paragraph \(k) about something else entirely, with new words in it." }
                files.append(write(ws, "doc\(k).txt", title: "Doc \(k)", body))
            }
            let out = try WinnowBinary.run(["ingest", "--config", ws.configPath] + files)
            return out.lines.map { line in
                let r = json(line)
                return "\(r["status"] ?? "") \(r["title"] ?? "") \(r["similarity"] ?? "")"
            }
        }
        let first = try decisions()
        #expect(first.filter { $0.hasPrefix("duplicate") }.count == 3)
        #expect(try decisions() == first)
    }
}
