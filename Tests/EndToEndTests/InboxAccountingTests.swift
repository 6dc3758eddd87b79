import Foundation
import Testing
import WinnowTestSupport

/// Issue 12, items 5–9: every inbox entry is accounted for, and none blocks the others.
@Suite struct InboxAccountingTests {
    var seeds: [String] { TestWorkspace.seedPaths }

    /// Item 5: a failing file whose name leaves no room for `.error.txt` (or a temp name).
    @Test func longNamedFailureDoesNotBlockTheInbox() throws {
        let ws = TestWorkspace(settleMilliseconds: 50)
        let long = String(repeating: "n", count: 240) + ".pdf"
        ws.directory.write("inbox/" + long, "%PDF-1.4 not a page")
        try FileManager.default.copyItem(atPath: seeds[0], toPath: ws.inbox + "/good.txt")
        let once = try WinnowBinary.run(["once", "--config", ws.configPath])
        #expect(once.status == 0, "\(once.stderr)")
        #expect(once.stderr.contains("event=stored") && once.stderr.contains("origin=good.txt"))
        let failed = ws.directory.files(under: "inbox/failed")
        #expect(failed.contains(long))
        let errorFile = try #require(failed.first { $0.hasSuffix(".error.txt") })
        #expect(errorFile.utf8.count <= 255)
        let reason = try String(contentsOfFile: ws.inbox + "/failed/" + errorFile, encoding: .utf8)
        #expect(reason.hasPrefix(long + ": unsupported file type '.pdf'"))

        // The daemon: the same kind of file fails once, is not retried, and the queue goes on.
        let daemon = try DaemonProcess(["run", "--config", ws.configPath])
        #expect(daemon.waitForLine { $0.contains("event=started") } != nil)
        let longer = String(repeating: "m", count: 250) + ".pdf"
        ws.directory.write("inbox/" + longer, "%PDF-1.4 not a page")
        try FileManager.default.copyItem(atPath: seeds[1], toPath: ws.inbox + "/later.txt")
        #expect(daemon.waitForLine { $0.contains("event=stored") && $0.contains("origin=later.txt") } != nil)
        #expect(daemon.waitForLine { $0.contains("event=failed") && $0.contains("origin=mmmm") } != nil)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
        #expect(daemon.log.filter { $0.contains("event=failed") }.count == 1)
        let status = try WinnowBinary.run(["status", "--config", ws.configPath])
        #expect(status.stdout.contains("total      2 stored, 0 duplicates, 2 failed"), "\(status.stdout)")
        #expect(status.stdout.contains("inbox      0 waiting"))
        #expect(ws.directory.files(under: "inbox/failed").filter { $0.hasSuffix(".error.txt") }.count == 2)
    }

    /// Item 5: an error on one input (here: `failed/` is not a folder, so its reason cannot
    /// be written) sets that input aside; later inputs proceed and `once` finishes.
    @Test func anErrorOnOneInputDoesNotStopTheQueue() throws {
        let ws = TestWorkspace(settleMilliseconds: 50)
        ws.directory.write("inbox/failed", "a file where the failed/ folder should be")
        ws.directory.write("inbox/a-bad.pdf", "%PDF-1.4")
        try FileManager.default.copyItem(atPath: seeds[0], toPath: ws.inbox + "/b-good.txt")
        let once = try WinnowBinary.run(["once", "--config", ws.configPath])
        #expect(once.status == 0, "\(once.stderr)")
        #expect(once.stderr.contains("event=inbox.set_aside file=a-bad.pdf"))
        #expect(once.stderr.contains("event=stored") && once.stderr.contains("origin=b-good.txt"))
        #expect(once.stderr.contains("cannot_process=1"))
    }

