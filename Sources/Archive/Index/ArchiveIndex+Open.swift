import Foundation
import WinnowCore

extension ArchiveIndex {
    /// The writer's index where the config puts it (`[index] backend`): SQLite in the state
    /// folder, or the shared PostgreSQL database.
    public static func openForWriting(_ config: Config) throws -> ArchiveIndex {
        switch config.index.backend {
        case .sqlite: return try ArchiveIndex(stateDirectory: config.paths.state)
        case .postgres: return try ArchiveIndex(postgres: config.index.url ?? "")
        }
    }

    /// A reader's index where the config puts it: read-only, creating nothing; nil when a
    /// SQLite index does not exist yet.
    public static func openForReading(_ config: Config) throws -> ArchiveIndex? {
        switch config.index.backend {
        case .sqlite: return try openForReading(stateDirectory: config.paths.state)
        case .postgres: return try ArchiveIndex(postgres: config.index.url ?? "", readOnly: true)
        }
    }

    /// The index for `winnow reindex`: a damaged SQLite file is moved aside first;
    /// PostgreSQL looks after its own files.
    public static func openForRebuild(_ config: Config) throws -> (ArchiveIndex, movedAside: String?) {
        switch config.index.backend {
        case .sqlite: return try openForRebuild(stateDirectory: config.paths.state)
        case .postgres: return (try ArchiveIndex(postgres: config.index.url ?? ""), nil)
        }
    }
}
