import CSystem
import Foundation

/// A failed file-system operation, naming the path and the system's reason.
public struct FileError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var operation: String
    public var code: Int32
    /// Said instead of the system's message when that would mislead.
    public var reason: String?
    public var description: String { "\(operation) \(path): \(reason ?? String(cString: strerror(code)))" }

    public init(path: String, operation: String, code: Int32, reason: String? = nil) {
        self.path = path
        self.operation = operation
        self.code = code
        self.reason = reason
    }
}

/// Crash-safe file operations: everything visible under its final name is complete.
public enum FileOps {
    /// Creates a folder and its parents (mode 0755); fine if it exists.
    public static func makeDirectory(_ path: String) throws(FileError) {
        if mkdir(path, 0o755) == 0 || errno == EEXIST { return }
        if errno == ENOENT {
            let parent = (path as NSString).deletingLastPathComponent
            guard !parent.isEmpty, parent != path else { throw FileError(path: path, operation: "mkdir", code: ENOENT) }
            try makeDirectory(parent)
            if mkdir(path, 0o755) == 0 || errno == EEXIST { return }
        }
        throw FileError(path: path, operation: "mkdir", code: errno)
    }

    /// Writes `bytes` to a new temp file in `directory`, fsyncs it and returns its path.
    /// With `sync: false` the data is not yet durable: the caller makes it so
    /// (`syncFile`, or `syncFilesystem` for a whole batch) before publishing the file.
    public static func writeTemporary(_ bytes: [UInt8], in directory: String, hint: String, sync: Bool = true) throws(FileError) -> String {
        // The hint is cut short so the temp name stays under NAME_MAX whatever it names.
        let temp = directory + "/.\(FileNames.fit(hint, limit: 200)).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileError(path: temp, operation: "create", code: errno) }
        var ok = true
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 { if errno == EINTR { continue }; ok = false; failure = errno; return }
                offset += n
            }
        }
        if ok, sync, fsync(fd) != 0 { ok = false; failure = errno }
        close(fd)
        if !ok {
            unlink(temp)
            throw FileError(path: temp, operation: "write", code: failure)
        }
        return temp
    }

    /// fsync of one file by path.
    public static func syncFile(_ path: String) throws(FileError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(path: path, operation: "open", code: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw FileError(path: path, operation: "sync", code: errno) }
    }

    /// `syncfs` of the file system holding `path`: every written file and folder on it is
    /// durable after one call, which is what a batch of many new files needs (one journal
    /// commit instead of one per file and per folder).
    public static func syncFilesystem(_ path: String) throws(FileError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(path: path, operation: "open", code: errno) }
        defer { close(fd) }
        guard winnow_syncfs(fd) == 0 else { throw FileError(path: path, operation: "syncfs", code: errno) }
    }

    /// Atomically replaces `path` with `bytes` (temp file, fsync, rename, fsync folder).
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(FileError) {
        let directory = (path as NSString).deletingLastPathComponent
        let temp = try writeTemporary(bytes, in: directory, hint: (path as NSString).lastPathComponent)
        guard rename(temp, path) == 0 else {
            let code = errno
            unlink(temp)
            throw FileError(path: path, operation: "rename", code: code)
        }
        syncDirectory(directory)
    }

    /// Gives `temp` the name `path` only if nothing has that name yet (hard link + unlink),
    /// so an existing file is never replaced. Returns false when the name is taken.
    public static func publishNew(_ temp: String, as path: String) throws(FileError) -> Bool {
        if link(temp, path) == 0 {
            unlink(temp)
            return true
        }
        if errno == EEXIST { return false }
        throw FileError(path: path, operation: "link", code: errno)
    }

    /// The first name `name`, `stem-2.ext`, `stem-3.ext`… that is free in `directory`.
    /// Returns the full path.
    public static func freeName(for source: String, in directory: String) throws(FileError) -> String {
        try makeDirectory(directory)
        let name = (source as NSString).lastPathComponent
        let stem = (name as NSString).deletingPathExtension
        let ext = (name as NSString).pathExtension
        var attempt = 1
        while true {
            let candidate = attempt == 1 ? name : FileNames.fit("\(stem)-\(attempt)" + (ext.isEmpty ? "" : ".\(ext)"))
            let target = directory + "/" + candidate
            var st = stat()
            if lstat(target, &st) != 0 { return target }
            attempt += 1
        }
    }

    /// Moves a file into `directory` without ever replacing another: a taken name gets
    /// `-2`, `-3`… A single rename, so a crash leaves the file either here or there, never
    /// in both places. Returns the final path.
    public static func moveWithoutClobbering(_ source: String, into directory: String, preferredPath: String? = nil) throws(FileError) -> String {
        var target: String
        if let preferredPath { target = preferredPath } else { target = try freeName(for: source, in: directory) }
        var st = stat()
        if lstat(target, &st) == 0 { target = try freeName(for: source, in: directory) }
        guard rename(source, target) == 0 else { throw FileError(path: target, operation: "move", code: errno) }
        syncDirectory(directory)
        syncDirectory((source as NSString).deletingLastPathComponent)
        return target
    }

    /// fsync on a folder makes a rename or link in it durable.
    public static func syncDirectory(_ path: String) {
        let fd = open(path.isEmpty ? "." : path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    /// Reads a whole regular file, refusing more than `limit` bytes. Anything else (a FIFO,
    /// a device) is refused without blocking: O_NONBLOCK keeps the open of a FIFO with no
    /// writer from waiting for ever, and is without effect on regular files. Symbolic links
    /// are refused (`ELOOP`) unless `followSymlinks`: inputs are never read through a link.
    public static func read(_ path: String, limit: Int, followSymlinks: Bool = false) throws(FileError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | (followSymlinks ? 0 : O_NOFOLLOW))
        guard fd >= 0 else { throw FileError(path: path, operation: "open", code: errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileError(path: path, operation: "stat", code: errno) }
        guard st.st_mode & S_IFMT == S_IFREG else {
            throw FileError(path: path, operation: "read", code: EINVAL, reason: "not a regular file")
        }
        if Int(st.st_size) > limit { throw FileError(path: path, operation: "read", code: EFBIG) }
        var bytes = [UInt8](repeating: 0, count: Int(st.st_size))
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 { if errno == EINTR { continue }; throw FileError(path: path, operation: "read", code: errno) }
            if n == 0 { break }
            offset += n
        }
        return Array(bytes.prefix(offset))
    }
}

/// Scheduling of the calling thread.
public enum ThreadPriority {
    /// Lowers the calling thread's priority (a higher nice value) for the rest of its life:
    /// background work that should yield the core to a thread on the critical path.
    public static func lower(by increment: Int32) {
        _ = winnow_nice_thread(increment)
    }
}
