import Foundation
import Testing
import WinnowTestSupport

/// The batched, parallel pipeline decides as the serial one did: in input order.
@Suite struct PipelineEndToEndTests {
    var seeds: [String] { TestWorkspace.seedPaths }

    /// The archive's files with the `ingested:` line (the only time-dependent part) removed.
    func snapshot(_ ws: TestWorkspace) throws -> [String: String] {
        var out: [String: String] = [:]
        for path in ws.directory.files(under: "archive") where path.hasSuffix(".md") {
            let text = try String(contentsOfFile: ws.archive + "/" + path, encoding: .utf8)
            out[path] = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("ingested: ") }.joined(separator: "\n")
        }
        return out
    }

    @Test func theWorkerCountDoesNotChangeTheArchive() throws {
        let staging = TemporaryDirectory()
        // Distinct articles, near copies (a paragraph added), seeds and exact copies of two.
        var inputs: [String] = []
        for i in 0..<40 {
            let paragraphs = GeneratedText.article(seed: UInt64(i % 25), paragraphs: 6)
            let edited = i < 25 ? paragraphs : paragraphs + ["A closing line added by another outlet about the same talks."]
            inputs.append(staging.write("in/\(String(format: "%02d", i)).txt", (["Report \(i % 25)", ""] + edited).joined(separator: "\n\n")))
        }
        inputs += seeds + seeds.prefix(2)
        var results: [[String]] = []
        var archives: [[String: String]] = []
        for workers in [1, 4] {
            let ws = TestWorkspace(extra: "[pipeline]\nworkers = \(workers)\nbatch_size = 16\n")
            let out = try WinnowBinary.run(["ingest", "--config", ws.configPath] + inputs)
            #expect(out.status == 0, "\(out.stderr)")
            // Status, duplicate_of and path per input, in input order.
            results.append(out.lines.map { line in
                let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
                return ["status", "duplicate_of", "path", "id"].map { "\(object[$0] ?? "-")" }.joined(separator: " ")
            })
            archives.append(try snapshot(ws))
        }
        #expect(results[0].count == inputs.count)
        #expect(results[0] == results[1])
        #expect(archives[0] == archives[1])
        #expect(results[0].filter { $0.hasPrefix("duplicate") }.count >= 17)
    }
}
