import Archive
import ArgumentParser
import Dedupe
import Extract
import Foundation
import Pipeline
import WinnowCore

struct SimilarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "List the stored articles most similar to a file, with Jaccard and containment.",
        discussion: """
            Prints one JSON line per article, most similar first: {"id","path","title","jaccard",\
            "containment","estimated_jaccard","exact","duplicate"}. Every stored signature is compared \
            (not only LSH candidates); the best are verified exactly against the stored bodies. \
            "containment" is the share of the file's shingles found in the article. Nothing is stored.
            """)

    @OptionGroup var options: GlobalOptions

    @Option(parsing: .unconditional, help: "How many articles to list at most (0 or less: every candidate).")
    var limit = 10

    @Flag(help: "One JSON line per article (the default when standard output is not a terminal).")
    var json = false

    @Argument(help: "A file (.html, .htm, .txt).")
    var file: String

    func run() throws {
        let (config, logger) = try options.load(quiet: true)
        let kind: InputKind
        do { kind = try InputKind.of(fileName: file) } catch {
            printError("winnow: \(file): \(error.message)")
            throw ExitCode(1)
        }
        let bytes: [UInt8]
        do { bytes = try FileOps.read(file, limit: config.inbox.maxFileBytes) } catch {
            printError("winnow: \(error)")
            throw ExitCode(1)
        }
        let article: Article
        do {
            article = try ArticleBuilder(maxFileBytes: config.inbox.maxFileBytes).article(for: IngestInput(bytes: bytes, kind: kind, origin: file))
        } catch {
            printError("winnow: \(file): \(error.message)")
            throw ExitCode(1)
        }
        // A reader: the index is opened read-only, never created, repaired or pruned.
        guard let index = try ArchiveIndex.openForReading(config) else { return }
        let store = ArchiveStore(root: config.paths.archive)
        let dedupe = try ArchiveDedupe(parameters: config.dedupe.parameters, store: store, index: index,
                                       today: DayNumber.of(secondsSince1970: Date().timeIntervalSince1970), logger: logger)
        let detector = dedupe.detector
        let fp = dedupe.fingerprint(article)
        let all = Array(0..<detector.index.count)
        let limit = self.limit > 0 ? self.limit : Int.max
        let verify = limit == Int.max ? all.count : max(limit * 2, 20)
        // Verify the best estimates exactly, whatever the thresholds.
        let saved = (detector.verifyJaccardFrom, detector.verifyContainmentFrom)
        detector.verifyJaccardFrom = 0
        detector.verifyContainmentFrom = 0
        let ranked = detector.compareCandidates(fp, candidates: all, verify: verify, keepAll: true)
        detector.verifyJaccardFrom = saved.0
        detector.verifyContainmentFrom = saved.1
        // Only real candidates: an article sharing no shingle is not "similar" at any rank.
        var rows: [[String]] = []
        for c in ranked where c.jaccard > 0 || c.containment > 0 {
            if rows.count >= limit { break }
            let id = dedupe.id(for: c.key)
            let row = try index.article(id: id)
            let duplicate = detector.isDuplicate(c)
            if json || isatty(1) == 0 {
                var line = JSONLine()
                line.add("id", id)
                line.add("path", row?.path)
                line.add("title", row?.title)
                line.add("jaccard", (c.jaccard * 1000).rounded() / 1000)
                line.add("containment", (c.containment * 1000).rounded() / 1000)
                line.add("estimated_jaccard", (c.estimatedJaccard * 1000).rounded() / 1000)
                line.add("exact", c.exact)
                line.add("duplicate", duplicate)
                print(line.string)
            }
            rows.append([String(format: "%.3f", c.jaccard), String(format: "%.3f", c.containment), duplicate ? "yes" : "no",
                         row?.path ?? id, row?.title ?? ""])
        }
        if !(json || isatty(1) == 0) {
            if rows.isEmpty { print("no stored article shares a shingle with \(file)"); return }
            printTable(header: ["JACCARD", "CONTAINMENT", "DUPLICATE", "PATH", "TITLE"], rows: rows)
        }
    }
}
