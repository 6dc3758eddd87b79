import Foundation
import WinnowCore

/// The inbox folder's layout and the rules for which files in it are work.
public struct InboxFolder: Sendable {
    public let root: String
    public var processed: String { root + "/processed" }
    public var failed: String { root + "/failed" }

    public init(root: String) {
        self.root = root
    }

    /// Creates the inbox and its `processed/` and `failed/` folders.
    public func prepare() throws(FileError) {
        try FileOps.makeDirectory(root)
        try FileOps.makeDirectory(processed)
        try FileOps.makeDirectory(failed)
    }

    /// Names that are still being written or are not meant for Winnow.
    public static func isIgnored(name: String) -> Bool {
        if name.hasPrefix(".") || name.hasSuffix("~") { return true }
        let lower = name.lowercased()
        return [".part", ".crdownload", ".tmp", ".swp", ".partial", ".download"].contains { lower.hasSuffix($0) }
    }

    /// A candidate file in the inbox, relative to its root.
    public struct Entry: Sendable, Hashable {
        public var relativePath: String
        public var isSymlink: Bool
        public var size: Int
        public var modified: TimeInterval
    }

    /// Every file waiting in the inbox, recursively, oldest first; `processed/` and
    /// `failed/` are skipped, and so are ignored names. Symlinks are listed (to be refused),
    /// never followed.
    public func pending() -> [Entry] {
        var entries: [Entry] = []
        collect(relative: "", into: &entries)
        return entries.sorted { ($0.modified, $0.relativePath) < ($1.modified, $1.relativePath) }
    }

    private func collect(relative: String, into entries: inout [Entry]) {
        let directory = relative.isEmpty ? root : root + "/" + relative
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names.sorted() {
            if Self.isIgnored(name: name) { continue }
            let rel = relative.isEmpty ? name : relative + "/" + name
            if relative.isEmpty, name == "processed" || name == "failed" { continue }
            var st = stat()
            guard lstat(root + "/" + rel, &st) == 0 else { continue }
            let type = st.st_mode & S_IFMT
            if type == S_IFDIR {
                collect(relative: rel, into: &entries)
            } else if type == S_IFREG || type == S_IFLNK {
                let modified = TimeInterval(st.st_mtim.tv_sec) + TimeInterval(st.st_mtim.tv_nsec) / 1e9
                entries.append(Entry(relativePath: rel, isSymlink: type == S_IFLNK, size: Int(st.st_size), modified: modified))
            }
        }
    }

    /// Removes empty sub-folders left after their files were processed.
    public func removeEmptyFolders(of relativePath: String) {
        var folder = (relativePath as NSString).deletingLastPathComponent
        while !folder.isEmpty {
            guard rmdir(root + "/" + folder) == 0 else { return }
            folder = (folder as NSString).deletingLastPathComponent
        }
    }
}
