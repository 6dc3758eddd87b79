import Archive
import ArgumentParser
import Feeds
import Foundation
import WinnowCore

/// `winnow feeds`: the feed table; adding, removing, disabling feeds; OPML import and export.
///
/// Feeds come from two places, both polled: `[[feeds]]` tables in the config, and feeds added
/// with `feeds add` or imported from OPML, which are kept in the index (`feeds.imported = 1`)
/// so that adding never rewrites the config file. A feed in both is polled once, with the
/// config's settings.
struct FeedsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feeds",
        abstract: "List feeds with their state; add, remove, disable or enable one; import or export OPML.",
        subcommands: [FeedsList.self, FeedsAdd.self, FeedsRemove.self, FeedsDisable.self, FeedsEnable.self, FeedsImport.self,
                      FeedsExport.self, FeedsParse.self],
        defaultSubcommand: FeedsList.self)
}

/// One row of `winnow feeds`.
struct FeedRow {
    var source: FeedSource
    var record: FeedRecord
    var stored: Int
    /// On a shared index: the node polling it now (holding its lease), if any.
    var leasedBy: String? = nil
}

/// The config's feeds plus the added ones (disabled ones too), with their stored state.
/// Read-only: a missing index means no feed has been polled or added yet.
func loadFeedTable(_ config: Config) throws -> [FeedRow] {
    let index = try ArchiveIndex.openForReading(config)
    let stored = try index?.feedRecords() ?? []
    let counts = (try? index?.storedCountsByFeed()) ?? [:]
    let leases = (try? index?.currentLeases()) ?? [:]
    let records = Dictionary(stored.map { ($0.url, $0) }, uniquingKeysWith: { a, _ in a })
    let sources = FeedSource.merge(config: config.feeds, records: stored, includeDisabled: true)
    return sources.keys.sorted().map { FeedRow(source: sources[$0]!, record: records[$0] ?? FeedRecord(url: $0), stored: counts[$0] ?? 0,
                                            leasedBy: leases[$0]) }
}

struct FeedsList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Show each feed's name, state, articles stored and last error (the default).",
        discussion: """
            STATUS is new, ok, failing or disabled; failing* marks a feed that has failed for more than \
            three days: it is still polled, at the backoff cap. The last error is printed in full under \
            its row. --json prints one object per feed instead.
            """)

    @OptionGroup var options: GlobalOptions

    @Flag(help: "One JSON object per feed.") var json = false

    func run() throws {
        let (config, _) = try options.load(quiet: true)
        let table = try loadFeedTable(config)
        if json {
            for row in table { print(Self.json(row)) }
            return
        }
        if table.isEmpty {
            print("no feeds (add one with `winnow feeds add URL`, or [[feeds]] in the config, or `winnow feeds import FILE.opml`)")
            return
        }
        let shared = config.index.isShared
        var rows = [["NAME", "URL", "STATUS", "HTTP", "STORED", "LAST FETCH", "ERRORS", "NEXT DUE"] + (shared ? ["LEASED BY"] : [])]
        var errors: [Int: String] = [:]
        var flagged = false
        for row in table {
            let status = FeedStatus(source: row.source, record: row.record)
            var state = row.source.disabled ? "disabled" : status.state.rawValue
            if status.longFailing && !row.source.disabled { state += "*"; flagged = true }
            rows.append([
                Self.clip(status.name ?? "-", 28), row.record.url, state, row.record.lastStatus.map(String.init) ?? "-",
                "\(row.stored)", row.record.lastFetch?.rfc3339 ?? "never", "\(row.record.errorCount)",
                row.source.disabled ? "-" : (row.record.nextDue?.rfc3339 ?? "now"),
            ] + (shared ? [row.leasedBy ?? "-"] : []))
            if let error = row.record.lastError, row.record.errorCount > 0 { errors[rows.count - 1] = error }
        }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for (i, row) in rows.enumerated() {
            let cells = row.enumerated().map { c, cell in c == row.count - 1 ? cell : cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) }
            print(cells.joined(separator: "  "))
            if let error = errors[i] {
                for line in Self.wrap("last error: " + error, width: 100) { print("    " + line) }
            }
        }
        if flagged {
            print("* failing for more than 3 days; still polled at the backoff cap (check the URL, or `winnow feeds disable URL`)")
        }
    }

    static func clip(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(n - 1)) + "…" }

    /// Words wrapped to `width` columns (a longer word gets a line of its own).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if !current.isEmpty && current.count + 1 + word.count > width {
                lines.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    static func json(_ row: FeedRow) -> String {
        let status = FeedStatus(source: row.source, record: row.record)
        var line = JSONLine()
        line.add("url", row.record.url)
        line.add("name", status.name)
        line.add("status", row.source.disabled ? "disabled" : status.state.rawValue)
        line.add("failing_long", status.longFailing ? "true" : nil)
        line.add("source", row.source.inConfig ? "config" : "index")
        line.add("category", row.source.category)
        line.add("stored", row.stored)
        line.add("leased_by", row.leasedBy)
        line.add("http", row.record.lastStatus)
        line.add("last_fetch", row.record.lastFetch?.rfc3339)
        line.add("last_success", row.record.lastSuccess?.rfc3339)
        line.add("errors", row.record.errorCount)
        line.add("last_error", row.record.errorCount > 0 ? row.record.lastError : nil)
        line.add("next_due", row.source.disabled ? nil : row.record.nextDue?.rfc3339)
        line.add("interval_minutes", row.source.intervalMinutes)
        return line.string
    }
}

struct FeedsImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Add the feeds of an OPML file (kept in the index, with their folders).",
        discussion: "Says what it did: feeds added, feeds already known (in the index or the config), and each outline skipped with the reason.")

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The OPML file.") var file: String

    func run() throws {
        let (config, _) = try options.load()
        guard let data = FileManager.default.contents(atPath: file) else {
            printError("\(file): cannot be read")
            throw ExitCode(1)
        }
        let document: OPML.Document
        do { document = try OPML.read(Array(data)) } catch {
            printError("\(file): \(error.message)")
            throw ExitCode(1)
        }
        // A writer: refused while the daemon (or another writer) holds the state folder.
        let lock = try takeWriterLock(config)
        defer { withExtendedLifetime(lock) {} }
        let index = try ArchiveIndex.openForWriting(config)
        try index.prepareFeedTables()
        let inConfig = Set(config.feeds.map(\.url))
        var added = 0, known = 0
        var seen = Set<String>()
        try index.transaction {
            for outline in document.outlines {
                guard seen.insert(outline.url).inserted, !inConfig.contains(outline.url) else { known += 1; continue }
                if try index.addImportedFeed(url: outline.url, title: outline.title, name: outline.title, category: outline.category) {
                    added += 1
                } else {
                    known += 1
                }
            }
        }
        var summary = "imported \(added) feeds (\(known) already known)"
        if !document.skipped.isEmpty { summary += ", skipped \(document.skipped.count):" }
        print(summary)
        for skipped in document.skipped { print("  skipped \(skipped.label): \(skipped.reason)") }
    }
}

struct FeedsExport: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Print every feed as OPML (folders kept).")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        let (config, _) = try options.load(quiet: true)
        let table = try loadFeedTable(config)
        let outlines = table.map { OPML.Outline(url: $0.source.url, title: $0.source.name ?? $0.record.title, category: $0.source.category) }
        print(OPML.export(outlines), terminator: "")
    }
}
