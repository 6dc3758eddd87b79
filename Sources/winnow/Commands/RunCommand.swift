import ArgumentParser
import Daemon
import Dispatch
import Feeds
import Foundation
import Inbox
import Pipeline

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon in the foreground (what systemd starts): watch the inbox, poll feeds.")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        let (config, logger) = try options.load()
        let service: Service
        do {
            service = try Service(config: config, configPath: options.configPath, logger: logger)
        } catch {
            logger.critical("startup.failed", metadata: ["reason": "\(error)"])
            throw ExitCode(1)
        }
        service.runForever()
    }
}

struct OnceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "once",
        abstract: "One pass: drain the inbox and poll every due feed, then exit.")

    @OptionGroup var options: GlobalOptions

    @Flag(name: .long, help: "Poll every feed, not only those due.")
    var allFeeds = false

    func run() throws {
        let (config, logger) = try options.load()
        do {
            let ingestor = try Ingestor(config: config, logger: logger)
            let inbox = try InboxProcessor(folder: InboxFolder(root: config.paths.inbox), ingestor: ingestor, logger: logger)
            let report = try inbox.drain()
            let counts = Dictionary(grouping: report.results, by: \.status).mapValues(\.count)
            logger.info("once.done", metadata: [
                "stored": "\(counts[.stored] ?? 0)", "duplicates": "\(counts[.duplicate] ?? 0)", "failed": "\(counts[.failed] ?? 0)",
                "cannot_process": "\(report.cannotProcess)",
            ])
            // Feeds: after the inbox, every due feed (all with --all-feeds), on one ingest queue.
            let feeds = FeedService(config: config, ingestor: ingestor, ingestQueue: DispatchQueue(label: "winnow.ingest"), logger: logger)
            let polls = feeds.pollAllDue(wait: true, force: allFeeds)
            let stopped = DispatchSemaphore(value: 0)
            feeds.stop { @Sendable in stopped.signal() }
            stopped.wait()
            OutboundFeedKeeper(ingestor: ingestor, logger: logger).update()
            logger.info("once.feeds", metadata: [
                "polled": "\(polls.count)", "failed": "\(polls.filter { !$0.ok }.count)",
                "new": "\(polls.reduce(0) { $0 + $1.newEntries })", "stored": "\(polls.reduce(0) { $0 + $1.stored })",
                "duplicates": "\(polls.reduce(0) { $0 + $1.duplicates })", "entries_failed": "\(polls.reduce(0) { $0 + $1.failedEntries })",
            ])
        } catch {
            logger.critical("once.failed", metadata: ["reason": "\(error)"])
            throw ExitCode(1)
        }
    }
}
