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

    /// A candidate in the inbox, relative to its root.
    public struct Entry: Sendable, Hashable {
        /// The path as text (bytes that are not UTF-8 shown as `\ooo`): the input's origin.
        public var relativePath: String
        /// The path's bytes as on disk.
        public var rawPath: [UInt8]
        public var isSymlink: Bool
        public var size: Int
        public var modified: TimeInterval
        /// Why this is not a file Winnow can read (a FIFO, a device, a name that is not
        /// UTF-8): it goes to `failed/` with this reason, and is never opened.
        public var refusal: String?
        /// Why it cannot even be moved (a path longer than PATH_MAX): left in place,
        /// reported once.
        public var stuck: String?
    }

    /// Every entry waiting in the inbox, recursively, oldest first; `processed/` and
    /// `failed/` are skipped, and so are ignored names. Symlinks are listed (to be refused),
    /// never followed. Listed from raw bytes, so no name is dropped.
    public func pending() -> [Entry] {
        var entries: [Entry] = []
        collect(relative: [], textPrefix: "", validPrefix: true, into: &entries)
        return entries.sorted { ($0.modified, $0.relativePath) < ($1.modified, $1.relativePath) }
    }

    private static let pathMax = Int(PATH_MAX)

    private func collect(relative: [UInt8], textPrefix: String, validPrefix: Bool, into entries: inout [Entry]) {
        let rootBytes = Array(root.utf8)
        let directory = relative.isEmpty ? rootBytes : rootBytes + [0x2F] + relative
        guard let names = RawNames.list(directory) else {
            if errno == ENAMETOOLONG { entries.append(Self.stuck(relative, textPrefix, reason: Self.tooLong)) }
            return
        }
        for name in names.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let (text, valid) = RawNames.display(name)
            if Self.isIgnored(name: text) { continue }
            if relative.isEmpty, text == "processed" || text == "failed" { continue }
            let rel = relative.isEmpty ? name : relative + [0x2F] + name
            let relText = textPrefix.isEmpty ? text : textPrefix + "/" + text
            let full = rootBytes + [0x2F] + rel
            if full.count >= Self.pathMax {
                entries.append(Self.stuck(rel, relText, reason: Self.tooLong))
                continue
            }
            guard let st = RawNames.lstat(full) else { continue }  // vanished meanwhile
            let type = st.st_mode & S_IFMT
            if type == S_IFDIR {
                collect(relative: rel, textPrefix: relText, validPrefix: validPrefix && valid, into: &entries)
                continue
            }
            let modified = TimeInterval(st.st_mtim.tv_sec) + TimeInterval(st.st_mtim.tv_nsec) / 1e9
            var entry = Entry(relativePath: relText, rawPath: rel, isSymlink: type == S_IFLNK, size: Int(st.st_size),
                              modified: modified)
            if let kind = Self.specialKind(type) {
                entry.refusal = "is a \(kind), not a regular file; it was not opened"
            } else if !(validPrefix && valid) {
                entry.refusal = "file name is not valid UTF-8"
            }
            entries.append(entry)
        }
    }

    private static let tooLong = "path is longer than PATH_MAX (\(Int(PATH_MAX)) bytes); move it somewhere shorter"

    private static func stuck(_ rel: [UInt8], _ text: String, reason: String) -> Entry {
        Entry(relativePath: text, rawPath: rel, isSymlink: false, size: 0, modified: 0, stuck: reason)
    }

    private static func specialKind(_ type: mode_t) -> String? {
        switch type {
        case S_IFIFO: "FIFO (named pipe)"
        case S_IFCHR: "character device"
        case S_IFBLK: "block device"
        case S_IFSOCK: "socket"
        default: nil
        }
    }

    /// Removes empty sub-folders left after their files were processed.
    public func removeEmptyFolders(of entry: Entry) {
        let rootBytes = Array(root.utf8)
        var folder = entry.rawPath
        while let slash = folder.lastIndex(of: 0x2F) {
            folder = Array(folder[..<slash])
            guard RawNames.withCString(rootBytes + [0x2F] + folder, { rmdir($0) }) == 0 else { return }
        }
    }
}
