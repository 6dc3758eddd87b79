import Archive
import ArgumentParser
import Foundation
import WinnowCore

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print a slice of the archive in another format.",
        subcommands: [ExportAtomCommand.self])
}

struct ExportAtomCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "atom",
        abstract: "Print an Atom 1.0 feed of stored articles, newest first (what feed.atom holds, for any slice).",
        discussion: """
            Each entry has the full clean text as content, a rel="alternate" link to the original URL, \
            published/updated, source and author, and one rel="related" link per other publication of the \
            story (recorded duplicates with a URL). Read-only: e.g. winnow export atom --since 2026-01-01 > slice.atom
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: "Only articles dated on or after this day (YYYY-MM-DD or RFC 3339); published date, else ingest date.")
    var since: String?

    @Option(help: "Only articles from this source (case-insensitive).")
    var source: String?

    @Option(parsing: .unconditional, help: "How many articles at most (default: [output] feed_entries; 0 or less: all).")
    var limit: Int?

    func run() throws {
        let (config, _) = try options.load(quiet: true)
        let store = ArchiveStore(root: config.paths.archive)
        let since = try DateBound.parse(since, option: "--since", endOfDay: false)
        guard let index = try ArchiveIndex.openForReading(config) else {
            // No index: an empty but valid feed.
            print(AtomFeed.render([], id: "urn:winnow:feed:" + Hash64.hex(Hash64.hash(store.root))), terminator: "")
            return
        }
        let (text, skipped) = try OutboundFeed(store: store, index: index)
            .render(limit: limit ?? config.output.feedEntries, since: since, source: source)
        for problem in skipped { printError("winnow: export: skipped \(problem)") }
        print(text, terminator: "")
    }
}
