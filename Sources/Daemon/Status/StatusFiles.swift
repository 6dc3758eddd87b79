import Foundation
import Pipeline
import WinnowCore

/// The daemon's status file (`<state>/status.json`), read by `winnow status`.
public struct DaemonStatus: Codable, Sendable {
    public var state: String
    public var pid: Int32
    public var version: String
    public var started: String
    public var updated: String
    public var inboxBacklog: Int
    public var storedSinceStart: Int
    public var duplicatesSinceStart: Int
    public var failedSinceStart: Int
    /// Why the archive cannot be written, while that lasts (absent in older files).
    public var archiveProblem: String?
    /// Inbox entries that cannot be processed where they are.
    public var inboxCannotProcess: Int?

    public static func path(state directory: String) -> String { directory + "/status.json" }

    public static func read(state directory: String) -> DaemonStatus? {
        guard let data = FileManager.default.contents(atPath: path(state: directory)) else { return nil }
        return try? JSONDecoder().decode(DaemonStatus.self, from: data)
    }

    /// True when the recorded process is still alive.
    public var isRunning: Bool { state == "running" && kill(pid, 0) == 0 }
}

/// Prometheus text-format metrics for node_exporter's textfile collector.
public enum MetricsFile {
    public static func path(state directory: String) -> String { directory + "/winnow.prom" }

    public static func render(_ m: PipelineMetrics.Snapshot, backlog: Int, uptime: TimeInterval) -> String {
        var out = """
            # HELP winnow_articles_stored_total Articles stored since the daemon started.
            # TYPE winnow_articles_stored_total counter
            winnow_articles_stored_total \(m.stored)
            # HELP winnow_duplicates_total Inputs recorded as duplicates since the daemon started.
            # TYPE winnow_duplicates_total counter
            winnow_duplicates_total \(m.duplicates)
            # HELP winnow_failures_total Inputs recorded as failed since the daemon started.
            # TYPE winnow_failures_total counter
            winnow_failures_total \(m.failed)
            # HELP winnow_inbox_backlog Files waiting in the inbox.
            # TYPE winnow_inbox_backlog gauge
            winnow_inbox_backlog \(backlog)
            # HELP winnow_uptime_seconds Seconds since the daemon started.
            # TYPE winnow_uptime_seconds gauge
            winnow_uptime_seconds \(Int(uptime))
            # HELP winnow_processing_seconds Time to extract, dedupe and store one input.
            # TYPE winnow_processing_seconds histogram

            """
        for (bound, count) in zip(PipelineMetrics.bucketBounds, m.bucketCounts) {
            out += "winnow_processing_seconds_bucket{le=\"\(bound)\"} \(count)\n"
        }
        out += "winnow_processing_seconds_bucket{le=\"+Inf\"} \(m.observations)\n"
        out += "winnow_processing_seconds_sum \(String(format: "%.6f", m.secondsTotal))\n"
        out += "winnow_processing_seconds_count \(m.observations)\n"
        return out
    }
}

extension Service {
    func writeStatus(state: String) {
        let m = ingestor.metrics.snapshot
        let status = DaemonStatus(
            state: state, pid: getpid(), version: WinnowVersion.string, started: started.rfc3339, updated: Date().rfc3339,
            inboxBacklog: backlog, storedSinceStart: m.stored, duplicatesSinceStart: m.duplicates, failedSinceStart: m.failed,
            archiveProblem: archiveProblem, inboxCannotProcess: cannotProcess)
        guard let data = try? JSONEncoder().encode(status) else { return }
        do {
            try FileOps.writeAtomically(Array(data), to: DaemonStatus.path(state: config.paths.state))
        } catch {
            logger.warning("status.unwritable", metadata: ["reason": "\(error)"])
        }
    }

    func writeMetrics() {
        let text = MetricsFile.render(ingestor.metrics.snapshot, backlog: backlog, uptime: Date().timeIntervalSince(started))
        do {
            try FileOps.writeAtomically(Array(text.utf8), to: MetricsFile.path(state: config.paths.state))
        } catch {
            logger.warning("metrics.unwritable", metadata: ["reason": "\(error)"])
        }
    }
}
