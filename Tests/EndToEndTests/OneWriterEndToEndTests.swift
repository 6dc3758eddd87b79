import Archive
import Foundation
import Testing
import WinnowTestSupport

/// One writer owns the index and archive, and the index never disagrees with the archive:
/// the paths a new user walks (overlapping folders, a second writer, a full disk, a missing
/// mount, a damaged or deleted index, hand edits), against the built binary.
@Suite struct OneWriterEndToEndTests {
    var seeds: [String] { TestWorkspace.seedPaths }

    func config(_ dir: TemporaryDirectory, inbox: String, archive: String, state: String) -> String {
        dir.write("winnow.toml", "[paths]\ninbox = \"\(inbox)\"\narchive = \"\(archive)\"\nstate = \"\(state)\"\n")
    }

    // MARK: 1. Overlapping paths

    @Test func overlappingFoldersAreRefusedNamingBothKeys() throws {
        let dir = TemporaryDirectory()
        let nested = config(dir, inbox: "./v", archive: "./v/archive", state: "./v/state")
        let check = try WinnowBinary.run(["check-config", "--config", nested])
        #expect(check.status == 2)
        #expect(check.stderr.contains("paths.inbox") && check.stderr.contains("paths.archive") && check.stderr.contains("paths.state"))
        // Start-up refuses too, and nothing in the folder is touched.
        dir.write("v/state/index.sqlite", "not touched")
        let once = try WinnowBinary.run(["once", "--config", nested])
        #expect(once.status == 2)
        #expect(FileManager.default.fileExists(atPath: dir.path + "/v/state/index.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/v/failed"))

        let same = config(dir, inbox: "./w", archive: "./w/../w", state: "w")
        let sameCheck = try WinnowBinary.run(["check-config", "--config", same])
        #expect(sameCheck.status == 2)
        #expect(sameCheck.stderr.contains("same folder"))

        // Through a symlink: the archive is the inbox under another name.
        try FileManager.default.createDirectory(atPath: dir.path + "/real-inbox", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/alias", withDestinationPath: dir.path + "/real-inbox")
        let linked = config(dir, inbox: "real-inbox", archive: "alias/archive", state: "state")
        let linkedCheck = try WinnowBinary.run(["check-config", "--config", linked])
        #expect(linkedCheck.status == 2)
        #expect(linkedCheck.stderr.contains("paths.archive"))

        let separate = config(dir, inbox: "in", archive: "archive", state: "state")
        #expect(try WinnowBinary.run(["check-config", "--config", separate]).status == 0)
    }

    // MARK: 2. One writer

    @Test func aSecondWriterIsRefusedWhileReadersWork() throws {
        let ws = TestWorkspace()
        #expect(try WinnowBinary.run(["ingest", "--config", ws.configPath, seeds[0]]).status == 0)
        let daemon = try DaemonProcess(["run", "--config", ws.configPath])
        defer { daemon.signal(SIGKILL) }
        #expect(daemon.waitForLine { $0.contains("event=started") } != nil)
        let holds = "another winnow (pid \(daemon.process.processIdentifier)) holds \(ws.state)"

        let second = try DaemonProcess(["run", "--config", ws.configPath])
        #expect(second.waitForExit() == 1)
        #expect(second.log.contains { $0.contains(holds) })

        let opml = ws.directory.write("feeds.opml", """
            <opml version="2.0"><body><outline type="rss" xmlUrl="http://127.0.0.1:9/feed.xml"/></body></opml>
            """)
        for arguments in [["once"], ["ingest", seeds[1]], ["reindex"], ["feeds", "import", opml]] {
            let out = try WinnowBinary.run(arguments + ["--config", ws.configPath])
            #expect(out.status == 1, "\(arguments)")
            #expect(out.stderr.contains(holds), "\(arguments): \(out.stderr)")
        }
        // Readers work beside the writer.
        #expect(try WinnowBinary.run(["reindex", "--check", "--config", ws.configPath]).status == 0)
        #expect(try WinnowBinary.run(["status", "--config", ws.configPath]).stdout.contains("total      1 stored"))
        let similar = try WinnowBinary.run(["similar", "--config", ws.configPath, seeds[0]])
        #expect(similar.status == 0)
        #expect(similar.stdout.contains("\"jaccard\":1"))

        // The refused writers changed nothing: the daemon still stores what it is given.
        try FileManager.default.copyItem(atPath: seeds[1], toPath: ws.inbox + "/b.txt")
        #expect(daemon.waitForLine { $0.contains("event=stored") && $0.contains("origin=b.txt") } != nil)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
        // Once the daemon is gone, a writer may run.
        #expect(try WinnowBinary.run(["once", "--config", ws.configPath]).status == 0)
    }

    // MARK: 3. Readers write nothing

    @Test func readCommandsCreateAndRepairNothing() throws {
        let ws = TestWorkspace()
        let page = ws.directory.write("page.txt", try String(contentsOfFile: seeds[0], encoding: .utf8))
        for arguments in [["status"], ["feeds"], ["feeds", "export"], ["extract", page], ["check-config"], ["reindex", "--check"],
                          ["similar", page]] {
            _ = try WinnowBinary.run(arguments + ["--config", ws.configPath])
            #expect(!FileManager.default.fileExists(atPath: ws.state), "\(arguments) created \(ws.state)")
        }

        // With an index that lags the archive, readers neither repair nor prune it.
        #expect(try WinnowBinary.run(["ingest", "--config", ws.configPath, seeds[0], seeds[1]]).status == 0)
        let files = ws.directory.articleFiles(under: "archive")
        try FileManager.default.removeItem(atPath: ws.archive + "/" + files[0])
        let similar = try WinnowBinary.run(["similar", "--config", ws.configPath, page])
        #expect(!similar.stderr.contains("index.pruned") && !similar.stderr.contains("index.repaired"))
        let check = try WinnowBinary.run(["reindex", "--check", "--config", ws.configPath])
        #expect(check.status == 1)
        #expect(check.stdout.contains("file missing: \(files[0])"))
    }

    // MARK: 4. A full state disk

    @Test func aFullStateDiskNeverLeavesAFileWithoutItsRow() throws {
        let ws = TestWorkspace()
        try FileManager.default.createDirectory(atPath: ws.state, withIntermediateDirectories: true)
        guard let mount = TmpfsMount(at: ws.state, size: "256k") else {
            print("skipped: cannot mount a tmpfs here (needs root)")
            return
        }
        defer { mount.unmount() }
        let inputs = (0..<120).map { i in
            ws.directory.write("in/\(i).txt", GeneratedText.clipping(seed: UInt64(i), paragraphs: 12))
        }
        let full = try WinnowBinary.run(["ingest", "--config", ws.configPath] + inputs)
        #expect(full.status == 1, "the state disk never filled up")
        #expect(full.stderr.contains("full"), "\(full.stderr)")
        // Every published file has its row: nothing is left half-done.
        let check = try WinnowBinary.run(["reindex", "--check", "--config", ws.configPath])
        #expect(!check.stdout.contains("not indexed"), "\(check.stdout)")

        // Space freed, the same inputs again: no second copy of any article.
        mount.resize("64m")
        let retry = try WinnowBinary.run(["ingest", "--config", ws.configPath] + inputs)
        #expect(retry.status == 0, "\(retry.stderr)")
        let files = ws.directory.articleFiles(under: "archive")
        #expect(files.count == 120)
        #expect(!files.contains { $0.hasSuffix("-2.md") })
        #expect(try WinnowBinary.run(["reindex", "--check", "--config", ws.configPath]).status == 0)
    }

    // MARK: 5. A missing archive mount

    @Test func anEmptyArchiveFolderDoesNotEmptyTheIndex() throws {
        let ws = TestWorkspace()
        #expect(try WinnowBinary.run(["ingest", "--config", ws.configPath] + seeds).status == 0)
        // The archive's mount is absent: an empty folder where the files were.
        try FileManager.default.moveItem(atPath: ws.archive, toPath: ws.directory.path + "/archive-mounted")
        try FileManager.default.createDirectory(atPath: ws.archive, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: ws.inbox, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: seeds[0], toPath: ws.inbox + "/waiting.txt")

        let once = try WinnowBinary.run(["once", "--config", ws.configPath])
        #expect(once.status == 1)
        #expect(once.stderr.contains("5 of 5 indexed articles are missing"))
        let daemon = try DaemonProcess(["run", "--config", ws.configPath])
        #expect(daemon.waitForExit() == 1)
        // Nothing was written into the bare folder and the input still waits.
        #expect(ws.directory.articleFiles(under: "archive").isEmpty)
        #expect(FileManager.default.fileExists(atPath: ws.inbox + "/waiting.txt"))

        // The mount returns: everything is still indexed.
        try FileManager.default.removeItem(atPath: ws.archive)
        try FileManager.default.moveItem(atPath: ws.directory.path + "/archive-mounted", toPath: ws.archive)
        #expect(try WinnowBinary.run(["reindex", "--check", "--config", ws.configPath]).status == 0)
        let resumed = try WinnowBinary.run(["once", "--config", ws.configPath])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("event=duplicate"))
    }

