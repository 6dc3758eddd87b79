import Foundation
import Logging

/// Turns a parsed TOML table into a `Config`, collecting a problem for every unknown key,
/// wrong type or out-of-range value instead of stopping at the first.
struct ConfigReader {
    var problems: [ConfigError.Problem] = []

    /// The inbox drains every file under it, and the archive and state folders hold live
    /// files: none of the three may contain another, or be the same folder, once symlinks
    /// and `..` are resolved.
    mutating func checkOverlap(_ paths: Config.Paths, table: TOMLTable?) {
        let named = [("paths.inbox", paths.inbox), ("paths.archive", paths.archive), ("paths.state", paths.state)]
            .filter { !$0.1.isEmpty }
            .map { ($0.0, $0.1, PathResolution.resolve($0.1)) }
        for (i, a) in named.enumerated() {
            for b in named[(i + 1)...] {
                let message: String
                if a.2 == b.2 {
                    message = "is the same folder as \(b.0) (\(b.2)); inbox, archive and state must be separate folders"
                } else if b.2.hasPrefix(a.2 == "/" ? "/" : a.2 + "/") {
                    message = "(\(a.2)) contains \(b.0) (\(b.2)); inbox, archive and state must not contain one another"
                } else if a.2.hasPrefix(b.2 == "/" ? "/" : b.2 + "/") {
                    message = "(\(a.2)) is inside \(b.0) (\(b.2)); inbox, archive and state must not contain one another"
                } else {
                    continue
                }
                let key = String(a.0.dropFirst("paths.".count))
                problem(table?[key]?.line ?? table?.line ?? 0, a.0, message)
            }
        }
    }