    /// Item 6: a FIFO, a device, a name that is not UTF-8 and a path over PATH_MAX.
    @Test func specialFilesBadNamesAndDeepPathsAreAccountedFor() throws {
        let ws = TestWorkspace(settleMilliseconds: 50)
        try FileManager.default.createDirectory(atPath: ws.inbox, withIntermediateDirectories: true)
        #expect(mkfifo(ws.inbox + "/pipe.txt", 0o644) == 0)
        let device = mknod(ws.inbox + "/null.txt", S_IFCHR | 0o644, 1 << 8 | 3) == 0  // /dev/null's numbers; needs CAP_MKNOD
        let latin1: [UInt8] = Array("latin1-".utf8) + [0xE9, 0x74, 0xE9] + Array(".txt".utf8)
        let fd = (Array(ws.inbox.utf8) + [0x2F] + latin1 + [0]).withUnsafeBufferPointer {
            $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT, 0o644) }
        }
        #expect(fd >= 0)
        _ = Array(try String(contentsOfFile: seeds[0], encoding: .utf8).utf8).withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
        close(fd)
        let deep = DeepPath(under: ws.inbox, file: "deep.txt")
        defer { deep.remove() }

        let once = try WinnowBinary.run(["once", "--config", ws.configPath])
        #expect(once.status == 0, "\(once.stderr)")
        let failed = ws.directory.files(under: "inbox/failed")
        #expect(failed.contains("pipe.txt"))
        let pipeReason = try String(contentsOfFile: ws.inbox + "/failed/pipe.txt.error.txt", encoding: .utf8)
        #expect(pipeReason.contains("is a FIFO (named pipe), not a regular file"))
        if device {
            let deviceReason = try String(contentsOfFile: ws.inbox + "/failed/null.txt.error.txt", encoding: .utf8)
            #expect(deviceReason.contains("is a character device"))
        }
        let latinReason = try String(contentsOfFile: ws.inbox + "/failed/latin1-\\351t\\351.txt.error.txt", encoding: .utf8)
        #expect(latinReason.contains("file name is not valid UTF-8"))
        #expect(once.stderr.split(separator: "\n").filter { $0.contains("event=inbox.cannot_process") && $0.contains("PATH_MAX") }.count == 1)

        let status = try WinnowBinary.run(["status", "--config", ws.configPath])
        #expect(status.stdout.contains("inbox      0 waiting, 1 cannot be processed"), "\(status.stdout)")

        // The daemon reports it once, however often it drains.
        let daemon = try DaemonProcess(["run", "--config", ws.configPath])
        #expect(daemon.waitForLine { $0.contains("event=inbox.cannot_process") && $0.contains("PATH_MAX") } != nil)
        try FileManager.default.copyItem(atPath: seeds[1], toPath: ws.inbox + "/a.txt")
        #expect(daemon.waitForLine { $0.contains("event=stored") && $0.contains("origin=a.txt") } != nil)
        try FileManager.default.copyItem(atPath: seeds[2], toPath: ws.inbox + "/b.txt")
        #expect(daemon.waitForLine { $0.contains("event=stored") && $0.contains("origin=b.txt") } != nil)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
        #expect(daemon.log.filter { $0.contains("event=inbox.cannot_process") }.count == 1)
    }

    /// `winnow ingest` on a FIFO refuses it instead of waiting for a writer.
    @Test func ingestRefusesAFifoWithoutBlocking() throws {
        let ws = TestWorkspace()
        let fifo = ws.directory.path + "/pipe.txt"
        #expect(mkfifo(fifo, 0o644) == 0)
        let out = try WinnowBinary.run(["ingest", "--config", ws.configPath, fifo])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("\"status\":\"failed\""))
        #expect(out.stdout.contains("not a regular file"))
    }

    /// Item 7: a writer that reopens the file to append each paragraph makes one article.
    @Test func appendingByReopeningMakesOneArticle() throws {
        let ws = TestWorkspace(settleMilliseconds: 1500)
        let daemon = try DaemonProcess(["run", "--config", ws.configPath])
        #expect(daemon.waitForLine { $0.contains("event=started") } != nil)
        let paragraphs = try String(contentsOfFile: seeds[2], encoding: .utf8).split(separator: "\n").filter { !$0.isEmpty }.prefix(8)
        for paragraph in paragraphs {
            // Open, append one paragraph, close: as a logger or a script appending with `>>`.
            let fd = open(ws.inbox + "/report.txt", O_WRONLY | O_CREAT | O_APPEND, 0o644)
            #expect(fd >= 0)
            let bytes = Array((paragraph + "\n\n").utf8)
            #expect(write(fd, bytes, bytes.count) == bytes.count)
            close(fd)
            usleep(500_000)  // the writer under test, not synchronisation
        }
        #expect(daemon.waitForLine(timeout: 20) { $0.contains("event=stored") && $0.contains("origin=report.txt") } != nil)
        #expect(daemon.waitForLine { $0.contains("event=inbox.moved file=report.txt") } != nil)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
        #expect(daemon.log.filter { $0.contains("event=stored") || $0.contains("event=duplicate") }.count == 1)
        let article = try #require(ws.directory.files(under: "archive").first)
        let body = try String(contentsOfFile: ws.archive + "/" + article, encoding: .utf8)
        #expect(body.contains("has been trying to make sure Ukraine"))
    }

    /// Item 8: a hard link to a complete file arrives whole.
    @Test func hardLinkToACompleteFileIsTakenAtOnce() throws {
        let ws = TestWorkspace(settleMilliseconds: 100)
        let daemon = try DaemonProcess(["run", "--config", ws.configPath])
        #expect(daemon.waitForLine { $0.contains("event=started") } != nil)
        let staged = ws.directory.path + "/complete.txt"
        try FileManager.default.copyItem(atPath: seeds[0], toPath: staged)
        #expect(link(staged, ws.inbox + "/linked.txt") == 0)
        // Well under the 60 s a file still being written is given.
        #expect(daemon.waitForLine(timeout: 10) { $0.contains("event=stored") && $0.contains("origin=linked.txt") } != nil)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
    }

    /// Item 9: an unwritable archive is logged at every retry, shown in STATUS= and
    /// `winnow status`, and the daemon resumes by itself once it is fixed.
    @Test func unwritableArchiveIsReportedAtEveryRetryAndResumes() throws {
        let ws = TestWorkspace(settleMilliseconds: 50)
        let listener = NotifyListener(directory: ws.directory.path)
        let daemon = try DaemonProcess(["run", "--config", ws.configPath], environment: ["NOTIFY_SOCKET": listener.path])
        #expect(listener.receive(until: { $0.contains("READY=1") }).last?.contains("READY=1") == true)
        // seeds[0] is filed under 2020/01/26: a file where that folder must go blocks it.
        let blocker = ws.directory.write("archive/2020", "not a folder")
        try FileManager.default.copyItem(atPath: seeds[0], toPath: ws.inbox + "/a.txt")
        #expect(daemon.waitForCount("event=archive.unwritable", count: 2, timeout: 15))
        let status = listener.receive(until: { $0.contains("STATUS=archive unwritable") }, timeout: 10)
        #expect(status.last?.contains("inbox backlog 1") == true, "\(status)")
        let cli = try WinnowBinary.run(["status", "--config", ws.configPath])
        #expect(cli.stdout.contains("archive unwritable, retrying: "), "\(cli.stdout)")
        #expect(cli.stdout.contains("inbox      1 waiting"))

        try FileManager.default.removeItem(atPath: blocker)
        #expect(daemon.waitForLine(timeout: 20) { $0.contains("event=stored") && $0.contains("origin=a.txt") } != nil)
        #expect(daemon.waitForLine { $0.contains("event=archive.recovered") } != nil)
        #expect(listener.receive(until: { $0.hasPrefix("STATUS=stored 1") }, timeout: 10).last?.hasPrefix("STATUS=stored 1") == true)
        let after = try WinnowBinary.run(["status", "--config", ws.configPath])
        #expect(!after.stdout.contains("archive unwritable"))
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
    }
}

