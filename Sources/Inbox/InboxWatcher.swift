import Dispatch
import Foundation
import Logging

/// Watches the inbox with inotify and tells which files are complete.
///
/// Files seen being written (`IN_CREATE`, `IN_MODIFY`) are held back until closed
/// (`IN_CLOSE_WRITE`) or moved in (`IN_MOVED_TO`); links arrive whole. The processor
/// still waits for the settle time after the close, for writers that reopen to append. Sub-folders are
/// watched as they appear (a copied-in folder), except `processed/` and `failed/`. On
/// queue overflow the caller rescans. All state is confined to the queue given to `start`.
public final class InboxWatcher: @unchecked Sendable {
    public struct Event: Sendable {
        /// Files known complete, relative to the inbox root.
        public var ready: Set<String>
        /// Something changed that needs a full scan (new folder, overflow).
        public var rescan: Bool
    }

    private let folder: InboxFolder
    private let logger: Logger
    private var fd: Int32 = -1
    private var source: DispatchSourceRead?
    private var directories: [Int32: String] = [:]  // watch descriptor → relative folder ("" is the root)
    /// Files with writes seen but no close yet.
    public private(set) var writing: Set<String> = []

    public init(folder: InboxFolder, logger: Logger) {
        self.folder = folder
        self.logger = logger
    }

    deinit { stop() }

    /// Starts watching; `handler` runs on `queue` for each batch of events.
    public func start(queue: DispatchQueue, handler: @escaping @Sendable (Event) -> Void) throws {
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw InboxWatchError(message: "inotify_init1: \(String(cString: strerror(errno)))") }
        try watchTree("")
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        source.setEventHandler { @Sendable [weak self] in
            guard let self else { return }
            let event = self.readEvents()
            if let event { handler(event) }
        }
        source.resume()
        self.source = source
    }

    public func stop() {
        source?.cancel()
        source = nil
        if fd >= 0 { close(fd); fd = -1 }
    }

    private static let mask: UInt32 = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_MODIFY | IN_DELETE_SELF | IN_MOVED_FROM | IN_DELETE)

    /// Adds watches for a folder and its sub-folders.
    private func watchTree(_ relative: String) throws {
        let path = relative.isEmpty ? folder.root : folder.root + "/" + relative
        let wd = inotify_add_watch(fd, path, Self.mask | UInt32(IN_ONLYDIR) | UInt32(IN_DONT_FOLLOW))
        guard wd >= 0 else {
            if relative.isEmpty { throw InboxWatchError(message: "inotify_add_watch \(path): \(String(cString: strerror(errno)))") }
            return
        }
        directories[wd] = relative
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        for name in names where !InboxFolder.isIgnored(name: name) {
            if relative.isEmpty, name == "processed" || name == "failed" { continue }
            let child = relative.isEmpty ? name : relative + "/" + name
            var st = stat()
            if lstat(folder.root + "/" + child, &st) == 0, st.st_mode & S_IFMT == S_IFDIR { try watchTree(child) }
        }
    }

    private func readEvents() -> Event? {
        var ready = Set<String>()
        var rescan = false
        let size = 64 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer, size)
            if n <= 0 { break }
            var offset = 0
            while offset < n {
                let event = (buffer + offset).assumingMemoryBound(to: inotify_event.self).pointee
                let nameLength = Int(event.len)
                var name = ""
                if nameLength > 0 {
                    let namePointer = (buffer + offset + MemoryLayout<inotify_event>.size).assumingMemoryBound(to: CChar.self)
                    name = String(cString: namePointer)
                }
                offset += MemoryLayout<inotify_event>.size + nameLength
                if event.mask & UInt32(IN_Q_OVERFLOW) != 0 {
                    logger.warning("inbox.overflow", metadata: ["reason": "inotify queue overflowed; rescanning"])
                    rescan = true
                    continue
                }
                if event.mask & UInt32(IN_IGNORED) != 0 { directories[event.wd] = nil; continue }
                guard let directory = directories[event.wd], !name.isEmpty, !InboxFolder.isIgnored(name: name) else { continue }
                if directory.isEmpty, name == "processed" || name == "failed" { continue }
                let relative = directory.isEmpty ? name : directory + "/" + name
                if event.mask & UInt32(IN_ISDIR) != 0 {
                    if event.mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 {
                        try? watchTree(relative)
                        rescan = true
                    }
                    continue
                }
                if event.mask & UInt32(IN_CLOSE_WRITE | IN_MOVED_TO) != 0 {
                    writing.remove(relative)
                    ready.insert(relative)
                } else if event.mask & UInt32(IN_CREATE | IN_MODIFY) != 0 {
                    // A symlink, or a hard link to an existing file (a second name for an
                    // inode), arrives whole on IN_CREATE; anything else may still be written.
                    // (A later write through the link still shows as IN_MODIFY.)
                    var st = stat()
                    if event.mask & UInt32(IN_CREATE) != 0, lstat(folder.root + "/" + relative, &st) == 0,
                       st.st_mode & S_IFMT == S_IFLNK || st.st_nlink > 1 {
                        ready.insert(relative)
                    } else {
                        writing.insert(relative)
                        ready.remove(relative)
                    }
                } else if event.mask & UInt32(IN_MOVED_FROM | IN_DELETE) != 0 {
                    writing.remove(relative)
                    ready.remove(relative)
                }
            }
        }
        return ready.isEmpty && !rescan ? nil : Event(ready: ready, rescan: rescan)
    }
}

public struct InboxWatchError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
