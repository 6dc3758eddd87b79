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

    @Option(help: "How many articles to list.")
    var limit = 10

    @Argument(help: "A file (.html, .htm, .txt).")
    var file: String

    func run() throws {
        let (config, logger) = try options.load()
        guard let kind = InputKind(fileName: file) else {
            printError("winnow: \(file): unsupported file type; expected .html, .htm or .txt")
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
        guard let index = try ArchiveIndex.openForReading(stateDirectory: config.paths.state) else { return }
        let store = ArchiveStore(root: config.paths.archive)
        var quiet = logger
        quiet.logLevel = .warning
        let dedupe = try ArchiveDedupe(parameters: config.dedupe.parameters, store: store, index: index,
                                       today: DayNumber.of(secondsSince1970: Date().timeIntervalSince1970), logger: quiet)
        let detector = dedupe.detector
        let fp = dedupe.fingerprint(article)
        let all = Array(0..<detector.index.count)
        let verify = max(limit * 2, 20)
        // Verify the best estimates exactly, whatever the thresholds.
        let saved = (detector.verifyJaccardFrom, detector.verifyContainmentFrom)
        detector.verifyJaccardFrom = 0
        detector.verifyContainmentFrom = 0
        let ranked = detector.compareCandidates(fp, candidates: all, verify: verify, keepAll: true)
        detector.verifyJaccardFrom = saved.0
        detector.verifyContainmentFrom = saved.1
        for c in ranked.prefix(limit) {
            let id = dedupe.id(for: c.key)
            let row = try index.article(id: id)
            var line = JSONLine()
            line.add("id", id)
            line.add("path", row?.path)
            line.add("title", row?.title)
            line.add("jaccard", (c.jaccard * 1000).rounded() / 1000)
            line.add("containment", (c.containment * 1000).rounded() / 1000)
            line.add("estimated_jaccard", (c.estimatedJaccard * 1000).rounded() / 1000)
            line.add("exact", c.exact ? "true" : "false")
            line.add("duplicate", detector.isDuplicate(c) ? "true" : "false")
            print(line.string)
        }
    }
}