/// A folder chain deeper than PATH_MAX with a file at the bottom, made and removed with
/// `*at` calls (path-based calls cannot reach it).
struct DeepPath {
    let top: String
    let component = String(repeating: "d", count: 250)
    let levels = 17  // 17 × 251 bytes > 4096

    init(under directory: String, file: String) {
        top = directory
        var fd = open(directory, O_RDONLY | O_DIRECTORY)
        for _ in 0..<levels {
            mkdirat(fd, component, 0o755)
            let next = openat(fd, component, O_RDONLY | O_DIRECTORY)
            close(fd)
            fd = next
        }
        let file = openat(fd, file, O_WRONLY | O_CREAT, 0o644)
        _ = "A paragraph nobody can reach.\n".withCString { write(file, $0, strlen($0)) }
        close(file)
        close(fd)
    }

    func remove() {
        func removeTree(_ fd: Int32, depth: Int) {
            guard depth < levels else { return }
            let child = openat(fd, component, O_RDONLY | O_DIRECTORY)
            guard child >= 0 else { return }
            removeTree(child, depth: depth + 1)
            unlinkat(child, "deep.txt", 0)
            close(child)
            unlinkat(fd, component, AT_REMOVEDIR)
        }
        let fd = open(top, O_RDONLY | O_DIRECTORY)
        removeTree(fd, depth: 0)
        close(fd)
    }
}
