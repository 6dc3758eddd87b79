import ArgumentParser
import Feeds
import Foundation
import WinnowCore

/// `winnow feeds parse FILE`: what the feed parser makes of a document, without fetching or
/// storing anything (for checking a feed, and for `scripts/compare-feedparser`).
struct FeedsParse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse a feed file and print its entries (nothing is fetched or stored).")

    @Argument(help: "The feed document (RSS, Atom or JSON Feed).") var file: String

    @Option(help: "The URL it came from (base for relative links).") var url: String?

    @Option(help: "The HTTP Content-Type charset it was served with.") var charset: String?

    @Option(name: .customLong("content-location"), help: "The HTTP Content-Location header it was served with.")
    var contentLocation: String?

    @Flag(help: "One JSON object per entry (title, link, date, body), after one for the feed.") var json = false

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            printError("\(file): cannot be read")
            throw ExitCode(1)
        }
        let base = url ?? URL(fileURLWithPath: file).absoluteString
        let feed: ParsedFeed
        do { feed = try FeedParser.parse(Array(data), url: base, charset: charset, contentLocation: contentLocation) } catch {
            printError("\(file): \(error.message)")
            throw ExitCode(1)
        }
        for warning in feed.warnings { printError("\(file): warning: \(warning)") }
        if json {
            var head = JSONLine()
            head.add("format", feed.format.rawValue)
            head.add("title", feed.title)
            head.add("link", feed.link)
            head.add("encoding", feed.encoding)
            head.add("entries", feed.entries.count)
            print(head.string)
            for entry in feed.entries {
                var line = JSONLine()
                line.add("id", entry.id)
                line.add("title", entry.title)
                line.add("link", entry.link)
                line.add("date", (entry.published ?? entry.updated)?.rfc3339)
                line.add("author", entry.author)
                let body = entry.paragraphs.joined(separator: "\n\n")
                line.add("body", body.isEmpty ? nil : body)
                print(line.string)
            }
            return
        }
        print("\(feed.format.rawValue) feed \"\(feed.title ?? "")\" \(feed.link ?? "-"), \(feed.entries.count) entries, read as \(feed.encoding ?? "-")")
        for entry in feed.entries {
            print("- \(entry.title ?? "(no title)")")
            print("  link: \(entry.link ?? "-")  date: \((entry.published ?? entry.updated)?.rfc3339 ?? "-")")
            if let first = entry.paragraphs.first { print("  \(first.prefix(160))") }
        }
    }
}
