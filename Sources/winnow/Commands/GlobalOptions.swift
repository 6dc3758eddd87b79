import ArgumentParser
import Foundation
import Logging
import WinnowCore

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Config file (default: $WINNOW_CONFIG or /etc/winnow/winnow.toml).")
    var config: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error (overrides the config).")
    var logLevel: String?

    var configPath: String { config ?? Config.defaultPath }

    /// Loads the config and sets up logging; exits 2 with every problem on a bad config.
    /// A reader (`quiet`) logs warnings and worse unless `--log-level` says otherwise: its
    /// output is the answer, not a log.
    func load(quiet: Bool = false) throws -> (Config, Logger) {
        let loaded: Config
        do {
            loaded = try Config.load(path: configPath)
        } catch {
            if config == nil, access(configPath, F_OK) != 0 {
                let from = ProcessInfo.processInfo.environment["WINNOW_CONFIG"] != nil ? "$WINNOW_CONFIG" : "the default; $WINNOW_CONFIG is not set"
                printError("winnow: no config file at \(configPath) (\(from)); name one with --config PATH or $WINNOW_CONFIG "
                    + "(config/winnow.toml in the source tree is a commented example)")
            } else {
                printError(error.description)
            }
            throw ExitCode(2)
        }
        var level = quiet ? max(loaded.logLevel, .warning) : loaded.logLevel
        if let logLevel {
            guard let parsed = Logger.Level(configName: logLevel) else {
                throw ValidationError("--log-level '\(logLevel)' is not one of trace, debug, info, notice, warning, error, critical")
            }
            level = parsed
        }
        WinnowLogging.bootstrap(level: level)
        var logger = Logger(label: "winnow")
        logger.logLevel = level
        return (loaded, logger)
    }
}

/// Writes to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// A human table: columns padded to their widest cell, the last one left ragged.
func printTable(header: [String], rows: [[String]]) {
    let all = [header] + rows
    let widths = (0..<header.count).map { column in all.map { $0[column].count }.max() ?? 0 }
    for row in all {
        let cells = row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
        print(cells.joined(separator: "  "))
    }
}