    // MARK: 6. A damaged index

    @Test(arguments: ["header", "middle"])
    func reindexRecoversADamagedIndex(_ damage: String) throws {
        let ws = TestWorkspace()
        #expect(try WinnowBinary.run(["ingest", "--config", ws.configPath] + seeds).status == 0)
        let path = ws.state + "/index.sqlite"
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        // The header, or every page after the first two (tables and their indexes).
        let offset = damage == "header" ? 0 : 8192
        try handle.seek(toOffset: UInt64(offset))
        handle.write(Data((0..<max(100, size - offset)).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }))
        try handle.close()

        let check = try WinnowBinary.run(["reindex", "--check", "--config", ws.configPath])
        #expect(check.status == 1, "\(check.stdout)")
        #expect(check.stdout.contains("damaged"))
        let reindex = try WinnowBinary.run(["reindex", "--config", ws.configPath])
        #expect(reindex.status == 0, "\(reindex.stderr)")
        #expect(reindex.stderr.contains("moved it aside"))
        #expect(reindex.stdout.contains("indexed 5 articles"))
        let state = try FileManager.default.contentsOfDirectory(atPath: ws.state)
        #expect(state.contains { $0.hasPrefix("index.sqlite.corrupt-") })
        #expect(try WinnowBinary.run(["reindex", "--check", "--config", ws.configPath]).status == 0)
        #expect(try WinnowBinary.run(["once", "--config", ws.configPath]).status == 0)
    }

    // MARK: 7. Hand edits

    @Test func checkNoticesAnEditedArticle() throws {
        let ws = TestWorkspace()
        #expect(try WinnowBinary.run(["ingest", "--config", ws.configPath] + seeds).status == 0)
        let file = ws.archive + "/" + ws.directory.articleFiles(under: "archive")[0]
        var text = try String(contentsOfFile: file, encoding: .utf8)
        text = text.replacingOccurrences(of: "title: \"", with: "title: \"Edited: ")
        text += "\nA paragraph a person added by hand after the article was stored.\n"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let check = try WinnowBinary.run(["reindex", "--check", "--config", ws.configPath])
        #expect(check.status == 1)
        #expect(check.stdout.contains("changed:") && check.stdout.contains("title") && check.stdout.contains("body"))
        #expect(try WinnowBinary.run(["reindex", "--config", ws.configPath]).status == 0)
        #expect(try WinnowBinary.run(["reindex", "--check", "--config", ws.configPath]).status == 0)
    }

    // MARK: 8. Decisions survive the index

    @Test func duplicateAndFailureRecordsSurviveLosingTheIndex() throws {
        let ws = TestWorkspace()
        let empty = ws.directory.write("in/empty.txt", "")
        #expect(try WinnowBinary.run(["ingest", "--config", ws.configPath] + seeds).status == 0)
        #expect(try WinnowBinary.run(["ingest", "--config", ws.configPath, seeds[0], seeds[2], empty]).status == 0)
        let before = try decisions(ws)
        #expect(before.duplicates.count == 2 && before.failures.count == 1)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: ws.state + "/index.sqlite" + suffix) }
        let reindex = try WinnowBinary.run(["reindex", "--config", ws.configPath])
        #expect(reindex.stdout.contains("2 duplicate records, 1 failure records"), "\(reindex.stdout)")
        let after = try decisions(ws)
        #expect(after.duplicates == before.duplicates)
        #expect(after.failures == before.failures)
        #expect(try WinnowBinary.run(["reindex", "--check", "--config", ws.configPath]).status == 0)
    }

    func decisions(_ ws: TestWorkspace) throws -> (duplicates: [DuplicateRecord], failures: [FailureRecord]) {
        guard let index = try ArchiveIndex.openForReading(stateDirectory: ws.state) else { return ([], []) }
        return try index.decisions()
    }
}
