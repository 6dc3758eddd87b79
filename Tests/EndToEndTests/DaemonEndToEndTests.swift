import Foundation
import Testing
import WinnowTestSupport

/// `winnow run` as systemd runs it: a child process speaking the notify protocol.
@Suite struct DaemonEndToEndTests {
    var seeds: [String] { TestWorkspace.seedPaths }

    @Test func notifyProtocolInOrderAndGracefulStop() throws {
        let ws = TestWorkspace()
        let listener = NotifyListener(directory: ws.directory.path)
        let daemon = try DaemonProcess(["run", "--config", ws.configPath],
                                       environment: ["NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "400000"])
        let startup = listener.receive(until: { $0.contains("READY=1") })
        #expect(startup.last?.contains("READY=1") == true)
        #expect(startup.last?.contains("STATUS=") == true)
        // Watchdog pings at half the interval while healthy.
        let pings = listener.receive(until: { $0 == "WATCHDOG=1" }, timeout: 5)
        #expect(pings.last == "WATCHDOG=1")

        // A file dropped in is stored and STATUS says so.
        try FileManager.default.copyItem(atPath: seeds[0], toPath: ws.inbox + "/one.txt")
        let status = listener.receive(until: { $0.contains("STATUS=stored 1") })
        #expect(status.last?.contains("STATUS=stored 1") == true)

        daemon.signal(SIGHUP)
        let reload = listener.receive(until: { $0.hasPrefix("READY=1") })
        let reloading = reload.firstIndex { $0.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") }
        #expect(reloading != nil)
        #expect(reload.last?.hasPrefix("READY=1") == true)

        daemon.signal(SIGTERM)
        let stopping = listener.receive(until: { $0 == "STOPPING=1" })
        #expect(stopping.last == "STOPPING=1")
        #expect(daemon.waitForExit() == 0)
        #expect(daemon.log.contains { $0.contains("event=stopped") })
        let leftovers = ws.directory.files(under: "archive").filter { $0.contains(".tmp") || ($0 as NSString).lastPathComponent.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }

    @Test func slowWritesMovesAndFoldersAreEachStoredOnce() throws {
        let ws = TestWorkspace(settleMilliseconds: 100)
        let daemon = try DaemonProcess(["run", "--config", ws.configPath])
        #expect(daemon.waitForLine { $0.contains("event=started") } != nil)

        // Written slowly in chunks: the pauses exceed the settle time, but inotify knows the
        // file is still open, so it is read only once closed.
        let text = try String(contentsOfFile: seeds[0], encoding: .utf8)
        #expect(FileManager.default.createFile(atPath: ws.inbox + "/slow.txt", contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: ws.inbox + "/slow.txt"))
        let chunks = Array(text.utf8).chunked(into: 700)
        for chunk in chunks {
            handle.write(Data(chunk))
            usleep(250_000)  // the slow writer under test, not synchronisation
        }
        try handle.close()

        // Moved in whole.
        let staging = ws.directory.path + "/staging"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: seeds[1], toPath: staging + "/moved.txt")
        try FileManager.default.moveItem(atPath: staging + "/moved.txt", toPath: ws.inbox + "/moved.txt")
        // A folder copied in.
        try FileManager.default.createDirectory(atPath: staging + "/folder", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: seeds[2], toPath: staging + "/folder/a.txt")
        try FileManager.default.copyItem(atPath: seeds[3], toPath: staging + "/folder/b.txt")
        try FileManager.default.copyItem(atPath: staging + "/folder", toPath: ws.inbox + "/folder")

        #expect(daemon.waitForCount("event=stored", count: 4))
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
        let stored = daemon.log.filter { $0.contains("event=stored") }
        #expect(stored.count == 4)
        #expect(!daemon.log.contains { $0.contains("event=duplicate") || $0.contains("event=failed") })
        #expect(stored.contains { $0.contains("origin=slow.txt") })
        let slowArticle = try #require(ws.directory.articleFiles(under: "archive").first { $0.contains("2020/01/26") })
        let body = try String(contentsOfFile: ws.archive + "/" + slowArticle, encoding: .utf8)
        #expect(body.contains("by bringing nothing to the negotiation table"))
        #expect(ws.directory.files(under: "inbox/processed").count == 4)
    }

    @Test func reloadAppliesAValidConfigAndRejectsABadOne() throws {
        let ws = TestWorkspace()
        let daemon = try DaemonProcess(["run", "--config", ws.configPath])
        #expect(daemon.waitForLine { $0.contains("event=started") } != nil)

        // A broken config is rejected; the daemon keeps running on the old one.
        let original = try String(contentsOfFile: ws.configPath, encoding: .utf8)
        try (original + "\n[bogus]\n").write(toFile: ws.configPath, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(daemon.waitForLine { $0.contains("event=reload.rejected") && $0.contains("bogus") } != nil)
        try FileManager.default.copyItem(atPath: seeds[0], toPath: ws.inbox + "/a.txt")
        #expect(daemon.waitForLine { $0.contains("event=stored") && $0.contains("origin=a.txt") } != nil)

        #expect(daemon.waitForLine { $0.contains("event=inbox.moved file=a.txt") } != nil)  // debug level

        // A valid change takes effect without a restart: a tiny size limit now fails files,
        // and the log level drops to notice for every part of the daemon. A dedupe threshold
        // cannot change under a running index: the log says it waits for a restart.
        try (original.replacingOccurrences(of: "[inbox]", with: "[inbox]\nmax_file_bytes = 100")
            .replacingOccurrences(of: "level = \"debug\"", with: "level = \"notice\"") + "\n[dedupe]\njaccard = 0.8\n")
            .write(toFile: ws.configPath, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        let reloaded = daemon.waitForLine { $0.contains("event=reloaded") }
        #expect(reloaded != nil)
        #expect(daemon.log.contains { $0.contains("event=reload.restart_needed") && $0.contains("section=dedupe") })
        #expect(!daemon.log.contains { $0.contains("event=reload.restart_needed") && $0.contains("section=fetch") })
        try FileManager.default.copyItem(atPath: seeds[1], toPath: ws.inbox + "/b.txt")
        #expect(daemon.waitForLine { $0.contains("event=failed") && $0.contains("origin=b.txt") && $0.contains("over inbox.max_file_bytes") } != nil)
        #expect(!daemon.log.dropFirst(reloaded ?? 0).contains { $0.contains("event=inbox.moved") })  // info, now hidden

        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
    }

    @Test func reloadAddsAFeedThatIsThenPolled() throws {
        let routes = Routes()
        let server = try LoopbackHTTPServer(handler: routes.handler)
        defer { server.stop() }
        FeedFixtures.serveFeed(routes, base: server.baseURL, path: "/feed.xml", count: 3, seed: 41)
        let ws = TestWorkspace()
        let daemon = try DaemonProcess(["run", "--config", ws.configPath])
        #expect(daemon.waitForLine { $0.contains("event=started") && $0.contains("feeds=0") } != nil)
        #expect(server.log.isEmpty)
        let original = try String(contentsOfFile: ws.configPath, encoding: .utf8)
        try (original + "\n[[feeds]]\nurl = \"\(server.baseURL)/feed.xml\"\n")
            .write(toFile: ws.configPath, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(daemon.waitForLine { $0.contains("event=feed.polled") && $0.contains("/feed.xml") } != nil)
        #expect(daemon.waitForCount("event=stored", count: 3))
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
        #expect(ws.directory.articleFiles(under: "archive").count == 3)
    }

    @Test func pollingModeAndSymlinksAndJournalFormat() throws {
        let ws = TestWorkspace(inboxMode: "poll", settleMilliseconds: 100)
        try FileManager.default.createDirectory(atPath: ws.inbox, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: ws.inbox + "/link.txt", withDestinationPath: seeds[0])
        // Already there at start-up.
        try FileManager.default.copyItem(atPath: seeds[1], toPath: ws.inbox + "/early.txt")
        let daemon = try DaemonProcess(["run", "--config", ws.configPath], environment: ["JOURNAL_STREAM": "8:1234"])
        #expect(daemon.waitForLine { $0.contains("event=stored") && $0.contains("origin=early.txt") } != nil)
        #expect(daemon.waitForLine { $0.contains("event=failed") && $0.contains("symbolic links are not followed") } != nil)
        try FileManager.default.copyItem(atPath: seeds[2], toPath: ws.inbox + "/late.txt")
        #expect(daemon.waitForLine { $0.contains("event=stored") && $0.contains("origin=late.txt") } != nil)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
        // Under systemd: <N> priority prefixes, no timestamps.
        let stored = try #require(daemon.log.first { $0.contains("event=stored") })
        #expect(stored.hasPrefix("<6>event=stored "))
        let failed = try #require(daemon.log.first { $0.contains("event=failed") })
        #expect(failed.hasPrefix("<4>"))
        #expect(FileManager.default.fileExists(atPath: ws.inbox + "/failed/link.txt.error.txt"))
        // The symlink's target was never touched.
        #expect(FileManager.default.fileExists(atPath: seeds[0]))
    }

    @Test func statusCommandAndMetricsFile() throws {
        let ws = TestWorkspace()
        let daemon = try DaemonProcess(["run", "--config", ws.configPath])
        #expect(daemon.waitForLine { $0.contains("event=started") } != nil)
        try FileManager.default.copyItem(atPath: seeds[0], toPath: ws.inbox + "/a.txt")
        ws.directory.write("inbox/broken.txt", "")
        #expect(daemon.waitForLine { $0.contains("event=stored") } != nil)
        #expect(daemon.waitForLine { $0.contains("event=failed") } != nil)
        let running = try WinnowBinary.run(["status", "--config", ws.configPath])
        #expect(running.status == 0)
        #expect(running.stdout.contains("daemon     running (pid \(daemon.process.processIdentifier)"))
        #expect(running.stdout.contains("total      1 stored, 0 duplicates, 1 failed"))
        #expect(running.stdout.contains("archive    1 files"))
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
        let stopped = try WinnowBinary.run(["status", "--config", ws.configPath])
        #expect(stopped.stdout.contains("daemon     not running"))
        let metrics = try String(contentsOfFile: ws.state + "/winnow.prom", encoding: .utf8)
        #expect(metrics.contains("winnow_articles_stored_total 1\n"))
        #expect(metrics.contains("winnow_failures_total 1\n"))
        #expect(metrics.contains("winnow_processing_seconds_bucket{le=\"+Inf\"} 2\n"))
        #expect(metrics.contains("winnow_processing_seconds_count 2\n"))
    }

    @Test func systemdUnitVerifies() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") else { return }
        let dir = TemporaryDirectory()
        // verify resolves ExecStart; point it at the built binary in a copy of the unit.
        let unit = try String(contentsOfFile: TestWorkspace.repositoryRoot + "/systemd/winnow.service", encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/winnow", with: WinnowBinary.path)
        let path = dir.write("winnow.service", unit)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
        p.arguments = ["verify", path]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = Pipe()
        try p.run()
        let output = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        // Without a running systemd (containers, CI) verify can only warn about the manager.
        let problems = output.split(separator: "\n").filter { line in
            line.contains("winnow.service") && !line.contains("Failed to connect") && !line.contains("System has not been booted")
        }
        #expect(problems.isEmpty, "\(output)")
    }
}

extension Array {
    func chunked(into size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}

/// A short run of `scripts/crash-test` (the full one drops 2,000 files and kills 20 times).
@Suite struct CrashSafetyTests {
    @Test func killNineAtRandomMomentsLosesAndDuplicatesNothing() throws {
        let script = TestWorkspace.repositoryRoot + "/scripts/crash-test"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script, "--files", "200", "--kills", "6", "--bin", WinnowBinary.path, "--seed", "3"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(text)")
        #expect(text.contains("ok: every input accounted for exactly once"))
    }
}
