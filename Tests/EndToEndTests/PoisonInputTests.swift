import Foundation
import Testing
import WinnowTestSupport

/// Issue 12, item 4: a poison input is not retried for ever.
@Suite struct PoisonInputTests {
    var seeds: [String] { TestWorkspace.seedPaths }

    /// Extraction of `stuck.txt` never ends (fault hook); past `max_seconds` it fails with
    /// the reason, the next file is stored and the watchdog keeps pinging.
    @Test func extractionPastTheTimeBudgetFailsAndTheQueueMovesOn() throws {
        let ws = TestWorkspace(extra: "max_seconds = 1", settleMilliseconds: 50)
        let listener = NotifyListener(directory: ws.directory.path)
        let daemon = try DaemonProcess(["run", "--config", ws.configPath], environment: [
            "WINNOW_FAULT_HANG": "stuck.txt", "NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "1000000",
        ])
        #expect(listener.receive(until: { $0.contains("READY=1") }).last?.contains("READY=1") == true)
        try FileManager.default.copyItem(atPath: seeds[0], toPath: ws.inbox + "/stuck.txt")
        try FileManager.default.copyItem(atPath: seeds[1], toPath: ws.inbox + "/next.txt")
        let failed = daemon.waitForLine(timeout: 20) {
            $0.contains("event=failed") && $0.contains("origin=stuck.txt") && $0.contains("inbox.max_seconds")
        }
        #expect(failed != nil)
        #expect(daemon.waitForLine(timeout: 20) { $0.contains("event=stored") && $0.contains("origin=next.txt") } != nil)
        // Still pinging after the runaway extraction was abandoned.
        #expect(listener.receive(until: { $0 == "WATCHDOG=1" }, timeout: 5).last == "WATCHDOG=1")
        #expect(daemon.waitForLine { $0.contains("event=inbox.moved file=stuck.txt") } != nil)
        let reason = try String(contentsOfFile: ws.inbox + "/failed/stuck.txt.error.txt", encoding: .utf8)
        #expect(reason.contains("stuck.txt: processing took longer than 1 s"))
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)

        // `once` moves on too, and exits.
        try FileManager.default.copyItem(atPath: seeds[2], toPath: ws.inbox + "/stuck.txt")
        let once = try WinnowBinary.run(["once", "--config", ws.configPath], environment: ["WINNOW_FAULT_HANG": "stuck.txt"])
        #expect(once.status == 0, "\(once.stderr)")
        #expect(FileManager.default.fileExists(atPath: ws.inbox + "/failed/stuck-2.txt"))
    }

    /// Killed twice while processing the same input: the third start quarantines it.
    @Test func inputInterruptedTwiceIsQuarantinedOnTheThirdStart() throws {
        let ws = TestWorkspace(settleMilliseconds: 50)
        try FileManager.default.createDirectory(atPath: ws.inbox, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: seeds[0], toPath: ws.inbox + "/poison.txt")
        for attempt in 1...2 {
            let daemon = try DaemonProcess(["run", "--config", ws.configPath], environment: ["WINNOW_FAULT_HANG": "poison.txt"])
            let claimed = daemon.waitForLine(timeout: 15) {
                $0.contains("event=inbox.claimed") && $0.contains("file=poison.txt") && $0.contains("attempt=\(attempt)")
            }
            #expect(claimed != nil, "attempt \(attempt): \(daemon.log)")
            daemon.signal(SIGKILL)
            #expect(daemon.waitForExit() != nil)
        }
        let daemon = try DaemonProcess(["run", "--config", ws.configPath], environment: ["WINNOW_FAULT_HANG": "poison.txt"])
        let quarantined = daemon.waitForLine(timeout: 15) {
            $0.contains("event=failed") && $0.contains("origin=poison.txt") && $0.contains("interrupted 2 times while processing")
        }
        #expect(quarantined != nil, "\(daemon.log)")
        // The queue goes on.
        try FileManager.default.copyItem(atPath: seeds[1], toPath: ws.inbox + "/after.txt")
        #expect(daemon.waitForLine(timeout: 15) { $0.contains("event=stored") && $0.contains("origin=after.txt") } != nil)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
        let reason = try String(contentsOfFile: ws.inbox + "/failed/poison.txt.error.txt", encoding: .utf8)
        #expect(reason.contains("interrupted 2 times while processing"))
        #expect(!daemon.log.contains { $0.contains("event=stored") && $0.contains("origin=poison.txt") })
    }

    /// The inputs that shared a batch with the one that kills the process are not punished
    /// for it: after the first kill each runs alone, so only the poison is counted twice.
    @Test func batchMatesOfAPoisonInputAreStoredNotQuarantined() throws {
        let ws = TestWorkspace(settleMilliseconds: 50)
        try FileManager.default.createDirectory(atPath: ws.inbox, withIntermediateDirectories: true)
        // Oldest first: good-1, poison, good-2, good-3 (the inbox's order).
        let files = [("good-1.txt", seeds[1]), ("poison.txt", seeds[0]), ("good-2.txt", seeds[2]), ("good-3.txt", seeds[3])]
        for (n, (name, seed)) in files.enumerated() {
            try FileManager.default.copyItem(atPath: seed, toPath: ws.inbox + "/" + name)
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: Double(n - 100))], ofItemAtPath: ws.inbox + "/" + name)
        }
        func start() throws -> DaemonProcess {
            try DaemonProcess(["run", "--config", ws.configPath], environment: ["WINNOW_FAULT_HANG": "poison.txt"])
        }
        func kill(_ daemon: DaemonProcess, atPoisonAttempt attempt: Int) {
            let claimed = daemon.waitForLine(timeout: 15) {
                $0.contains("event=inbox.claimed") && $0.contains("file=poison.txt") && $0.contains("attempt=\(attempt)")
            }
            #expect(claimed != nil, "attempt \(attempt): \(daemon.log)")
            daemon.signal(SIGKILL)
            #expect(daemon.waitForExit() != nil)
        }
        // First start: the four share a batch, and the poison's hang is killed.
        kill(try start(), atPoisonAttempt: 1)
        // Second: each runs alone; good-1, before the poison, is stored.
        let second = try start()
        #expect(second.waitForLine(timeout: 15) { $0.contains("event=stored") && $0.contains("origin=good-1.txt") } != nil, "\(second.log)")
        kill(second, atPoisonAttempt: 2)
        // Third: the poison is quarantined, the two after it are stored.
        let third = try start()
        #expect(third.waitForLine(timeout: 15) {
            $0.contains("event=failed") && $0.contains("origin=poison.txt") && $0.contains("interrupted 2 times while processing")
        } != nil, "\(third.log)")
        for name in ["good-2.txt", "good-3.txt"] {
            #expect(third.waitForLine(timeout: 15) { $0.contains("event=stored") && $0.contains("origin=\(name)") } != nil, "\(name): \(third.log)")
        }
        third.signal(SIGTERM)
        #expect(third.waitForExit() == 0)
        let failed = try FileManager.default.contentsOfDirectory(atPath: ws.inbox + "/failed")
        #expect(failed.sorted() == ["poison.txt", "poison.txt.error.txt"], "\(failed)")
    }
}
