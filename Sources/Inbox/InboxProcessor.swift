import Extract
import Foundation
import Logging
import Pipeline
import WinnowCore

/// Turns inbox files into articles: each file ends in `processed/YYYY-MM-DD/` (stored or
/// duplicate) or in `failed/` with a `<name>.error.txt` saying why. Nothing is deleted.
///
/// Crash safety: an input is claimed in the index before work starts and released only
/// after the file has moved, so a file found again after a crash is finished from the
/// recorded decision instead of being processed twice. The claim counts attempts: an input
/// whose processing was interrupted `inbox.max_interruptions` times is quarantined in
/// `failed/` rather than tried again (it may be what kills the process).
///
/// One input never stops the queue: an error on it is logged and it is set aside while
/// later inputs proceed. Only an archive or index that cannot be written stops a drain
/// (`ArchiveUnavailable`): then no input can make progress.
public final class InboxProcessor {
    public let folder: InboxFolder
    let ingestor: Ingestor
    let logger: Logger
    /// Entries that cannot be moved, already reported (raw path → reason).
    private var reportedStuck: [[UInt8]: String] = [:]
    /// Inputs set aside after an error, with when to try them again.
    private var setAside: [[UInt8]: Date] = [:]
    /// How long an input that hit an error waits before it is tried again.
    public var setAsideSeconds: TimeInterval = 300

    public init(folder: InboxFolder, ingestor: Ingestor, logger: Logger) throws {
        self.folder = folder
        self.ingestor = ingestor
        self.logger = logger
        try folder.prepare()
    }

    /// When the inbox files are ready to be read.
    public struct Readiness: Sendable {
        /// Files seen open for writing and not closed yet: held back until closed or stale.
        public var writing: Set<String> = []
        /// Every other file must be unchanged this long, even after a close: a writer that
        /// reopens to append is still writing.
        public var settle: TimeInterval = 0
        /// A file held back as being written is taken anyway after this long unchanged.
        public var staleWriter: TimeInterval = 60

        public init(writing: Set<String> = [], settle: TimeInterval = 0, staleWriter: TimeInterval = 60) {
            self.writing = writing
            self.settle = settle
            self.staleWriter = staleWriter
        }
    }

    /// What a drain did and what is left.
    public struct DrainReport: Sendable {
        public var results: [IngestResult] = []
        /// Files left because they are not ready yet.
        public var waiting = 0
        /// Entries that cannot be processed where they are (reported once in the log).
        public var cannotProcess = 0
        /// True when the drain stopped early because `shouldStop` said so.
        public var interrupted = false
        /// True when it stopped at `limit` with more ready files left.
        public var more = false
    }

    /// Processes every ready file, oldest first. Throws only `ArchiveUnavailable`.
    @discardableResult
    public func drain(_ readiness: Readiness = Readiness(), limit: Int = .max, now: () -> Date = { Date() },
                      shouldStop: () -> Bool = { false }) throws -> DrainReport {
        var report = DrainReport()
        let entries = folder.pending()
        let present = Set(entries.map(\.rawPath))
        reportedStuck = reportedStuck.filter { present.contains($0.key) }
        setAside = setAside.filter { present.contains($0.key) }
        for entry in entries {
            if let reason = entry.stuck {
                report.cannotProcess += 1
                if reportedStuck[entry.rawPath] != reason {
                    reportedStuck[entry.rawPath] = reason
                    logger.error("inbox.cannot_process", metadata: ["file": "\(Self.short(entry.relativePath))", "reason": "\(reason)"])
                }
                continue
            }
            if let retry = setAside[entry.rawPath], now() < retry { report.cannotProcess += 1; continue }
            let age = now().timeIntervalSince1970 - entry.modified
            let ready = readiness.writing.contains(entry.relativePath) ? age >= readiness.staleWriter : age >= readiness.settle
            guard ready else { report.waiting += 1; continue }
            if shouldStop() { report.interrupted = true; break }
            if report.results.count >= limit { report.more = true; break }
            do {
                if let result = try process(entry) { report.results.append(result) }
            } catch let error as ArchiveUnavailable {
                throw error
            } catch {
                setAside[entry.rawPath] = now().addingTimeInterval(setAsideSeconds)
                report.cannotProcess += 1
                logger.error("inbox.set_aside", metadata: [
                    "file": "\(Self.short(entry.relativePath))", "reason": "\(error)", "retry_in_s": "\(Int(setAsideSeconds))",
                ])
            }
        }
        return report
    }

