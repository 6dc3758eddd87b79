import Foundation
import Testing
import WinnowTestSupport

/// The command line as a new user meets it: the same conventions everywhere.
@Suite struct CommandLineEndToEndTests {
    var seeds: [String] { TestWorkspace.seedPaths }

    func json(_ line: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
    }

    @Test func versionAsAFlagAndAsACommand() throws {
        let flag = try WinnowBinary.run(["--version"])
        #expect(flag.status == 0)
        #expect(flag.stdout.hasPrefix("winnow "))
        #expect(try WinnowBinary.run(["version"]).stdout == flag.stdout)
    }

    @Test func shellCompletionsKnowEveryCommand() throws {
        for shell in ["bash", "zsh", "fish"] {
            let out = try WinnowBinary.run(["--generate-completion-script", shell])
            #expect(out.status == 0)
            for command in ["run", "once", "ingest", "extract", "similar", "reindex", "feeds", "status"] {
                #expect(out.stdout.contains(command), "\(shell): \(command)")
            }
        }
    }

    @Test func oneVerdictForAnInputInEveryCommand() throws {
        let ws = TestWorkspace()
        let pdf = ws.directory.write("in/report.pdf", "%PDF-1.4 not a page")
        let verdict = "unsupported file type '.pdf'"
        let extract = try WinnowBinary.run(["extract", "--json", pdf])
        #expect(extract.stdout.contains(verdict), "\(extract.stdout)")
        let similar = try WinnowBinary.run(["similar", "--config", ws.configPath, pdf])
        #expect(similar.stderr.contains(verdict))
        let ingest = try WinnowBinary.run(["ingest", "--config", ws.configPath, pdf])
        #expect(ingest.stdout.contains(verdict))
        try FileManager.default.createDirectory(atPath: ws.inbox, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: pdf, toPath: ws.inbox + "/report.pdf")
        #expect(try WinnowBinary.run(["once", "--config", ws.configPath]).status == 0)
        #expect(try String(contentsOfFile: ws.inbox + "/failed/report.pdf.error.txt", encoding: .utf8).contains(verdict))
    }

