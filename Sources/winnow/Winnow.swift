import ArgumentParser
import WinnowCore

@main
struct Winnow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "winnow",
        abstract: "Turns feeds and saved pages into a clean, deduplicated news archive.",
        version: "winnow \(WinnowVersion.string)",
        subcommands: [
            RunCommand.self, OnceCommand.self, IngestCommand.self, ExtractCommand.self, CheckConfigCommand.self,
            ReindexCommand.self, StatusCommand.self, FeedsCommand.self, VersionCommand.self, SimilarCommand.self,
            SearchCommand.self, ShowCommand.self, ExportCommand.self, BenchCommand.self,
        ])
}