    /// Processes one inbox file; nil when it vanished before it could be read. Throws
    /// `ArchiveUnavailable` when the archive or index cannot be written, and other errors
    /// when this input cannot be moved out of the inbox.
    public func process(_ entry: InboxFolder.Entry) throws -> IngestResult? {
        let path = folder.root + "/" + entry.relativePath
        let origin = entry.relativePath
        if let refusal = entry.refusal {
            return try fail(entry: entry, reason: refusal)
        }
        if entry.isSymlink {
            return try fail(entry: entry, reason: "symbolic links are not followed")
        }
        guard let kind = InputKind(fileName: entry.relativePath) else {
            let ext = (entry.relativePath as NSString).pathExtension
            let reason = "unsupported file type" + (ext.isEmpty ? " (no extension)" : " '.\(ext)'") + "; expected .html, .htm or .txt"
            return try fail(entry: entry, reason: reason)
        }
        let bytes: [UInt8]
        do {
            bytes = try FileOps.read(path, limit: ingestor.config.inbox.maxFileBytes)
        } catch {
            if error.code == ENOENT { return nil }
            if error.code == EFBIG {
                return try fail(entry: entry, reason: "file is \(entry.size) bytes, over the limit of \(ingestor.config.inbox.maxFileBytes) bytes")
            }
            if error.code == ELOOP { return try fail(entry: entry, reason: "symbolic links are not followed") }
            return try fail(entry: entry, reason: error.description)
        }
        let input = IngestInput(bytes: bytes, kind: kind, origin: origin)
        let inputHash = input.inputHash
        // Committed before the work starts, so a kill during it is counted next time.
        let attempt = try ArchiveUnavailable.wrap { try ingestor.index.claimAttempt(origin: origin, inputHash: inputHash) }
        logger.log(level: attempt == 1 ? .debug : .notice, "inbox.claimed", metadata: ["file": "\(origin)", "attempt": "\(attempt)"])
        let interruptions = attempt - 1
        var result: IngestResult
        if interruptions > 0, let recorded = try ArchiveUnavailable.wrap({ try ingestor.recordedResult(for: input) }) {
            logger.notice("inbox.resumed", metadata: ["file": "\(origin)", "status": "\(recorded.status.rawValue)"])
            result = recorded
        } else if interruptions >= ingestor.config.inbox.maxInterruptions {
            result = try fail(entry: entry, reason: "interrupted \(interruptions) times while processing; quarantined", inputHash: inputHash)
            try ArchiveUnavailable.wrap { try ingestor.index.releaseClaim(origin: origin, inputHash: inputHash) }
            return result
        } else {
            do {
                result = try ingestor.ingest(input)
            } catch {
                // Not an interruption: the next try is not counted against the input.
                try? ingestor.index.releaseClaim(origin: origin, inputHash: inputHash)
                throw ArchiveUnavailable(underlying: error)
            }
        }
        try FaultInjection.point("before-inbox-move")
        try finish(entry: entry, result: result)
        try ArchiveUnavailable.wrap { try ingestor.index.releaseClaim(origin: origin, inputHash: inputHash) }
        return result
    }

    private func fail(entry: InboxFolder.Entry, reason: String, inputHash: String? = nil) throws -> IngestResult {
        let origin = entry.relativePath
        try ArchiveUnavailable.wrap { try ingestor.recordFailure(origin: origin, inputHash: inputHash, reason: reason) }
        ingestor.metrics.record(.failed, seconds: 0)
        logger.warning("failed", metadata: ["origin": "\(Self.short(origin))", "reason": "\(reason)"])
        var result = IngestResult(status: .failed, origin: origin)
        result.error = reason
        try finish(entry: entry, result: result)
        return result
    }

    /// Moves the file out of the inbox; failures get an `.error.txt` beside them.
    private func finish(entry: InboxFolder.Entry, result: IngestResult) throws {
        let source = Array(folder.root.utf8) + [0x2F] + entry.rawPath
        // Named after the text form of the path, so a name that is not UTF-8 arrives as one that is.
        let name = (entry.relativePath as NSString).lastPathComponent
        if result.status == .failed {
            // The reason is written before the move, so a crash can never leave a failed
            // file without its reason (a retry after a crash rewrites the same name).
            let target = try FileOps.freeName(for: name, in: folder.failed)
            let reason = "\(entry.relativePath): " + (result.error ?? "unknown error") + "\n"
            try FileOps.writeAtomically(Array(reason.utf8), to: FileNames.errorFile(for: target))
            let moved = try move(source, into: folder.failed, target: target, name: name)
            logger.info("inbox.moved", metadata: ["file": "\(Self.short(entry.relativePath))", "to": "\(relative(moved))"])
        } else {
            let directory = folder.processed + "/" + Date().utcDay
            let moved = try move(source, into: directory, target: try FileOps.freeName(for: name, in: directory), name: name)
            logger.debug("inbox.moved", metadata: ["file": "\(entry.relativePath)", "to": "\(relative(moved))"])
        }
        folder.removeEmptyFolders(of: entry)
    }

    /// One rename from the raw source path, never replacing a file (a taken name gets `-2`…).
    private func move(_ source: [UInt8], into directory: String, target: String, name: String) throws(FileError) -> String {
        var target = target
        var st = stat()
        if lstat(target, &st) == 0 { target = try FileOps.freeName(for: name, in: directory) }
        let rc = RawNames.withCString(source) { rename($0, target) }
        guard rc == 0 else { throw FileError(path: target, operation: "move", code: errno) }
        FileOps.syncDirectory(directory)
        if let slash = source.lastIndex(of: 0x2F) { RawNames.withCString(Array(source[..<slash])) { FileOps.syncDirectory(String(cString: $0)) } }
        return target
    }

    private func relative(_ path: String) -> String {
        path.hasPrefix(folder.root + "/") ? String(path.dropFirst(folder.root.count + 1)) : path
    }

    /// Paths in log lines are kept readable: a very long one keeps its head and tail.
    static func short(_ path: String) -> String {
        path.utf8.count <= 300 ? path : String(path.prefix(120)) + "…" + String(path.suffix(120))
    }
}

/// The archive or index cannot be written: no input can make progress until it is fixed.
public struct ArchiveUnavailable: Error, CustomStringConvertible {
    public var underlying: any Error
    public var description: String { "\(underlying)" }

    public init(underlying: any Error) { self.underlying = underlying }

    static func wrap<T>(_ body: () throws -> T) throws(ArchiveUnavailable) -> T {
        do { return try body() } catch let error as ArchiveUnavailable { throw error } catch { throw ArchiveUnavailable(underlying: error) }
    }
}
