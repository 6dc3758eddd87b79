import Archive
import ArgumentParser
import Daemon
import Feeds
import Foundation
import Inbox
import WinnowCore

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Summarise the daemon: uptime, feeds, inbox backlog, articles today and in total, archive size.")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        let (config, _) = try options.load(quiet: true)
        // A reader: no index yet means nothing stored yet, and nothing is created.
        let index = try ArchiveIndex.openForReading(config)
        let counts = try index?.counts() ?? ArchiveIndex.Counts()
        var lines: [String] = []
        if let status = DaemonStatus.read(state: config.paths.state), status.isRunning {
            let uptime = DateParser.parse(status.started).map { Int(Date().timeIntervalSince($0)) } ?? 0
            lines.append("daemon     running (pid \(status.pid), up \(Self.duration(uptime)), version \(status.version))")
            if let problem = status.archiveProblem {
                lines.append("           archive unwritable, retrying: \(problem)")
            }
        } else {
            lines.append("daemon     not running")
        }
        // The same feed table and states as `winnow feeds`.
        let feeds = try loadFeedTable(config).filter { !$0.source.disabled }.map { FeedStatus(source: $0.source, record: $0.record) }
        let count = { (state: FeedStatus.State) in feeds.filter { $0.state == state }.count }
        let nextDue = feeds.compactMap(\.nextDue).min()
        lines.append("feeds      \(feeds.count) (\(config.feeds.count) configured), \(count(.ok)) ok, \(count(.failing)) failing, "
            + "\(count(.new)) not polled yet" + (nextDue.map { ", next due \($0.rfc3339)" } ?? ""))
        for feed in feeds where feed.state == .failing {
            lines.append("           failing: \(feed.url) (errors: \(feed.errorCount), last: \(feed.lastError ?? "?"), "
                + "next: \(feed.nextDue?.rfc3339 ?? "now"))")
        }
        let entries = InboxFolder(root: config.paths.inbox).pending()
        let stuck = entries.filter { $0.stuck != nil }.count
        lines.append("inbox      \(entries.count - stuck) waiting" + (stuck > 0 ? ", \(stuck) cannot be processed (see the log)" : "")
            + " in \(config.paths.inbox)")
        lines.append("today      \(counts.articlesToday) stored, \(counts.duplicatesToday) duplicates, \(counts.failuresToday) failed")
        lines.append("total      \(counts.articles) stored, \(counts.duplicates) duplicates, \(counts.failures) failed")
        let (files, bytes) = Self.archiveSize(config.paths.archive)
        lines.append("archive    \(files) files, \(Self.bytes(bytes)) in \(config.paths.archive)")
        if let index, index.isShared {
            // The cluster: every node seen, its last heartbeat and the feed leases it holds.
            var leases: [String: Int] = [:]
            for node in try index.currentLeases().values { leases[node, default: 0] += 1 }
            let nodes = try index.nodes()
            lines.append("cluster    \(nodes.count) nodes on \(index.path), this node \(config.index.node)")
            for node in nodes {
                let seen = node.secondsSinceHeartbeat < 30 ? "alive" : "silent \(Self.duration(Int(node.secondsSinceHeartbeat)))"
                lines.append("           \(node.id) (\(node.host), pid \(node.pid)): \(seen), last heartbeat \(node.heartbeat), "
                    + "\(leases[node.id] ?? 0) feeds leased")
            }
        }
        print(lines.joined(separator: "\n"))
    }

    static func duration(_ seconds: Int) -> String {
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" }
        if seconds < 86400 { return "\(seconds / 3600)h \(seconds % 3600 / 60)m" }
        return "\(seconds / 86400)d \(seconds % 86400 / 3600)h"
    }

    static func bytes(_ n: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(n)
        var unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(n) B" : String(format: "%.1f %@", value, units[unit])
    }

    static func archiveSize(_ root: String) -> (Int, Int) {
        guard let e = FileManager.default.enumerator(atPath: root) else { return (0, 0) }
        var files = 0, bytes = 0
        while let item = e.nextObject() as? String {
            guard item.hasSuffix(".md"), let size = e.fileAttributes?[.size] as? Int else { continue }
            files += 1
            bytes += size
        }
        return (files, bytes)
    }
}
