import Foundation
import Testing
import WinnowTestSupport

/// A daemon draining a large backlog stops promptly on SIGTERM, and every input is either
/// processed whole (stored or duplicate, moved, indexed) or left untouched in the inbox.
@Suite struct DaemonBacklogTests {
    /// Distinct generated clippings: sentences of pseudo-words drawn per file, so none is a
    /// near-duplicate of another.
    static func clipping(_ n: Int) -> String {
        var state = UInt64(n + 1) &* 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        let syllables = ["ka", "lo", "mi", "ren", "tas", "vo", "qui", "ber", "sol", "den", "ma", "rit", "gon", "pe", "lu", "zar"]
        func word() -> String { (0..<(2 + Int(next() % 3))).map { _ in syllables[Int(next() % 16)] }.joined() }
        var text = "Backlog report number \(n) " + word().capitalized + "\n\n"
        for _ in 0..<5 {
            var paragraph: [String] = []
            for _ in 0..<5 {
                let words = (0..<(8 + Int(next() % 8))).map { _ in word() }
                paragraph.append(words.joined(separator: " ").capitalized(firstOnly: true) + ".")
            }
            text += paragraph.joined(separator: " ") + "\n\n"
        }
        return text
    }

    @Test func sigtermDuringABacklogStopsPromptlyAndLeavesNothingHalfDone() throws {
        let ws = TestWorkspace(extra: "[pipeline]\nbatch_size = 16\n")
        let count = 400
        for i in 0..<count {
            _ = ws.directory.write("inbox/backlog-\(String(format: "%04d", i)).txt", Self.clipping(i))
        }
        let daemon = try DaemonProcess(["run", "--config", ws.configPath])
        #expect(daemon.waitForLine { $0.contains("event=started") } != nil)
        // Mid-drain: some batches committed, most of the backlog still waiting.
        #expect(daemon.waitForCount("event=stored", count: 40, timeout: 60))
        let signalled = Date()
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 10) == 0)
        let stopSeconds = Date().timeIntervalSince(signalled)
        #expect(stopSeconds < 5, "stopped \(stopSeconds) s after SIGTERM")
        #expect(daemon.log.contains { $0.contains("event=stopped") })

        // Every input once: moved after being stored, or still in the inbox untouched.
        let processed = ws.directory.files(under: "inbox/processed").filter { $0.hasSuffix(".txt") }
        let waiting = (try FileManager.default.contentsOfDirectory(atPath: ws.inbox)).filter { $0.hasPrefix("backlog-") }
        #expect(ws.directory.files(under: "inbox/failed").isEmpty)
        #expect(processed.count + waiting.count == count)
        #expect(!waiting.isEmpty, "the whole backlog finished before the signal: the test proves nothing")
        let stored = daemon.log.filter { $0.contains("event=stored") }.count
        #expect(stored == processed.count)
        #expect(ws.directory.articleFiles(under: "archive").count == processed.count)
        let leftovers = ws.directory.files(under: "archive").filter { $0.contains(".tmp") || ($0 as NSString).lastPathComponent.hasPrefix(".") }
        #expect(leftovers.isEmpty, "\(leftovers)")
        let check = try WinnowBinary.run(["reindex", "--check", "--config", ws.configPath])
        #expect(check.status == 0, "\(check.stdout)")

        // The rest is taken up by the next run, each once.
        let rest = try WinnowBinary.run(["once", "--config", ws.configPath])
        #expect(rest.status == 0, "\(rest.stderr)")
        #expect(ws.directory.files(under: "inbox/processed").filter { $0.hasSuffix(".txt") }.count == count)
        #expect(ws.directory.articleFiles(under: "archive").count == count)
    }
}

extension String {
    fileprivate func capitalized(firstOnly: Bool) -> String { prefix(1).uppercased() + dropFirst() }
}
