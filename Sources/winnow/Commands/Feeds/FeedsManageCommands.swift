import Archive
import ArgumentParser
import Feeds
import Fetch
import Foundation
import WinnowCore

/// Opens the index for a feed-changing command, holding the writer lock (refused, exit 1,
/// while the daemon or another writer runs).
func openFeedIndexForWriting(_ config: Config) throws -> (ArchiveIndex, WriterLock) {
    let lock = try takeWriterLock(config)
    let index = try ArchiveIndex.openForWriting(config)
    try index.prepareFeedTables()
    return (index, lock)
}

/// A URL argument as the feed table spells it: a feed is matched exactly, else without a
/// trailing slash difference.
func knownFeedURL(_ url: String, config: Config, index: ArchiveIndex) throws -> String? {
    let candidates = Set(config.feeds.map(\.url)).union(try index.feedRecords().filter { $0.imported }.map(\.url))
    if candidates.contains(url) { return url }
    let alternative = url.hasSuffix("/") ? String(url.dropLast()) : url + "/"
    return candidates.contains(alternative) ? alternative : nil
}

struct FeedsAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a feed (kept in the index); given a web page, find its feed.",
        discussion: """
            The URL is fetched first. A feed is added as it is; an HTML page is searched for \
            <link rel="alternate"> feeds, then /feed, /rss, /atom.xml, /feed.xml and /index.xml are \
            tried, and the first that parses is added. Says which it chose.
            """)

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The feed or web page URL (http or https).") var url: String

    @Option(help: "A name to show and to file its articles under (default: the feed's title).") var name: String?

    @Option(help: "Poll interval in minutes (default: [schedule] interval_minutes).") var interval: Int?

    func validate() throws {
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), URL(string: url)?.host != nil else {
            throw ValidationError("\(url): not an http or https URL")
        }
        if let interval, interval < 1 { throw ValidationError("--interval must be at least 1 minute") }
    }

    func run() throws {
        let (config, _) = try options.load()
        // Take the lock before fetching: a refused add should not have fetched anything.
        let (index, lock) = try openFeedIndexForWriting(config)
        defer { withExtendedLifetime(lock) {} }
        if let known = try knownFeedURL(url, config: config, index: index) {
            print("\(known) is already a feed\(config.feeds.contains { $0.url == known } ? " (in the config)" : "")")
            return
        }
        let client = HTTPClient(settings: FetchSettings(config.fetch))
        defer { client.shutdown() }
        let found: FeedDiscovery.Found
        do { found = try FeedDiscovery.discover(url, client: client) } catch {
            printError("winnow: \(error.message)")
            throw ExitCode(1)
        }
        if found.url != url, let known = try knownFeedURL(found.url, config: config, index: index) {
            print("\(url) links its feed \(known), which is already a feed")
            return
        }
        try index.addImportedFeed(url: found.url, title: found.title, name: name, intervalMinutes: interval)
        let label = name ?? found.title.map { "\"\($0)\"" } ?? found.url
        switch found.via {
        case .direct: print("added \(found.url) (\(label), \(found.entries) entries)")
        case .linkTag: print("added \(found.url) (\(label), \(found.entries) entries): the feed \(url) links with <link rel=\"alternate\">")
        case .commonPath: print("added \(found.url) (\(label), \(found.entries) entries): \(url) links no feed; found at \(URL(string: found.url)?.path ?? found.url)")
        }
    }
}

struct FeedsRemove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Stop polling a feed added with `feeds add` or OPML import (its articles stay in the archive).")

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The feed URL, as `winnow feeds` shows it.") var url: String

    func run() throws {
        let (config, _) = try options.load()
        let (index, lock) = try openFeedIndexForWriting(config)
        defer { withExtendedLifetime(lock) {} }
        let known = try knownFeedURL(url, config: config, index: index) ?? url
        if let feed = config.feeds.first(where: { $0.url == known }) {
            printError("winnow: \(known) is in the config (\(options.configPath) line \(feed.line)); remove its [[feeds]] table there, or `winnow feeds disable` it")
            throw ExitCode(1)
        }
        guard try index.removeImportedFeed(url: known) else {
            printError("winnow: \(url) is not a feed (see `winnow feeds`)")
            throw ExitCode(1)
        }
        print("removed \(known) (its articles stay in the archive)")
    }
}

/// `feeds disable` and `feeds enable` share everything but the flag.
protocol FeedToggle: ParsableCommand {
    var options: GlobalOptions { get }
    var url: String { get }
    static var disable: Bool { get }
}

extension FeedToggle {
    func run() throws {
        let (config, _) = try options.load()
        let (index, lock) = try openFeedIndexForWriting(config)
        defer { withExtendedLifetime(lock) {} }
        guard let known = try knownFeedURL(url, config: config, index: index) else {
            printError("winnow: \(url) is not a feed (see `winnow feeds`)")
            throw ExitCode(1)
        }
        let current = try index.feedRecord(url: known)?.disabled ?? false
        if current == Self.disable {
            print("\(known) is already \(Self.disable ? "disabled" : "enabled")")
            return
        }
        try index.setFeedDisabled(url: known, Self.disable)
        print(Self.disable ? "disabled \(known) (kept, not polled)" : "enabled \(known) (polled from the next run)")
    }
}

struct FeedsDisable: FeedToggle {
    static let configuration = CommandConfiguration(commandName: "disable", abstract: "Stop polling a feed but keep it listed.")
    static let disable = true
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The feed URL.") var url: String
}

struct FeedsEnable: FeedToggle {
    static let configuration = CommandConfiguration(commandName: "enable", abstract: "Poll a disabled feed again.")
    static let disable = false
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The feed URL.") var url: String
}