    mutating func read(_ root: TOMLTable, baseDirectory: String, file: String) -> Config? {
        var config = Config(archive: "", inbox: "", state: "")
        config.source = file
        let known = ["paths", "log", "dedupe", "fetch", "schedule", "inbox", "pipeline", "output", "index", "feeds"]
        for key in root.order where !known.contains(key) {
            problem(root[key]!.line, key, "unknown key (expected one of: \(known.joined(separator: ", ")))")
        }

        let paths = table(root, "paths")
        func path(_ key: String, _ fallback: String) -> String {
            let raw = string(paths, "paths", key) ?? fallback
            if raw.isEmpty { problem(paths?.line ?? 0, "paths.\(key)", "must not be empty"); return raw }
            return raw.hasPrefix("/") ? raw : URL(fileURLWithPath: baseDirectory).appendingPathComponent(raw).standardized.path
        }
        config.paths.archive = path("archive", "/var/lib/winnow/archive")
        config.paths.inbox = path("inbox", "/var/lib/winnow/inbox")
        config.paths.state = path("state", "/var/lib/winnow/state")
        unknownKeys(paths, "paths", ["archive", "inbox", "state"])
        checkOverlap(config.paths, table: paths)

        let log = table(root, "log")
        if let level = string(log, "log", "level") {
            if let parsed = Logger.Level(configName: level) { config.logLevel = parsed } else {
                problem(log?["level"]?.line ?? 0, "log.level", "'\(level)' is not one of trace, debug, info, notice, warning, error, critical")
            }
        }
        unknownKeys(log, "log", ["level"])

        let dedupe = table(root, "dedupe")
        config.dedupe.jaccard = number(dedupe, "dedupe", "jaccard", 0.0...1.0) ?? config.dedupe.jaccard
        config.dedupe.containment = number(dedupe, "dedupe", "containment", 0.0...1.0) ?? config.dedupe.containment
        config.dedupe.shingleWords = integer(dedupe, "dedupe", "shingle_words", 1...10) ?? config.dedupe.shingleWords
        config.dedupe.horizonDays = integer(dedupe, "dedupe", "horizon_days", 0...36500) ?? config.dedupe.horizonDays
        unknownKeys(dedupe, "dedupe", ["jaccard", "containment", "shingle_words", "horizon_days"])

        let fetch = table(root, "fetch")
        config.fetch.userAgent = string(fetch, "fetch", "user_agent") ?? config.fetch.userAgent
        config.fetch.connectTimeoutSeconds = integer(fetch, "fetch", "connect_timeout_seconds", 1...600) ?? config.fetch.connectTimeoutSeconds
        config.fetch.timeoutSeconds = integer(fetch, "fetch", "timeout_seconds", 1...3600) ?? config.fetch.timeoutSeconds
        config.fetch.maxBodyBytes = integer(fetch, "fetch", "max_body_bytes", 1024...(1 << 30)) ?? config.fetch.maxBodyBytes
        config.fetch.maxConnections = integer(fetch, "fetch", "max_connections", 1...256) ?? config.fetch.maxConnections
        config.fetch.perHost = integer(fetch, "fetch", "per_host", 1...64) ?? config.fetch.perHost
        config.fetch.hostDelayMilliseconds = integer(fetch, "fetch", "host_delay_ms", 0...600_000) ?? config.fetch.hostDelayMilliseconds
        config.fetch.maxRedirects = integer(fetch, "fetch", "max_redirects", 0...20) ?? config.fetch.maxRedirects
        if let proxy = string(fetch, "fetch", "proxy"), !proxy.isEmpty { config.fetch.proxy = proxy }
        unknownKeys(fetch, "fetch", ["user_agent", "connect_timeout_seconds", "timeout_seconds", "max_body_bytes", "max_connections", "per_host", "host_delay_ms", "max_redirects", "proxy"])

        let schedule = table(root, "schedule")
        config.schedule.intervalMinutes = integer(schedule, "schedule", "interval_minutes", 1...100_000) ?? config.schedule.intervalMinutes
        config.schedule.jitterPercent = integer(schedule, "schedule", "jitter_percent", 0...50) ?? config.schedule.jitterPercent
        config.schedule.backoffMinMinutes = integer(schedule, "schedule", "backoff_min_minutes", 1...100_000) ?? config.schedule.backoffMinMinutes
        config.schedule.backoffMaxMinutes = integer(schedule, "schedule", "backoff_max_minutes", 1...1_000_000) ?? config.schedule.backoffMaxMinutes
        config.schedule.entryRetries = integer(schedule, "schedule", "entry_retries", 0...100) ?? config.schedule.entryRetries
        unknownKeys(schedule, "schedule", ["interval_minutes", "jitter_percent", "backoff_min_minutes", "backoff_max_minutes", "entry_retries"])

        let inbox = table(root, "inbox")
        if let mode = string(inbox, "inbox", "mode") {
            if let parsed = Config.Inbox.Mode(rawValue: mode) { config.inbox.mode = parsed } else {
                problem(inbox?["mode"]?.line ?? 0, "inbox.mode", "'\(mode)' is not one of inotify, poll")
            }
        }
        config.inbox.rescanSeconds = integer(inbox, "inbox", "rescan_seconds", 1...86_400) ?? config.inbox.rescanSeconds
        config.inbox.settleMilliseconds = integer(inbox, "inbox", "settle_ms", 0...600_000) ?? config.inbox.settleMilliseconds
        config.inbox.maxFileBytes = integer(inbox, "inbox", "max_file_bytes", 1...(1 << 31)) ?? config.inbox.maxFileBytes
        config.inbox.maxSeconds = integer(inbox, "inbox", "max_seconds", 1...3_600) ?? config.inbox.maxSeconds
        config.inbox.maxInterruptions = integer(inbox, "inbox", "max_interruptions", 1...100) ?? config.inbox.maxInterruptions
        unknownKeys(inbox, "inbox", ["mode", "rescan_seconds", "settle_ms", "max_file_bytes", "max_seconds", "max_interruptions"])

        let pipeline = table(root, "pipeline")
        config.pipeline.workers = integer(pipeline, "pipeline", "workers", 1...256) ?? config.pipeline.workers
        config.pipeline.batchSize = integer(pipeline, "pipeline", "batch_size", 1...4096) ?? config.pipeline.batchSize
        unknownKeys(pipeline, "pipeline", ["workers", "batch_size"])

        let index = table(root, "index")
        if let backend = string(index, "index", "backend") {
            if let parsed = Config.Index.Backend(rawValue: backend) { config.index.backend = parsed } else {
                problem(index?["backend"]?.line ?? 0, "index.backend", "'\(backend)' is not one of sqlite, postgres")
            }
        }
        if let url = string(index, "index", "url"), !url.isEmpty { config.index.url = url }
        if let node = string(index, "index", "node"), !node.isEmpty { config.index.node = node }
        config.index.leaseSeconds = integer(index, "index", "lease_seconds", 5...86_400) ?? config.index.leaseSeconds
        if config.index.backend == .postgres, config.index.url == nil {
            problem(index?["backend"]?.line ?? 0, "index.url", "backend = \"postgres\" needs url = \"postgresql://…\" (a libpq connection string)")
        }
        unknownKeys(index, "index", ["backend", "url", "node", "lease_seconds"])

        let output = table(root, "output")
        config.output.feedEntries = integer(output, "output", "feed_entries", 0...100_000) ?? config.output.feedEntries
        unknownKeys(output, "output", ["feed_entries"])

        if let entry = root["feeds"] {
            if case .tables(let list) = entry.value {
                var seen = Set<String>()
                for feed in list {
                    guard let url = string(feed, "feeds", "url") else {
                        problem(feed.line, "feeds.url", "missing (every [[feeds]] needs a url)")
                        continue
                    }
                    let lower = url.lowercased()
                    if !(lower.hasPrefix("http://") || lower.hasPrefix("https://")) || URL(string: url)?.host == nil {
                        problem(feed["url"]!.line, "feeds.url", "'\(url)' is not an http or https URL")
                    }
                    if !seen.insert(url).inserted { problem(feed["url"]!.line, "feeds.url", "'\(url)' is listed twice") }
                    var parsed = Config.Feed(url: url, line: feed.line)
                    parsed.name = string(feed, "feeds", "name")
                    parsed.intervalMinutes = integer(feed, "feeds", "interval_minutes", 1...100_000)
                    parsed.insecureTLS = boolean(feed, "feeds", "insecure_tls") ?? false
                    unknownKeys(feed, "feeds", ["url", "name", "interval_minutes", "insecure_tls"])
                    config.feeds.append(parsed)
                }
            } else {
                problem(entry.line, "feeds", "must be written as [[feeds]] tables")
            }
        }
        return problems.isEmpty ? config : nil
    }