    @Test func ingestWalksFoldersAndRefusesMissingPaths() throws {
        let ws = TestWorkspace()
        let folder = ws.directory.path + "/batch"
        try FileManager.default.createDirectory(atPath: folder + "/sub", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: seeds[0], toPath: folder + "/a.txt")
        try FileManager.default.copyItem(atPath: seeds[1], toPath: folder + "/sub/b.txt")
        let out = try WinnowBinary.run(["ingest", "--config", ws.configPath, folder])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.lines.map { json($0)["status"] as? String } == ["stored", "stored"])
        let missing = try WinnowBinary.run(["ingest", "--config", ws.configPath, "/nonexistent.txt"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent.txt"))
        #expect(try WinnowBinary.run(["status", "--config", ws.configPath]).stdout.contains("0 failed"))
    }

    @Test func aURLIsFetchedByExtractAndIngest() throws {
        let routes = Routes()
        let server = try LoopbackHTTPServer(handler: routes.handler)
        defer { server.stop() }
        let body = GeneratedText.article(seed: 3, paragraphs: 4).map { "<p>\($0)</p>" }.joined()
        routes.serve("/story.html", "<html><head><title>Talks resume next week</title></head><body><article><h1>Talks resume next week</h1>\(body)</article></body></html>",
                     type: "text/html; charset=utf-8")
        let url = server.baseURL + "/story.html"
        let extract = try WinnowBinary.run(["extract", "--json", url])
        #expect(extract.status == 0, "\(extract.stdout)")
        #expect(json(extract.lines.first ?? "")["title"] as? String == "Talks resume next week")
        let ws = TestWorkspace()
        let ingest = try WinnowBinary.run(["ingest", "--config", ws.configPath, url, server.baseURL + "/missing.html"])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(ingest.lines.map { json($0)["status"] as? String } == ["stored", "failed"])
        #expect((json(ingest.lines.last ?? "")["error"] as? String)?.contains("404") == true)
        let stored = try String(contentsOfFile: ws.archive + "/" + ws.directory.files(under: "archive").filter { $0.hasSuffix(".md") }[0], encoding: .utf8)
        #expect(stored.contains("url: \"\(url)\""))
    }

    @Test func benchDedupePrintsAnAlignedTable() throws {
        let dir = TemporaryDirectory()
        var lines: [String] = []
        for i in 0..<30 {
            let text = GeneratedText.article(seed: UInt64(i % 20), paragraphs: 3).joined(separator: " ")
            let kind = i < 20 ? "base" : "edits"
            let object: [String: Any] = ["id": "d\(i)", "text": text, "group": "g\(i % 20)", "kind": kind]
            lines.append(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
        }
        let corpus = dir.write("corpus.jsonl", lines.joined(separator: "\n") + "\n")
        let out = try WinnowBinary.run(["bench", "dedupe", corpus, "--repeats", "1"])
        #expect(out.status == 0, "\(out.stderr)")
        let table = out.lines.drop { !$0.contains("precision") }.prefix { !$0.contains("missed") && !$0.contains("false positive") }
        #expect(table.count >= 3, "\(out.stdout)")
        // Every row ends where the header ends: the columns line up.
        let width = table.first?.count ?? 0
        #expect(table.allSatisfy { $0.count == width }, "\(table.joined(separator: "\n"))")
    }

    @Test func everyConfigProblemIsReportedSortedByLine() throws {
        let dir = TemporaryDirectory()
        let path = dir.write("bad.toml", """
            [paths]
            archive = "a"
            [fetch]
            max_body_bytes = 15MB
            timeout_seconds = "soon"
            [inbox]
            colour = 2
            """)
        let out = try WinnowBinary.run(["check-config", "--config", path])
        #expect(out.status == 2)
        let lines = out.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(out.stderr)")
        #expect(lines.first?.contains("line 4: max_body_bytes: '15MB'") == true)
        #expect(lines.dropFirst().first?.contains("line 5: fetch.timeout_seconds") == true)
        #expect(lines.last?.contains("line 7: inbox.colour: unknown key") == true)
    }

    @Test func aMissingDefaultConfigSaysWhereItLooked() throws {
        let out = try WinnowBinary.run(["status"], environment: ["WINNOW_CONFIG": "/nonexistent/winnow.toml"])
        #expect(out.status == 2)
        #expect(out.stderr.contains("/nonexistent/winnow.toml"))
        #expect(out.stderr.contains("--config"))
    }

    @Test func readCommandsLogOnlyWarnings() throws {
        let ws = TestWorkspace()  // its config asks for debug logging
        #expect(try WinnowBinary.run(["ingest", "--config", ws.configPath, seeds[0]]).status == 0)
        for arguments in [["similar", seeds[1]], ["status"], ["feeds"], ["reindex", "--check"]] {
            let out = try WinnowBinary.run(arguments + ["--config", ws.configPath])
            #expect(out.status == 0, "\(arguments): \(out.stderr)")
            #expect(!out.stderr.contains("INFO") && !out.stderr.contains("DEBUG"), "\(arguments): \(out.stderr)")
        }
        let verbose = try WinnowBinary.run(["similar", seeds[1], "--config", ws.configPath, "--log-level", "info"])
        #expect(verbose.stderr.contains("event=dedupe.loaded"))
    }

    @Test func similarPrintsTypedJSONAndOnlyRealCandidates() throws {
        let ws = TestWorkspace()
        #expect(try WinnowBinary.run(["ingest", "--config", ws.configPath] + seeds).status == 0)
        let unrelated = ws.directory.write("other.txt", GeneratedText.clipping(seed: 7))
        let none = try WinnowBinary.run(["similar", "--json", "--config", ws.configPath, unrelated])
        #expect(none.status == 0)
        #expect(none.lines.allSatisfy { (json($0)["jaccard"] as? Double ?? 0) > 0 || (json($0)["containment"] as? Double ?? 0) > 0 })
        let out = try WinnowBinary.run(["similar", "--json", "--limit", "-1", "--config", ws.configPath, seeds[0]])
        #expect(out.status == 0, "\(out.stderr)")
        let first = json(out.lines.first ?? "")
        #expect(first["duplicate"] as? Bool == true)
        #expect(first["jaccard"] as? Double == 1)
        #expect(out.stdout.contains("\"duplicate\":true"))
    }

    @Test func aHalfWrittenConfigIsNotApplied() throws {
        let ws = TestWorkspace()
        let daemon = try DaemonProcess(["run", "--config", ws.configPath])
        defer { daemon.signal(SIGKILL) }
        #expect(daemon.waitForLine { $0.contains("event=started") } != nil)
        let good = try String(contentsOfFile: ws.configPath, encoding: .utf8)
        // The first line of the file, as a writer that stopped early leaves it.
        try "[paths]\narchive = \"archive\"\n".write(toFile: ws.configPath, atomically: false, encoding: .utf8)
        // Under a heavily loaded test run a reload can take a while to be logged; ask again
        // every few seconds rather than once (any number of rejections is fine).
        var rejected: Int?
        for _ in 0..<12 where rejected == nil {
            daemon.signal(SIGHUP)
            rejected = daemon.waitForLine(timeout: 5) { $0.contains("event=reload.rejected") }
        }
        #expect(rejected != nil, "\(daemon.log.suffix(20))")
        #expect(!daemon.log.contains { $0.contains("event=reloaded") })
        try good.write(toFile: ws.configPath, atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: seeds[0], toPath: ws.inbox + "/a.txt")
        #expect(daemon.waitForLine { $0.contains("event=stored") } != nil)
    }
}
