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
        /// The defaults (`winnow extract URL`, which reads no config).
        public init() {}
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
    public struct Pipeline: Sendable, Equatable {
        /// Threads that read and extract inputs; decisions and writes stay on one.
        public var workers: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
        /// Inputs decided and committed together (one transaction, one fsync per folder).
        public var batchSize: Int = 64
    }
    /// Where the index lives: SQLite in the state folder (one machine), or a PostgreSQL
    /// database several nodes share.
    public struct Index: Sendable, Equatable {
        public enum Backend: String, Sendable { case sqlite, postgres }
        public var backend: Backend = .sqlite
        /// libpq connection string (`postgresql://…` or `host=… dbname=…`); the password
        /// belongs in `PGPASSWORD` or a `PGPASSFILE`, not here.
        public var url: String? = nil
        /// This node's name in the cluster (leases, `winnow status`); default: host name.
        public var node: String = ProcessInfo.processInfo.hostName
        /// How long a node holds a feed it polls before another may take it over.
        public var leaseSeconds: Int = 120
        /// True when several nodes may share the index (PostgreSQL).
        public var isShared: Bool { backend == .postgres }

        public init(backend: Backend = .sqlite, url: String? = nil, node: String = ProcessInfo.processInfo.hostName,
                    leaseSeconds: Int = 120) {
            self.backend = backend
            self.url = url
            self.node = node
            self.leaseSeconds = leaseSeconds
        }
    }
    public struct Output: Sendable, Equatable {
        /// Articles in `<archive>/feed.atom`, newest first; 0 turns the feed off.
        public var feedEntries: Int = 100
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
    public var pipeline = Pipeline()
    public var output = Output()
    public var index = Index()
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
    ///
    /// The file is read whole and refused when it changes while being read (an editor or
    /// a deploy tool mid-write), so a reload never applies half a file.
    public static func load(path: String) throws(ConfigError) -> Config {
        func failure(_ message: String) -> ConfigError { ConfigError(file: path, problems: [.init(line: 0, key: nil, message: message)]) }
        var before = stat(), after = stat()
        let data: [UInt8]
        do throws(FileError) {
            guard stat(path, &before) == 0 else { throw FileError(path: path, operation: "stat", code: errno) }
            data = try FileOps.read(path, limit: 1 << 20, followSymlinks: true)
        } catch {
            switch error.code {
            case ENOENT: throw failure("config file does not exist")
            case EFBIG: throw failure("config file is over 1 MiB")
            default: throw failure("config file cannot be read (\(String(cString: strerror(error.code))))")
            }
        }
        guard stat(path, &after) == 0, after.st_size == before.st_size, after.st_mtim.tv_sec == before.st_mtim.tv_sec,
              after.st_mtim.tv_nsec == before.st_mtim.tv_nsec, after.st_ino == before.st_ino, Int(after.st_size) == data.count else {
            throw failure("config file changed while it was being read (still being written?); not applied")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ConfigError(file: path, problems: [.init(line: 0, key: nil, message: "config file is not valid UTF-8")])
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(text, file: path, baseDirectory: base)
    }

    /// Parses config text; relative paths are resolved against `baseDirectory`.
    public static func parse(_ text: String, file: String, baseDirectory: String) throws(ConfigError) -> Config {
        // Syntax errors and bad values together, sorted by line: one typo hides nothing.
        let (root, syntaxErrors) = TOMLParser.parseRecovering(text)
        var reader = ConfigReader()
        let config = reader.read(root, baseDirectory: baseDirectory, file: file)
        let problems = syntaxErrors.map { ConfigError.Problem(line: $0.line, key: nil, message: $0.message) } + reader.problems
        if !problems.isEmpty {
            throw ConfigError(file: file, problems: problems.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element))
        }
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
