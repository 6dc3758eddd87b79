import Archive
import ArgumentParser
import Foundation
import WinnowCore

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Full-text search over the titles and bodies of stored articles, best first.",
        discussion: """
            QUERY is FTS5 syntax: words (all must occur), "a phrase", prefix*, OR, NOT, NEAR(a b), \
            title:word. Matching ignores case and diacritics. Ranked by bm25 with title hits weighted \
            up. Prints date, title, source, path and a snippet per hit; with --json (the default when \
            standard output is not a terminal) one line per hit: {"id","date","title","source",\
            "language","url","path","snippet","score"}, matched words in the snippet between **. \
            A malformed query exits 2 with what is wrong.
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: "Only articles dated on or after this day (YYYY-MM-DD or RFC 3339); published date, else ingest date.")
    var since: String?

    @Option(help: "Only articles dated on or before this day (YYYY-MM-DD, inclusive) or before this RFC 3339 time.")
    var until: String?

    @Option(help: "Only articles from this source (case-insensitive).")
    var source: String?

    @Option(help: "Only articles in this language (e.g. en).")
    var language: String?

    @Option(parsing: .unconditional, help: "How many hits at most (0 or less: all).")
    var limit = 20

    @Flag(help: "One JSON line per hit (the default when standard output is not a terminal).")
    var json = false

    @Argument(help: "The query, e.g. '\"hypersonic missile\"' or 'satell*'.")
    var query: [String]

    func run() throws {
        let (config, _) = try options.load(quiet: true)
        let asJSON = json || isatty(1) == 0
        var search = SearchQuery(text: query.joined(separator: " "))
        search.since = try DateBound.parse(since, option: "--since", endOfDay: false)
        search.until = try DateBound.parse(until, option: "--until", endOfDay: true)
        search.source = source
        search.language = language
        search.limit = limit
        if !asJSON { search.highlight = ("\u{1b}[1m", "\u{1b}[0m") }
        guard let index = try ArchiveIndex.openForReading(config) else {
            if !asJSON { print("nothing found: no index at \(ArchiveIndex.file(in: config.paths.state)) yet") }
            return
        }
        let hits: [SearchHit]
        do {
            hits = try index.search(search)
        } catch let error as SearchQueryError {
            printError("winnow: search: \(error)")
            throw ExitCode(2)
        } catch let error as SearchUnavailableError {
            printError("winnow: search: \(error)")
            throw ExitCode(1)
        }
        if asJSON {
            for hit in hits {
                var line = JSONLine()
                line.add("id", hit.id)
                line.add("date", hit.date)
                line.add("title", hit.title)
                line.add("source", hit.source)
                line.add("language", hit.language)
                line.add("url", hit.url)
                line.add("path", hit.path)
                line.add("snippet", hit.snippet)
                line.add("score", (hit.score * 1000).rounded() / 1000)
                print(line.string)
            }
            return
        }
        if hits.isEmpty { print("nothing found for \(search.text)"); return }
        for (i, hit) in hits.enumerated() {
            if i > 0 { print("") }
            print("\(hit.date.prefix(10))  \(hit.title)")
            print("    \(hit.source ?? "-")  \(hit.path)")
            print("    \(hit.snippet)")
        }
    }
}

/// `--since` / `--until` values as RFC 3339 bounds on the stored dates.
enum DateBound {
    /// A day (`YYYY-MM-DD`) is its start, or with `endOfDay` the start of the next day (an
    /// exclusive bound that includes the whole day); an RFC 3339 time is used as it is.
    static func parse(_ raw: String?, option: String, endOfDay: Bool) throws -> String? {
        guard let raw else { return nil }
        let isDay = raw.count == 10 && raw.utf8.enumerated().allSatisfy { i, c in (i == 4 || i == 7) ? c == UInt8(ascii: "-") : (c >= 48 && c <= 57) }
        if isDay, let day = DateParser.parse(raw + "T00:00:00Z") {
            return (endOfDay ? day.addingTimeInterval(86400) : day).rfc3339
        }
        guard let date = DateParser.parse(raw) else {
            throw ValidationError("\(option) '\(raw)' is not a date (YYYY-MM-DD or RFC 3339, e.g. 2026-01-31T12:00:00Z)")
        }
        return date.rfc3339
    }
}
