import Foundation
import Logging

/// Winnow's configuration, read from a TOML file (see `config/winnow.toml`).
///
/// Relative paths are resolved against the folder holding the config file, so the same
/// file works whatever the current directory is.
public struct Config: Sendable, Equatable {
    public struct Paths: Sendable, Equatable {
        public var archive: String
        public var inbox: String
        public var state: String
    }
    public struct Dedupe: Sendable, Equatable {
        /// A near-duplicate when the shingle Jaccard similarity reaches this.
        public var jaccard: Double = 0.7
        /// A near-duplicate when this share of the new text's shingles is in a stored article.
        public var containment: Double = 0.9
        public var shingleWords: Int = 3
        /// Articles older than this many days leave the candidate set; 0 keeps all.
        public var horizonDays: Int = 0
    }
    public struct Fetch: Sendable, Equatable {
        public var userAgent: String = "Winnow/\(WinnowVersion.string) (+https://github.com/winnow-news/winnow)"
        public var connectTimeoutSeconds: Int = 10
        public var timeoutSeconds: Int = 60
        public var maxBodyBytes: Int = 15 * 1024 * 1024
        public var maxConnections: Int = 8
        public var perHost: Int = 2
        public var hostDelayMilliseconds: Int = 500
        public var maxRedirects: Int = 5
        public var proxy: String? = nil
    }
    public struct Schedule: Sendable, Equatable {
        public var intervalMinutes: Int = 30
        public var jitterPercent: Int = 10
        public var backoffMinMinutes: Int = 5
        public var backoffMaxMinutes: Int = 24 * 60
        public var entryRetries: Int = 5
    }
    public struct Inbox: Sendable, Equatable {
        public enum Mode: String, Sendable { case inotify, poll }
        public var mode: Mode = .inotify
        public var rescanSeconds: Int = 60
        public var settleMilliseconds: Int = 1000
        public var maxFileBytes: Int = 20 * 1024 * 1024
        /// Extraction time budget per input; past it the input fails with the reason.
        public var maxSeconds: Int = 10
        /// An input interrupted (crash, kill) this many times while processing is quarantined.
        public var maxInterruptions: Int = 2
    }
    public struct Feed: Sendable, Equatable {
        public var url: String
        public var name: String?
        public var intervalMinutes: Int?
        public var insecureTLS: Bool = false
        public var line: Int
    }

    public var paths: Paths
    public var logLevel: Logger.Level = .info
    public var dedupe = Dedupe()
    public var fetch = Fetch()
    public var schedule = Schedule()
    public var inbox = Inbox()
    public var feeds: [Feed] = []
    /// The file this was read from, if any.
    public var source: String?

    /// A configuration with every default and the given folders (for tests and `--archive`-style use).
    public init(archive: String, inbox: String, state: String) {
        paths = Paths(archive: archive, inbox: inbox, state: state)
    }

    /// The default location, overridden by `$WINNOW_CONFIG`.
    public static var defaultPath: String {
        ProcessInfo.processInfo.environment["WINNOW_CONFIG"] ?? "/etc/winnow/winnow.toml"
    }

    /// Reads and validates a config file; every problem found is reported at once.
    public static func load(path: String) throws(ConfigError) -> Config {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            throw ConfigError(file: path, problems: [.init(line: 0, key: nil, message: "config file \(reason)")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, problems: [.init(line: 0, key: nil, message: "config file is not valid UTF-8")])
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(text, file: path, baseDirectory: base)
    }

    /// Parses config text; relative paths are resolved against `baseDirectory`.
    public static func parse(_ text: String, file: String, baseDirectory: String) throws(ConfigError) -> Config {
        let root: TOMLTable
        do { root = try TOMLParser.parse(text) } catch {
            throw ConfigError(file: file, problems: [.init(line: error.line, key: nil, message: error.message)])
        }
        var reader = ConfigReader()
        let config = reader.read(root, baseDirectory: baseDirectory, file: file)
        if !reader.problems.isEmpty { throw ConfigError(file: file, problems: reader.problems) }
        return config!
    }
}

/// Everything wrong with a config file, each problem with its line and key.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public struct Problem: Sendable, CustomStringConvertible {
        public var line: Int
        public var key: String?
        public var message: String
        public var description: String {
            let place = line > 0 ? "line \(line): " : ""
            return place + (key.map { "\($0): " } ?? "") + message
        }
    }
    public var file: String
    public var problems: [Problem]
    public var description: String {
        problems.map { "\(file): \($0)" }.joined(separator: "\n")
    }
}

public enum WinnowVersion {
    public static let string = "0.1.0"
}
