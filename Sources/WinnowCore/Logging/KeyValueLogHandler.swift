import Foundation
import Logging

/// A swift-log handler that writes one line per event as `key=value` fields.
///
/// The message is the event name (`event=stored`), metadata become fields. Under systemd
/// (`JOURNAL_STREAM` set) each line starts with a `<N>` syslog priority and carries no
/// timestamp, because journald adds its own; elsewhere lines start with an ISO-8601 time
/// and the level.
public struct KeyValueLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    /// One level for every logger of the process, so a reload changes them all at once.
    public var logLevel: Logger.Level {
        get { SharedLogLevel.current }
        set { SharedLogLevel.current = newValue }
    }
    private let label: String
    private let journal: Bool
    private let sink: LogSink

    public init(label: String, journal: Bool, sink: LogSink = .standardError) {
        self.label = label
        self.journal = journal
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = ""
        if journal {
            line += "<\(Self.syslogPriority(event.level))>"
        } else {
            line += LogTime.now() + " " + event.level.rawValue.uppercased() + " "
        }
        line += "event=" + LogFormat.value(event.message.description)
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        for key in merged.keys.sorted() {
            line += " " + key + "=" + LogFormat.value(LogFormat.flatten(merged[key]!))
        }
        line += "\n"
        sink.write(line)
    }

    /// The syslog priority journald reads from a `<N>` prefix.
    public static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }
}

/// Where log lines go: a file descriptor, written with one `write(2)` per line so
/// concurrent lines never interleave.
public struct LogSink: Sendable {
    let descriptor: Int32
    public static let standardError = LogSink(descriptor: 2)
    public static let standardOutput = LogSink(descriptor: 1)
    public func write(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { if errno == EINTR { continue } else { return } }
                offset += n
            }
        }
    }
}

/// The process-wide log level behind every `KeyValueLogHandler`.
public enum SharedLogLevel {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var level: Logger.Level = .info

    public static var current: Logger.Level {
        get { lock.lock(); defer { lock.unlock() }; return level }
        set { lock.lock(); level = newValue; lock.unlock() }
    }
}

enum LogTime {
    static func now() -> String {
        var tv = timeval()
        gettimeofday(&tv, nil)
        var t = time_t(tv.tv_sec)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1,
            parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, Int32(tv.tv_usec / 1000))
    }
}

/// Formatting of field values: bare when safe, quoted with escapes otherwise.
public enum LogFormat {
    public static func value(_ raw: String) -> String {
        if raw.isEmpty { return "\"\"" }
        let needsQuotes = raw.unicodeScalars.contains { $0 == " " || $0 == "=" || $0 == "\"" || $0.value < 0x20 || $0 == "\\" }
        guard needsQuotes else { return raw }
        var out = "\""
        for scalar in raw.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\x%02x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    static func flatten(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let s): return s
        case .stringConvertible(let c): return c.description
        case .array(let items): return items.map { flatten($0) }.joined(separator: ",")
        case .dictionary(let dict): return dict.keys.sorted().map { "\($0):\(flatten(dict[$0]!))" }.joined(separator: ",")
        }
    }
}

/// Process-wide logging set-up.
public enum WinnowLogging {
    /// Installs the key=value handler once; later calls only matter for the level.
    public static func bootstrap(level: Logger.Level) {
        let journal = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil
        SharedLogLevel.current = level
        LoggingSystem.bootstrap { label in
            KeyValueLogHandler(label: label, journal: journal)
        }
    }
}
