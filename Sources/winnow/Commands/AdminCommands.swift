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
        abstract: "Rebuild the SQLite index from the archive files alone.",
        discussion: "With --check, only compare: exit 0 when the index matches the archive, 1 otherwise.")

    @OptionGroup var options: GlobalOptions

    @Flag(help: "Report differences between index and archive without changing anything.")
    var check = false

    func run() throws {
        let (config, _) = try options.load()
        let store = ArchiveStore(root: config.paths.archive)
        let index = try ArchiveIndex(stateDirectory: config.paths.state)
        let sync = ArchiveSync(store: store, index: index)
        if check {
            let report = try sync.compare()
            for path in report.missingFromIndex { print("not indexed: \(path)") }
            for path in report.missingFromArchive { print("file missing: \(path)") }
            print(report.isClean ? "index matches archive" : "index differs from archive")
            if !report.isClean { throw ExitCode(1) }
            return
        }
        let tty = isatty(2) == 1
        let shingleWords = config.dedupe.shingleWords
        let result = try sync.rebuild(signature: { ArchiveDedupe.signatureBytes($0, shingleWords: shingleWords) }, progress: { done, total in
            if tty, done == total || done % 100 == 0 { FileHandle.standardError.write(Data("\rreindex \(done)/\(total)".utf8)) }
        })
        if tty { FileHandle.standardError.write(Data("\n".utf8)) }
        try index.setMeta(ArchiveDedupe.schemeKey, Dedupe.signatureScheme(shingleWords: shingleWords))
        for problem in result.unreadable { printError("winnow: skipped \(problem)") }
        print("indexed \(result.indexed) articles")
    }
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")

    @OptionGroup var options: GlobalOptions

    func run() {
        print("winnow \(WinnowVersion.string)")
    }
}
