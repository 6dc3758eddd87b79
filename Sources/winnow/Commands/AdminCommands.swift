import Archive
import ArgumentParser
import Dedupe
import Foundation
import Pipeline
import WinnowCore

struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the config; print every problem with its line and exit 2 if there are any.")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        do {
            let config = try Config.load(path: options.configPath)
            print("\(options.configPath): ok (archive=\(config.paths.archive) inbox=\(config.paths.inbox) state=\(config.paths.state) feeds=\(config.feeds.count))")
        } catch {
            printError(error.description)
            throw ExitCode(2)
        }
    }
}

struct ReindexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reindex",
        abstract: "Rebuild the SQLite index from the archive alone (article files and the duplicate/failure ledger).",
        discussion: """
            A damaged index is moved aside as index.sqlite.corrupt-<time> first. Refused while another \
            winnow (the daemon) is the writer. With --check, only compare, read-only: SQLite's integrity \
            check, then every article file against its row and its search text, and the ledger against the \
            index; exit 0 when they match, 1 otherwise.
            """)

    @OptionGroup var options: GlobalOptions

    @Flag(help: "Report differences between index and archive without changing anything.")
    var check = false

    func run() throws {
        let (config, _) = try options.load(quiet: check)
        if check { return try runCheck(config) }
        let lock = try takeWriterLock(config)
        defer { withExtendedLifetime(lock) {} }
        let (index, movedAside) = try ArchiveIndex.openForRebuild(config)
        if let movedAside { printError("winnow: the index was damaged; moved it aside as \(movedAside)") }
        let store = ArchiveStore(root: config.paths.archive)
        let progress = Progress(label: "reindex")
        let shingleWords = config.dedupe.shingleWords
        let result = try ArchiveSync(store: store, index: index).rebuild(
            signature: { ArchiveDedupe.signatureBytes($0, shingleWords: shingleWords) }, progress: progress.update)
        progress.finish()
        try index.setMeta(ArchiveDedupe.schemeKey, Dedupe.signatureScheme(shingleWords: shingleWords))
        for problem in result.unreadable { printError("winnow: skipped \(problem)") }
        print("indexed \(result.indexed) articles (searchable), \(result.duplicates) duplicate records, \(result.failures) failure records")
    }

    private func runCheck(_ config: Config) throws {
        let store = ArchiveStore(root: config.paths.archive)
        guard let index = try ArchiveIndex.openForReading(config) else {
            let files = store.allArticlePaths(removeTemporaries: false).count
            print(files == 0 ? "index matches archive (both empty)" : "no index at \(ArchiveIndex.file(in: config.paths.state)); \(files) article files")
            if files > 0 { throw ExitCode(1) }
            return
        }
        if let problem = index.integrityProblems() {
            print("index is damaged: \(problem)")
            print("index differs from archive (run `winnow reindex` to rebuild it)")
            throw ExitCode(1)
        }
        let report = try ArchiveSync(store: store, index: index).compareContent()
        for path in report.missingFromIndex { print("not indexed: \(path)") }
        for path in report.missingFromArchive { print("file missing: \(path)") }
        for change in report.changed { print("changed: \(change)") }
        for problem in report.searchDiffers { print("search index: \(problem)") }
        if report.searchUnfilled { print("search index: not filled yet (the writer fills it at start)") }
        if report.ledgerDuplicates != report.indexedDuplicates {
            print("duplicate records: \(report.ledgerDuplicates) in the archive's ledger, \(report.indexedDuplicates) in the index")
        }
        if report.ledgerFailures != report.indexedFailures {
            print("failure records: \(report.ledgerFailures) in the archive's ledger, \(report.indexedFailures) in the index")
        }
        print(report.isClean ? "index matches archive" : "index differs from archive")
        if !report.isClean { throw ExitCode(1) }
    }
}

/// Takes the writer lock for a command that changes the index or archive; another writer
/// (the daemon, say) makes it exit 1 with the holder's pid.
func takeWriterLock(_ config: Config) throws -> WriterLock {
    do {
        return try WriterLock.acquire(stateDirectory: config.paths.state)
    } catch {
        printError("winnow: \(error)")
        throw ExitCode(1)
    }
}

/// A progress line on standard error, only when it is a terminal.
final class Progress {
    let label: String
    let enabled = isatty(2) == 1
    private var last = 0.0

    init(label: String) { self.label = label }

    func update(_ done: Int, _ total: Int) {
        guard enabled else { return }
        let now = Date().timeIntervalSince1970
        guard done == total || now - last >= 0.1 else { return }
        last = now
        FileHandle.standardError.write(Data("\r\(label) \(done)/\(total)".utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")

    @OptionGroup var options: GlobalOptions

    func run() {
        print("winnow \(WinnowVersion.string)")
    }
}
