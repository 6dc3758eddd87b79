import Foundation
import WinnowCore

extension ArchiveIndex {
    /// Opens the index for `winnow reindex`, whatever state the file is in: a file SQLite
    /// cannot open or whose integrity check fails is moved aside, with its `-wal` and
    /// `-shm`, as `index.sqlite.corrupt-<UTC time>`, and a fresh index is created in its
    /// place. Returns the index and the path it moved aside, if any.
    public static func openForRebuild(stateDirectory: String, now: Date = Date()) throws -> (ArchiveIndex, movedAside: String?) {
        let path = file(in: stateDirectory)
        var problem: String?
        if access(path, F_OK) == 0 {
            do {
                let index = try ArchiveIndex(stateDirectory: stateDirectory)
                problem = index.integrityProblems()
                if problem == nil { return (index, nil) }
            } catch {
                problem = "\(error)"
            }
        }
        guard problem != nil else { return (try ArchiveIndex(stateDirectory: stateDirectory), nil) }
        let stamp = now.rfc3339.replacingOccurrences(of: ":", with: "")
        let aside = path + ".corrupt-" + stamp
        for suffix in ["", "-wal", "-shm"] where access(path + suffix, F_OK) == 0 {
            guard rename(path + suffix, aside + suffix) == 0 else {
                throw FileError(path: path + suffix, operation: "move aside", code: errno)
            }
        }
        FileOps.syncDirectory(stateDirectory)
        return (try ArchiveIndex(stateDirectory: stateDirectory), aside)
    }
}
