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
/// recorded decision instead of being processed twice.
public final class InboxProcessor {
    public let folder: InboxFolder
    let ingestor: Ingestor
    let logger: Logger

    public init(folder: InboxFolder, ingestor: Ingestor, logger: Logger) throws {
        self.folder = folder
        self.ingestor = ingestor
        self.logger = logger
        try folder.prepare()
    }

    /// When the inbox files are ready to be read.
    public struct Readiness: Sendable {
        /// Files known complete (closed after writing, or moved in).
        public var closed: Set<String> = []
        /// Files seen being written and not closed yet: held back until closed or stale.
        public var writing: Set<String> = []
        /// Any other file must be unchanged this long (copies over network file systems).
        public var settle: TimeInterval = 0
        /// A file held back as being written is taken anyway after this long unchanged.
        public var staleWriter: TimeInterval = 60

        public init(closed: Set<String> = [], writing: Set<String> = [], settle: TimeInterval = 0, staleWriter: TimeInterval = 60) {
            self.closed = closed
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
        /// True when the drain stopped early because `shouldStop` said so.
        public var interrupted = false
        /// True when it stopped at `limit` with more ready files left.
        public var more = false
    }

    /// Processes every ready file, oldest first.
    @discardableResult
    public func drain(_ readiness: Readiness = Readiness(), limit: Int = .max, now: () -> Date = { Date() },
                      shouldStop: () -> Bool = { false }) throws -> DrainReport {
        var report = DrainReport()
        for entry in folder.pending() {
            let age = now().timeIntervalSince1970 - entry.modified
            let ready = readiness.closed.contains(entry.relativePath)
                || (readiness.writing.contains(entry.relativePath) ? age >= readiness.staleWriter : age >= readiness.settle)
            guard ready else { report.waiting += 1; continue }
            if shouldStop() { report.interrupted = true; break }
            if report.results.count >= limit { report.more = true; break }
            if let result = try process(entry) { report.results.append(result) }
        }
        return report
    }

    /// Processes one inbox file; nil when it vanished before it could be read.
    public func process(_ entry: InboxFolder.Entry) throws -> IngestResult? {
        let path = folder.root + "/" + entry.relativePath
        let origin = entry.relativePath
        if entry.isSymlink {
            return try fail(path: path, entry: entry, origin: origin, reason: "symbolic links are not followed")
        }
        guard let kind = InputKind(fileName: entry.relativePath) else {
            let ext = (entry.relativePath as NSString).pathExtension
            let reason = "unsupported file type" + (ext.isEmpty ? " (no extension)" : " '.\(ext)'") + "; expected .html, .htm or .txt"
            return try fail(path: path, entry: entry, origin: origin, reason: reason)
        }
        let bytes: [UInt8]
        do {
            bytes = try FileOps.read(path, limit: ingestor.config.inbox.maxFileBytes)
        } catch {
            if error.code == ENOENT { return nil }
            if error.code == EFBIG {
                return try fail(path: path, entry: entry, origin: origin,
                                reason: "file is \(entry.size) bytes, over the limit of \(ingestor.config.inbox.maxFileBytes) bytes")
            }
            if error.code == ELOOP { return try fail(path: path, entry: entry, origin: origin, reason: "symbolic links are not followed") }
            return try fail(path: path, entry: entry, origin: origin, reason: error.description)
        }
        let input = IngestInput(bytes: bytes, kind: kind, origin: origin)
        let inputHash = input.inputHash
        let interrupted = try ingestor.index.claim(origin: origin, inputHash: inputHash)
        var result: IngestResult
        if interrupted, let recorded = try ingestor.recordedResult(for: input) {
            logger.notice("inbox.resumed", metadata: ["file": "\(origin)", "status": "\(recorded.status.rawValue)"])
            result = recorded
        } else {
            result = try ingestor.ingest(input)
        }
        try FaultInjection.point("before-inbox-move")
        try finish(path: path, entry: entry, result: result)
        try ingestor.index.releaseClaim(origin: origin, inputHash: inputHash)
        return result
    }

    private func fail(path: String, entry: InboxFolder.Entry, origin: String, reason: String) throws -> IngestResult {
        try ingestor.recordFailure(origin: origin, reason: reason)
        ingestor.metrics.record(.failed, seconds: 0)
        var result = IngestResult(status: .failed, origin: origin)
        result.error = reason
        try finish(path: path, entry: entry, result: result)
        return result
    }

    /// Moves the file out of the inbox; failures get an `.error.txt` beside them.
    private func finish(path: String, entry: InboxFolder.Entry, result: IngestResult) throws {
        if result.status == .failed {
            // The reason is written before the move, so a crash can never leave a failed
            // file without its reason (a retry after a crash rewrites the same name).
            let target = try FileOps.freeName(for: path, in: folder.failed)
            let reason = "\(entry.relativePath): " + (result.error ?? "unknown error") + "\n"
            try FileOps.writeAtomically(Array(reason.utf8), to: target + ".error.txt")
            let moved = try FileOps.moveWithoutClobbering(path, into: folder.failed, preferredPath: target)
            logger.info("inbox.moved", metadata: ["file": "\(entry.relativePath)", "to": "\(relative(moved))"])
        } else {
            let day = Date().utcDay
            let moved = try FileOps.moveWithoutClobbering(path, into: folder.processed + "/" + day)
            logger.debug("inbox.moved", metadata: ["file": "\(entry.relativePath)", "to": "\(relative(moved))"])
        }
        folder.removeEmptyFolders(of: entry.relativePath)
    }

    private func relative(_ path: String) -> String {
        path.hasPrefix(folder.root + "/") ? String(path.dropFirst(folder.root.count + 1)) : path
    }
}
