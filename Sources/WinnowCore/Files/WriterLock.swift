import Foundation

/// Another process holds the writer lock of a state folder.
public struct WriterLockError: Error, CustomStringConvertible, Sendable {
    /// The state folder.
    public var state: String
    /// The holder's pid as it wrote it into the lock file, when readable.
    public var holder: Int32?
    /// Set when the lock file itself could not be opened or locked.
    public var failure: FileError?

    public var description: String {
        if let failure { return "cannot take the writer lock of \(state): \(failure)" }
        return "another winnow (pid \(holder.map(String.init) ?? "unknown")) holds \(state)"
    }
}

/// The one-writer rule: the process that owns the index and the archive holds an exclusive
/// `flock` on `<state>/writer.lock` for its whole life. The kernel drops the lock when the
/// process dies, however it dies, so a crash never leaves a stale lock behind; the pid
/// written into the file only names the holder in the error a second writer gets.
public final class WriterLock: @unchecked Sendable {
    public let path: String
    private let descriptor: Int32

    /// The lock file's name inside the state folder.
    public static let fileName = "writer.lock"

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }  // closing the descriptor releases the lock

    /// Takes the lock of `stateDirectory` (creating the folder if needed), or throws naming
    /// the process that holds it. Never waits.
    public static func acquire(stateDirectory: String) throws(WriterLockError) -> WriterLock {
        do { try FileOps.makeDirectory(stateDirectory) } catch {
            throw WriterLockError(state: stateDirectory, holder: nil, failure: error)
        }
        let path = stateDirectory + "/" + fileName
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw WriterLockError(state: stateDirectory, holder: nil, failure: FileError(path: path, operation: "open", code: errno))
        }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            let holder = readHolder(fd)
            close(fd)
            if code == EWOULDBLOCK { throw WriterLockError(state: stateDirectory, holder: holder, failure: nil) }
            throw WriterLockError(state: stateDirectory, holder: nil, failure: FileError(path: path, operation: "lock", code: code))
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return WriterLock(path: path, descriptor: fd)
    }

    private static func readHolder(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        return Int32(String(decoding: buffer.prefix(n), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
