import Archive
import Feeds
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import WinnowTestSupport

/// The reading side through the real binary: `search`, `show`, `export atom` and the
/// daemon's `feed.atom`, over the seeds and copies of them.
@Suite struct ReadingEndToEndTests {
    var seeds: [String] { TestWorkspace.seedPaths }

    func json(_ line: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
    }

    /// Ingests the seeds; returns the stored ids in seed order.
    func ingestSeeds(_ ws: TestWorkspace) throws -> [String] {
        let out = try WinnowBinary.run(["ingest", "--config", ws.configPath] + seeds)
        #expect(out.status == 0, "\(out.stderr)")
        return out.lines.map { json($0)["id"] as? String ?? "" }
    }

    /// Seed 000 as a saved web page with a canonical URL and a site name.
    func htmlCopyOfSeed0(_ ws: TestWorkspace, url: String, site: String) throws -> String {
        let text = try String(contentsOfFile: seeds[0], encoding: .utf8)
        let paragraphs = text.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { $0.count > 80 }
        let body = paragraphs.map { "<p>\($0.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;"))</p>" }
        return ws.directory.write("copies/wire.html", """
            <!doctype html><html lang="en"><head><meta charset="utf-8">
            <title>China gets RUSSIA missile technology, as North Korea talks failed</title>
            <link rel="canonical" href="\(url)"><meta property="og:site_name" content="\(site)">
            <meta property="article:published_time" content="2020-01-27T08:00:00Z"></head>
            <body><article><h1>China gets RUSSIA missile technology, as North Korea talks failed</h1>
            \(body.joined(separator: "\n"))</article></body></html>
            """)
    }

    @Test func searchFindsBodyPhrasesNotBoilerplate() throws {
        let ws = TestWorkspace()
        let ids = try ingestSeeds(ws)
        func search(_ args: String...) throws -> WinnowBinary.Output {
            try WinnowBinary.run(["search", "--config", ws.configPath, "--json"] + args)
        }
        // A phrase from seed 000's body finds it, first.
        let phrase = try search("\"helping China to create a missile warning system\"")
        #expect(phrase.status == 0, "\(phrase.stderr)")
        let hits = phrase.lines.map(json)
        #expect(hits.map { $0["id"] as? String } == [ids[0]])
        let hit = try #require(hits.first)
        #expect((hit["snippet"] as? String)?.contains("**missile** **warning** **system**") == true, "\(hit)")
        #expect(FileManager.default.fileExists(atPath: ws.archive + "/" + (hit["path"] as? String ?? "-")))
        #expect((hit["date"] as? String)?.hasPrefix("2020-01-26") == true)
        #expect(hit["score"] is Double)
        // A phrase from its stripped boilerplate does not.
        for boilerplate in ["\"Just Real, No BS\"", "\"Leave a Reply\"", "\"2 min read\""] {
            let out = try search(boilerplate)
            #expect(out.status == 0 && out.lines.isEmpty, "\(boilerplate): \(out.stdout)")
        }
        // Prefix and diacritics: satell* matches "satellite(s)"; "Pyöngyang" matches Pyongyang.
        #expect(try search("satell*").lines.count >= 3)
        #expect(try search("Pyöngyang").lines.count >= 1)
        // Filters on the article's date and the limit.
        let recent = try search("--since", "2025-01-01", "korea").lines.map(json)
        #expect(!recent.isEmpty && recent.allSatisfy { ($0["date"] as? String ?? "") >= "2025-01-01" })
        let old = try search("--until", "2020-12-31", "korea").lines.map(json)
        #expect(!old.isEmpty && old.allSatisfy { ($0["date"] as? String ?? "9") < "2021" })
        #expect(try search("--limit", "1", "korea").lines.count == 1)
        // A malformed query: one line naming the problem, exit 2, no SQLite dump.
        for bad in ["\"unterminated phrase", "missile AND", "nosuchfield:word"] {
            let out = try search(bad)
            #expect(out.status == 2, "\(bad): \(out.stdout)")
            let lines = out.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains("malformed query"), "\(out.stderr)")
            #expect(!out.stderr.lowercased().contains("sqlite"))
        }
        // A reader creates nothing: no index, nothing found, no files made.
        let empty = TestWorkspace()
        let none = try WinnowBinary.run(["search", "--config", empty.configPath, "missile"])
        #expect(none.status == 0 && none.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: empty.state + "/index.sqlite"))
    }

    @Test func showListsTheStoryAndReindexReproducesIt() throws {
        let ws = TestWorkspace()
        let ids = try ingestSeeds(ws)
        // Copies of seed 000 from two more origins: the same clipping under another name,
        // and a web page with a URL and a site name.
        let clipping = ws.directory.write("copies/forwarded.txt", try String(contentsOfFile: seeds[0], encoding: .utf8))
        let url = "https://wire.example/2020/01/27/china-russia-missile"
        let page = try htmlCopyOfSeed0(ws, url: url, site: "Wire Example")
        let copies = try WinnowBinary.run(["ingest", "--config", ws.configPath, clipping, page])
        #expect(copies.lines.map { json($0)["status"] as? String } == ["duplicate", "duplicate"], "\(copies.stdout)")
        #expect(copies.lines.allSatisfy { json($0)["duplicate_of"] as? String == ids[0] })

        let show = try WinnowBinary.run(["show", "--config", ws.configPath, "--json", ids[0]])
        #expect(show.status == 0, "\(show.stderr)")
        let records = show.lines.map(json)
        #expect(records.first?["record"] as? String == "article")
        #expect(records.first?["title"] as? String == "China gets RUSSIA missile technology, as North Korea talks failed")
        let story = records.dropFirst()
        #expect(story.count == 3)
        #expect(story.map { $0["first"] as? Bool } == [true, false, false])
        #expect(story.first?["stored"] as? Bool == true)
        let origins = [seeds[0], clipping, page].map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        #expect(Set(story.compactMap { $0["origin"] as? String }) == Set(origins))
        let wire = try #require(story.first { $0["url"] as? String == url })
        #expect(wire["source"] as? String == "Wire Example")
        #expect((wire["containment"] as? Double ?? 0) >= 0.9)
        let times = story.compactMap { $0["when"] as? String }
        #expect(times == times.sorted())

        // The same article by its path and by the duplicate's URL; the human view marks the first.
        let path = try #require(records.first?["path"] as? String)
        #expect(try WinnowBinary.run(["show", "--config", ws.configPath, "--json", path]).stdout == show.stdout)
        #expect(try WinnowBinary.run(["show", "--config", ws.configPath, "--json", ws.archive + "/" + path]).stdout == show.stdout)
        #expect(try WinnowBinary.run(["show", "--config", ws.configPath, "--json", url]).stdout == show.stdout)
        let missing = try WinnowBinary.run(["show", "--config", ws.configPath, "no-such-article"])
        #expect(missing.status == 1 && missing.stderr.contains("no stored article"))

        // The feed carries the story: a related link to the copy's URL.
        let atom = try WinnowBinary.run(["export", "atom", "--config", ws.configPath])
        #expect(atom.status == 0, "\(atom.stderr)")
        #expect(atom.stdout.contains("<link rel=\"related\" type=\"text/html\" href=\"\(url)\" title=\"Wire Example\"/>"))

        // Delete the index: the archive alone gives back the same story, search and feed.
        let search = try WinnowBinary.run(["search", "--config", ws.configPath, "--json", "missile"])
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: ws.state + "/index.sqlite" + suffix) }
        let reindex = try WinnowBinary.run(["reindex", "--config", ws.configPath])
        #expect(reindex.status == 0, "\(reindex.stderr)")
        #expect(reindex.stdout.contains("indexed 5 articles"), "\(reindex.stdout)")
        #expect(reindex.stdout.contains("2 duplicate records"), "\(reindex.stdout)")
        #expect(try WinnowBinary.run(["show", "--config", ws.configPath, "--json", ids[0]]).stdout == show.stdout)
        #expect(try WinnowBinary.run(["search", "--config", ws.configPath, "--json", "missile"]).stdout == search.stdout)
        #expect(try WinnowBinary.run(["export", "atom", "--config", ws.configPath]).stdout == atom.stdout)
        let check = try WinnowBinary.run(["reindex", "--check", "--config", ws.configPath])
        #expect(check.status == 0 && check.stdout.contains("index matches archive"), "\(check.stdout)")
    }

    @Test func reindexCheckNoticesAStaleSearchIndex() throws {
        let ws = TestWorkspace()
        _ = try ingestSeeds(ws)
        // Someone edits an article's body by hand: its row's hash and its search text differ.
        let path = try #require(ws.directory.articleFiles(under: "archive").first)
        let file = ws.archive + "/" + path
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try (text + "\nA paragraph added by hand about zeppelins.\n").write(toFile: file, atomically: true, encoding: .utf8)
        let check = try WinnowBinary.run(["reindex", "--check", "--config", ws.configPath])
        #expect(check.status == 1)
        #expect(check.stdout.contains("search index: \(path): search text differs"), "\(check.stdout)")
        #expect(try WinnowBinary.run(["search", "--config", ws.configPath, "--json", "zeppelins"]).lines.isEmpty)
        #expect(try WinnowBinary.run(["reindex", "--config", ws.configPath]).status == 0)
        #expect(try WinnowBinary.run(["search", "--config", ws.configPath, "--json", "zeppelins"]).lines.count == 1)
        #expect(try WinnowBinary.run(["reindex", "--check", "--config", ws.configPath]).status == 0)
    }

    @Test func anIndexFromBeforeSearchIsFilledByTheWriterAtStart() throws {
        let ws = TestWorkspace()
        _ = try ingestSeeds(ws)
        // As an older Winnow left it: no search table, no mark that it was filled.
        do {
            let db = try SQLiteDatabase(path: ws.state + "/index.sqlite")
            try db.execute("DROP TABLE article_text; DELETE FROM meta WHERE key = 'search_filled';")
        }
        let before = try WinnowBinary.run(["search", "--config", ws.configPath, "--json", "missile"])
        #expect(before.status == 1 && before.stderr.contains("no search table"), "\(before.stderr)")
        let check = try WinnowBinary.run(["reindex", "--check", "--config", ws.configPath])
        #expect(check.status == 1 && check.stdout.contains("search index: not filled yet"), "\(check.stdout)")
        // Any writer's start fills it from the files.
        let once = try WinnowBinary.run(["once", "--config", ws.configPath])
        #expect(once.status == 0, "\(once.stderr)")
        #expect(try WinnowBinary.run(["search", "--config", ws.configPath, "--json", "missile"]).lines.count >= 3)
        #expect(try WinnowBinary.run(["reindex", "--check", "--config", ws.configPath]).status == 0)
    }

    @Test func daemonKeepsAValidFeedOfTheSeeds() throws {
        let ws = TestWorkspace(settleMilliseconds: 100)
        let daemon = try DaemonProcess(["run", "--config", ws.configPath])
        defer { daemon.signal(SIGTERM); _ = daemon.waitForExit() }
        #expect(daemon.waitForLine { $0.contains("event=started") } != nil)
        for (i, seed) in seeds.enumerated() {
            try FileManager.default.copyItem(atPath: seed, toPath: ws.inbox + "/seed\(i).txt")
        }
        #expect(daemon.waitForCount("event=stored", count: 5))
        let feedPath = ws.archive + "/feed.atom"
        // Rewritten after the drain that stored the last seed (wait for that write, not a time).
        var feed = ""
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            feed = (try? String(contentsOfFile: feedPath, encoding: .utf8)) ?? ""
            if feed.components(separatedBy: "<entry>").count - 1 == 5 { break }
            usleep(50_000)  // polling a file another process rewrites
        }
        #expect(feed.components(separatedBy: "<entry>").count - 1 == 5, "\(feed.prefix(400))")

        // Winnow's own feed parser reads it: five entries, each with its text and dates.
        let parsed = try FeedParser.parse(Array(feed.utf8), url: "file://" + feedPath)
        #expect(parsed.format == .atom)
        #expect(parsed.entries.count == 5)
        #expect(parsed.entries.allSatisfy { ($0.content ?? "").count > 200 && $0.published != nil && $0.id != nil })
        #expect(Set(parsed.entries.compactMap(\.title)).contains("China gets RUSSIA missile technology, as North Korea talks failed"))

        // Structure, always asserted: Atom's required elements, well-formed XML.
        let structure = AtomStructure(Data(feed.utf8))
        #expect(structure.wellFormed, "\(structure.error ?? "")")
        #expect(structure.feedChildren.isSuperset(of: ["id", "title", "updated", "author"]))
        #expect(structure.entries.count == 5)
        #expect(structure.entries.allSatisfy { $0.isSuperset(of: ["id", "title", "updated", "published", "content"]) })

        // No boilerplate line of any seed is in the feed.
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: TestWorkspace.repositoryRoot + "/seeds/expected.json"))) as? [String: Any]
        let documents = try #require(expected?["documents"] as? [String: [String: Any]])
        for (name, document) in documents {
            for line in document["without"] as? [String] ?? [] {
                let escaped = line.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                    .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
                #expect(!feed.contains(escaped) && !parsed.entries.contains { ($0.content ?? "").contains(line) }, "\(name): \(line)")
            }
        }

        // Python's feedparser, when this machine has it.
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", """
            import sys, feedparser
            d = feedparser.parse(sys.argv[1])
            assert not d.bozo, d.bozo_exception
            assert d.version == 'atom10', d.version
            assert len(d.entries) == 5
            for e in d.entries:
                assert e.id and e.title and e.published and e.updated and len(e.content[0].value) > 200
            print('ok')
            """, feedPath]
        let out = Pipe()
        python.standardOutput = out
        python.standardError = out
        try python.run()
        python.waitUntilExit()
        let said = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        if said.contains("No module named") || said.contains("No such file") {
            print("skipped the feedparser check: python3 with feedparser is not installed here (\(said.prefix(120)))")
        } else {
            #expect(python.terminationStatus == 0 && said.contains("ok"), "\(said)")
        }
        // Nothing half-written was left beside it.
        let leftovers = (try FileManager.default.contentsOfDirectory(atPath: ws.archive)).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }
}

/// The element names of an Atom document, read with Foundation's XML parser.
final class AtomStructure: NSObject, XMLParserDelegate {
    var feedChildren: Set<String> = []
    var entries: [Set<String>] = []
    var wellFormed = false
    var error: String?
    private var path: [String] = []

    init(_ data: Data) {
        super.init()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.delegate = self
        wellFormed = parser.parse()
        if !wellFormed { error = parser.parserError.map { "\($0)" } }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        guard namespaceURI == "http://www.w3.org/2005/Atom" else { return }
        if path == ["feed"] { feedChildren.insert(name) }
        if name == "entry" { entries.append([]) }
        if path.count == 2, path.last == "entry" { entries[entries.count - 1].insert(name) }
        path.append(name)
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if namespaceURI == "http://www.w3.org/2005/Atom" { path.removeLast() }
    }
}