    private mutating func problem(_ line: Int, _ key: String, _ message: String) {
        problems.append(.init(line: line, key: key, message: message))
    }

    private mutating func table(_ root: TOMLTable, _ key: String) -> TOMLTable? {
        guard let entry = root[key] else { return nil }
        guard case .table(let t) = entry.value else {
            problem(entry.line, key, "must be a [\(key)] table, not a \(entry.value.typeName)")
            return nil
        }
        return t
    }

    private mutating func unknownKeys(_ table: TOMLTable?, _ section: String, _ known: [String]) {
        guard let table else { return }
        for key in table.order where !known.contains(key) {
            problem(table[key]!.line, "\(section).\(key)", "unknown key (expected one of: \(known.joined(separator: ", ")))")
        }
    }

    private mutating func string(_ table: TOMLTable?, _ section: String, _ key: String) -> String? {
        guard let entry = table?[key] else { return nil }
        guard case .string(let s) = entry.value else {
            problem(entry.line, "\(section).\(key)", "must be a string, not a \(entry.value.typeName)")
            return nil
        }
        return s
    }

    private mutating func boolean(_ table: TOMLTable?, _ section: String, _ key: String) -> Bool? {
        guard let entry = table?[key] else { return nil }
        guard case .boolean(let b) = entry.value else {
            problem(entry.line, "\(section).\(key)", "must be true or false, not a \(entry.value.typeName)")
            return nil
        }
        return b
    }

    private mutating func integer(_ table: TOMLTable?, _ section: String, _ key: String, _ range: ClosedRange<Int>) -> Int? {
        guard let entry = table?[key] else { return nil }
        guard case .integer(let i) = entry.value else {
            problem(entry.line, "\(section).\(key)", "must be an integer, not a \(entry.value.typeName)")
            return nil
        }
        guard range.contains(i) else {
            problem(entry.line, "\(section).\(key)", "\(i) is out of range \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return i
    }

    private mutating func number(_ table: TOMLTable?, _ section: String, _ key: String, _ range: ClosedRange<Double>) -> Double? {
        guard let entry = table?[key] else { return nil }
        let value: Double
        switch entry.value {
        case .float(let d): value = d
        case .integer(let i): value = Double(i)
        default:
            problem(entry.line, "\(section).\(key)", "must be a number, not a \(entry.value.typeName)")
            return nil
        }
        guard range.contains(value) else {
            problem(entry.line, "\(section).\(key)", "\(value) is out of range \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return value
    }
}
