import Foundation

/// A config file for a test, with archive, inbox and state inside a temporary folder.
public struct TestWorkspace {
    public let directory: TemporaryDirectory
    public let configPath: String
    public var archive: String { directory.path + "/archive" }
    public var inbox: String { directory.path + "/inbox" }
    public var state: String { directory.path + "/state" }

    /// `extra` is appended to the config (e.g. `[[feeds]]` tables).
    public init(extra: String = "", inboxMode: String = "inotify", settleMilliseconds: Int = 200) {
        directory = TemporaryDirectory()
        configPath = directory.write("winnow.toml", """
            [paths]
            archive = "archive"
            inbox = "inbox"
            state = "state"

            [log]
            level = "debug"

            [inbox]
            mode = "\(inboxMode)"
            settle_ms = \(settleMilliseconds)

            \(extra)
            """)
    }

    /// The five sample clippings in `seeds/`, sorted.
    public static var seedPaths: [String] {
        let dir = repositoryRoot + "/seeds"
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".txt") }.sorted().map { dir + "/" + $0 }
    }

    /// The repository root (for `seeds/`), found from this source file's location.
    public static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }
}
