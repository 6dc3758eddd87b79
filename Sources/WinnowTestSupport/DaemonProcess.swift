import Foundation

/// The real `winnow` binary running as a child process, with its log lines captured so a
/// test can wait for an event instead of sleeping.
public final class DaemonProcess: @unchecked Sendable {
    public let process = Process()
    private let condition = NSCondition()
    private var lines: [String] = []
    private var finished = false

    public init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: WinnowBinary.path)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "JOURNAL_STREAM")
        env.removeValue(forKey: "NOTIFY_SOCKET")
        env.removeValue(forKey: "WATCHDOG_USEC")
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let handle = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            var pending = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    condition.lock()
                    lines.append(line)
                    condition.broadcast()
                    condition.unlock()
                }
            }
            condition.lock()
            finished = true
            condition.broadcast()
            condition.unlock()
        }
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// Every log line so far.
    public var log: [String] {
        condition.lock()
        defer { condition.unlock() }
        return lines
    }

    /// Waits until a log line satisfies `match` (searching from line `from`); returns its
    /// index, or nil on timeout or exit.
    @discardableResult
    public func waitForLine(from start: Int = 0, timeout: TimeInterval = 30, _ match: (String) -> Bool) -> Int? {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        var checked = start
        while true {
            while checked < lines.count {
                if match(lines[checked]) { return checked }
                checked += 1
            }
            if finished || !condition.wait(until: deadline) { return nil }
        }
    }

    /// Waits for `count` lines containing `needle`.
    public func waitForCount(_ needle: String, count: Int, timeout: TimeInterval = 60) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while lines.filter({ $0.contains(needle) }).count < count {
            if finished || !condition.wait(until: deadline) { return false }
        }
        return true
    }

    public func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// Waits for the process to exit and returns its status, or nil after `timeout`.
    public func waitForExit(timeout: TimeInterval = 15) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline { return nil }
            usleep(10_000)  // Process offers no waitable handle with a timeout.
        }
        return process.terminationStatus
    }
}

/// A datagram socket standing in for systemd's `$NOTIFY_SOCKET`.
public final class NotifyListener: @unchecked Sendable {
    public let path: String
    private let fd: Int32

    public init(directory: String) {
        path = directory + "/notify.sock"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        precondition(rc == 0, "bind \(path) failed")
    }

    deinit { close(fd) }

    /// The next message, or nil when none arrives within `timeout`.
    public func receive(timeout: TimeInterval = 30) -> String? {
        var pollfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pollfd, 1, Int32(timeout * 1000)) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buffer, buffer.count, 0)
        return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : nil
    }

    /// Receives messages until one satisfies `match`; returns all received, in order.
    public func receive(until match: (String) -> Bool, timeout: TimeInterval = 30) -> [String] {
        var messages: [String] = []
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, let message = receive(timeout: deadline.timeIntervalSinceNow) {
            messages.append(message)
            if match(message) { break }
        }
        return messages
    }
}
