import Archive
import ArgumentParser
import Feeds
import Foundation
import WinnowCore

/// `winnow feeds`: the feed table, OPML import and export.
///
/// Feeds come from two places, both polled: `[[feeds]]` tables in the config, and feeds
/// imported from OPML, which are kept in the index (`feeds.imported = 1`) so that importing
/// never rewrites the config file. A feed in both is polled once, with the config's settings.
struct FeedsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feeds",
        abstract: "List feeds with their state; import or export OPML.",
        subcommands: [FeedsList.self, FeedsImport.self, FeedsExport.self, FeedsParse.self],
        defaultSubcommand: FeedsList.self)
}

/// The config's feeds plus the imported ones, with their stored state.
/// Read-only: a missing index means no feed has been polled or imported yet.
func loadFeedTable(_ config: Config) throws -> [(source: FeedSource, record: FeedRecord)] {
    let stored = try ArchiveIndex.openForReading(stateDirectory: config.paths.state)?.feedRecords() ?? []
    let records = Dictionary(stored.map { ($0.url, $0) }, uniquingKeysWith: { a, _ in a })
    var sources: [String: FeedSource] = [:]
    for record in records.values where record.imported {
        sources[record.url] = FeedSource(url: record.url, name: record.title, imported: true)
    }
    for feed in config.feeds {
        sources[feed.url] = FeedSource(url: feed.url, name: feed.name, intervalMinutes: feed.intervalMinutes,
                                       insecureTLS: feed.insecureTLS, imported: sources[feed.url] != nil)
    }
    return sources.keys.sorted().map { (sources[$0]!, records[$0] ?? FeedRecord(url: $0)) }
}

struct FeedsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Show each feed's state (the default).")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        let (config, _) = try options.load()
        let table = try loadFeedTable(config)
        if table.isEmpty {
            print("no feeds (add [[feeds]] to the config or run `winnow feeds import FILE.opml`)")
            return
        }
        var rows = [["URL", "STATUS", "HTTP", "LAST FETCH", "ERRORS", "NEXT DUE", "LAST ERROR"]]
        for (source, record) in table {
            let status = FeedStatus(source: source, record: record)
            rows.append([
                record.url, status.state.rawValue, record.lastStatus.map(String.init) ?? "-",
                record.lastFetch?.rfc3339 ?? "never", "\(record.errorCount)", record.nextDue?.rfc3339 ?? "now",
                record.lastError.map { String($0.prefix(80)) } ?? "-",
            ])
        }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            let cells = row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
            print(cells.joined(separator: "  "))
        }
    }
}

struct FeedsImport: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Add the feeds of an OPML file (kept in the index).")

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The OPML file.") var file: String

    func run() throws {
        let (config, _) = try options.load()
        guard let data = FileManager.default.contents(atPath: file) else {
            printError("\(file): cannot be read")
            throw ExitCode(1)
        }
        let outlines: [OPML.Outline]
        do { outlines = try OPML.parse(Array(data)) } catch {
            printError("\(file): \(error.message)")
            throw ExitCode(1)
        }
        // A writer: refused while the daemon (or another writer) holds the state folder.
        let lock = try takeWriterLock(config)
        defer { withExtendedLifetime(lock) {} }
        let index = try ArchiveIndex(stateDirectory: config.paths.state)
        try index.prepareFeedTables()
        var added = 0
        try index.transaction {
            for outline in outlines where try index.addImportedFeed(url: outline.url, title: outline.title) { added += 1 }
        }
        print("imported \(added) feeds (\(outlines.count - added) already known)")
    }
}

struct FeedsExport: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Print every feed as OPML.")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        let (config, _) = try options.load()
        let table = try loadFeedTable(config)
        print(OPML.export(table.map { OPML.Outline(url: $0.source.url, title: $0.source.name ?? $0.record.title) }), terminator: "")
    }
}
