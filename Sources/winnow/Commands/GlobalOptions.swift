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
    func load() throws -> (Config, Logger) {
        let loaded: Config
        do {
            loaded = try Config.load(path: configPath)
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(2)
        }
        var level = loaded.logLevel
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
