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

    /// Processes every ready file, oldest first, in batches of `pipeline.batch_size` (at
    /// most 64 MiB of input each): read, claimed together, extracted in parallel, decided in
    /// order and committed together, then moved. Throws only `ArchiveUnavailable`.
    @discardableResult
    public func drain(_ readiness: Readiness = Readiness(), limit: Int = .max, now: () -> Date = { Date() },
                      shouldStop: () -> Bool = { false }) throws -> DrainReport {
        var report = DrainReport()
        let entries = folder.pending()
        let present = Set(entries.map(\.rawPath))
        reportedStuck = reportedStuck.filter { present.contains($0.key) }
        setAside = setAside.filter { present.contains($0.key) }
        var batch: [Item] = []
        var batchBytes = 0
        let batchSize = max(1, ingestor.config.pipeline.batchSize)
        // The batch being extracted on the workers while this thread commits the one before
        // it and reads the next: at most one, so at most two batches are held in memory.
        var inFlight: InFlight?
        defer { if let inFlight { abandon(inFlight) } }
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
            if report.results.count + batch.count + (inFlight?.owed ?? 0) >= limit { report.more = true; break }
            do {
                switch try prepare(entry) {
                case .done(let result):
                    if let result { report.results.append(result) }
                case .input(let input):
                    let hash = input.inputHash  // hashed once: the claim check, the claim and the pipeline share it
                    // An input whose earlier attempt was interrupted runs alone, with nothing
                    // else in flight before or beside it: if it is what kills the process, the
                    // next kill is counted against it, not against every input of its batch.
                    if try ArchiveUnavailable.wrap({ try ingestor.index.hasClaim(origin: input.origin, inputHash: hash) }) {
                        try flush(batch, inFlight: &inFlight, into: &report, now: now)
                        batch.removeAll()
                        batchBytes = 0
                        try settle(&inFlight, into: &report, now: now)
                        try flush([(entry, input, hash)], inFlight: &inFlight, into: &report, now: now)
                        try settle(&inFlight, into: &report, now: now)
                        continue
                    }
                    batch.append((entry, input, hash))
                    batchBytes += input.bytes.count
                    if batch.count >= batchSize || batchBytes >= Self.maxBatchBytes {
                        try flush(batch, inFlight: &inFlight, into: &report, now: now)
                        batch.removeAll()
                        batchBytes = 0
                    }
                }
            } catch let error as ArchiveUnavailable {
                throw error
            } catch {
                setAsideEntry(entry, error: error, report: &report, now: now)
            }
        }
        try flush(batch, inFlight: &inFlight, into: &report, now: now)
        try settle(&inFlight, into: &report, now: now)
        return report
    }

    /// Completes the batch in flight, if any: afterwards nothing is being extracted.
    private func settle(_ inFlight: inout InFlight?, into report: inout DrainReport, now: () -> Date) throws {
        guard let last = inFlight else { return }
        inFlight = nil
        try complete(last, into: &report, now: now)
    }

    /// An inbox file read for the pipeline, with its input hash.
    typealias Item = (entry: InboxFolder.Entry, input: IngestInput, hash: String)

    /// Input bytes held in memory per batch, whatever the batch size.
    static let maxBatchBytes = 64 << 20

    private func setAsideEntry(_ entry: InboxFolder.Entry, error: any Error, report: inout DrainReport, now: () -> Date) {
        setAside[entry.rawPath] = now().addingTimeInterval(setAsideSeconds)
        report.cannotProcess += 1
        logger.error("inbox.set_aside", metadata: [
            "file": "\(Self.short(entry.relativePath))", "reason": "\(error)", "retry_in_s": "\(Int(setAsideSeconds))",
        ])
    }

    /// An entry settled without the pipeline (refused, vanished), or the input to run.
    enum Prepared {
        case done(IngestResult?)
        case input(IngestInput)
    }

    /// Checks and reads one inbox file; refusals are failed (and moved) at once.
    private func prepare(_ entry: InboxFolder.Entry) throws -> Prepared {
        let path = folder.root + "/" + entry.relativePath
        if let refusal = entry.refusal {
            return .done(try fail(entry: entry, reason: refusal))
        }
        if entry.isSymlink {
            return .done(try fail(entry: entry, reason: "symbolic links are not followed"))
        }
        let kind: InputKind
        do { kind = try InputKind.of(fileName: entry.relativePath) } catch {
            return .done(try fail(entry: entry, reason: error.message))
        }
        do {
            return .input(IngestInput(bytes: try FileOps.read(path, limit: ingestor.config.inbox.maxFileBytes), kind: kind,
                                      origin: entry.relativePath))
        } catch {
            if error.code == ENOENT { return .done(nil) }
            if error.code == EFBIG {
                return .done(try fail(entry: entry, reason: "file is \(ByteSize.human(entry.size)), over inbox.max_file_bytes (\(ByteSize.human(ingestor.config.inbox.maxFileBytes)))"))
            }
            if error.code == ELOOP { return .done(try fail(entry: entry, reason: "symbolic links are not followed")) }
            return .done(try fail(entry: entry, reason: error.description))
        }
    }

    /// A batch claimed and handed to the workers: extracted there while this thread commits
    /// the batch before it.
    struct InFlight {
        var batch: [Item]
        var hashes: [String]
        /// Results known without the pipeline (inputs resumed after an interruption).
        var results: [IngestResult?]
        /// Inputs run through the pipeline, by their place in `batch`.
        var fresh: [Int]
        var preparation: Background<Ingestor.PreparedBatch>?
        /// Results `complete` will add to the report.
        var owed: Int { fresh.count + results.count(where: { $0 != nil }) }
    }

    /// Runs a batch, overlapped with the one before it: that one's extraction is awaited,
    /// this one is claimed and handed to the workers, and the one before is committed and
    /// moved while the workers extract. Extraction is pure and decisions are still made
    /// one batch after another, in input order, so the archive is the same as without the
    /// overlap. Claims are committed before a batch's extraction starts, and only while no
    /// other extraction runs, so a kill during extraction is counted for that batch only.
    private func flush(_ batch: [Item], inFlight: inout InFlight?,
                       into report: inout DrainReport, now: () -> Date) throws {
        guard !batch.isEmpty else { return }
        let previous = inFlight
        inFlight = nil
        previous?.preparation?.wait()
        let next: InFlight
        do {
            next = try begin(batch, into: &report, now: now)
        } catch {
            if let previous { abandon(previous) }
            throw error
        }
        if let previous {
            do {
                try complete(previous, into: &report, now: now)
            } catch {
                abandon(next)
                throw error
            }
        }
        inFlight = next
    }

    /// Claims a batch, committed together before the work starts (so a kill during it is
    /// counted next time), settles the inputs already decided or interrupted too often, and
    /// starts the rest's extraction on the workers.
    private func begin(_ batch: [Item], into report: inout DrainReport,
                       now: () -> Date) throws -> InFlight {
        let hashes = batch.map(\.hash)
        let attempts = try ArchiveUnavailable.wrap {
            try ingestor.index.transaction {
                try zip(batch, hashes).map { try ingestor.index.claimAttempt(origin: $0.0.input.origin, inputHash: $0.1) }
            }
        }
        var results = [IngestResult?](repeating: nil, count: batch.count)
        var fresh: [Int] = []
        for (i, item) in batch.enumerated() {
            let origin = item.input.origin
            logger.log(level: attempts[i] == 1 ? .debug : .notice, "inbox.claimed", metadata: ["file": "\(origin)", "attempt": "\(attempts[i])"])
            let interruptions = attempts[i] - 1
            if interruptions > 0, let recorded = try ArchiveUnavailable.wrap({ try ingestor.recordedResult(for: item.input) }) {
                logger.notice("inbox.resumed", metadata: ["file": "\(origin)", "status": "\(recorded.status.rawValue)"])
                results[i] = recorded
            } else if interruptions >= ingestor.config.inbox.maxInterruptions {
                do {
                    report.results.append(try fail(entry: item.entry, reason: "interrupted \(interruptions) times while processing; quarantined",
                                                   inputHash: hashes[i]))
                    try ArchiveUnavailable.wrap { try ingestor.index.releaseClaim(origin: origin, inputHash: hashes[i]) }
                } catch let error as ArchiveUnavailable {
                    throw error
                } catch {
                    setAsideEntry(item.entry, error: error, report: &report, now: now)
                }
            } else {
                fresh.append(i)
            }
        }
        var flight = InFlight(batch: batch, hashes: hashes, results: results, fresh: fresh)
        if !fresh.isEmpty { flight.preparation = Background(ingestor.preparation(fresh.map { batch[$0].input }, hashes: fresh.map { hashes[$0] })) }
        return flight
    }

    /// Finishes a batch started by `begin`: its extraction awaited, the pipeline's decisions
    /// committed, then the moves with one fsync per folder and the claims released together.
    private func complete(_ flight: InFlight, into report: inout DrainReport, now: () -> Date) throws {
        let batch = flight.batch, hashes = flight.hashes, fresh = flight.fresh
        var results = flight.results
        if let preparation = flight.preparation {
            do {
                for (i, result) in zip(fresh, try ingestor.commit(preparation.wait())) { results[i] = result }
            } catch {
                // Not an interruption: the next try is not counted against these inputs.
                releaseClaims(of: flight)
                throw ArchiveUnavailable(underlying: error)
            }
        }
        try FaultInjection.point("before-inbox-move")
        var folders = Set<String>()
        var finished: [Int] = []
        for (i, item) in batch.enumerated() {
            guard let result = results[i] else { continue }
            do {
                try finish(entry: item.entry, result: result, syncLater: &folders)
                report.results.append(result)
                finished.append(i)
            } catch {
                setAsideEntry(item.entry, error: error, report: &report, now: now)
            }
        }
        for directory in folders.sorted() { FileOps.syncDirectory(directory) }
        try ArchiveUnavailable.wrap {
            try ingestor.index.transaction {
                for i in finished { try ingestor.index.releaseClaim(origin: batch[i].input.origin, inputHash: hashes[i]) }
            }
        }
    }

    /// Gives up on a batch that will not be committed (an error elsewhere stops the drain):
    /// its extraction is awaited and its fresh inputs' claims released, as for a failed commit.
    private func abandon(_ flight: InFlight) {
        flight.preparation?.wait()
        releaseClaims(of: flight)
    }

    private func releaseClaims(of flight: InFlight) {
        try? ingestor.index.transaction {
            for i in flight.fresh { try ingestor.index.releaseClaim(origin: flight.batch[i].input.origin, inputHash: flight.hashes[i]) }
        }
    }

    private func fail(entry: InboxFolder.Entry, reason: String, inputHash: String? = nil) throws -> IngestResult {
        let origin = entry.relativePath
        try ArchiveUnavailable.wrap { try ingestor.recordFailure(origin: origin, inputHash: inputHash, reason: reason) }
        ingestor.metrics.record(.failed, seconds: 0)
        logger.warning("failed", metadata: ["origin": "\(Self.short(origin))", "reason": "\(reason)"])
        var result = IngestResult(status: .failed, origin: origin)
        result.error = reason
        var folders = Set<String>()
        try finish(entry: entry, result: result, syncLater: &folders)
        for directory in folders { FileOps.syncDirectory(directory) }
        return result
    }

    /// Moves the file out of the inbox; failures get an `.error.txt` beside them.
    /// The folders whose entries changed are added to `syncLater`, for one fsync each per batch.
    private func finish(entry: InboxFolder.Entry, result: IngestResult, syncLater folders: inout Set<String>) throws {
        let source = Array(folder.root.utf8) + [0x2F] + entry.rawPath
        // Named after the text form of the path, so a name that is not UTF-8 arrives as one that is.
        let name = (entry.relativePath as NSString).lastPathComponent
        if result.status == .failed {
            // The reason is written before the move, so a crash can never leave a failed
            // file without its reason (a retry after a crash rewrites the same name).
            let target = try FileOps.freeName(for: name, in: folder.failed)
            let reason = "\(entry.relativePath): " + (result.error ?? "unknown error") + "\n"
            try FileOps.writeAtomically(Array(reason.utf8), to: FileNames.errorFile(for: target))
            let moved = try move(source, into: folder.failed, target: target, name: name, syncLater: &folders)
            logger.info("inbox.moved", metadata: ["file": "\(Self.short(entry.relativePath))", "to": "\(relative(moved))"])
        } else {
            let directory = folder.processed + "/" + Date().utcDay
            let moved = try move(source, into: directory, target: try FileOps.freeName(for: name, in: directory), name: name,
                                 syncLater: &folders)
            logger.debug("inbox.moved", metadata: ["file": "\(entry.relativePath)", "to": "\(relative(moved))"])
        }
        folder.removeEmptyFolders(of: entry)
    }

    /// One rename from the raw source path, never replacing a file (a taken name gets `-2`…).
    private func move(_ source: [UInt8], into directory: String, target: String, name: String,
                      syncLater folders: inout Set<String>) throws(FileError) -> String {
        var target = target
        var st = stat()
        if lstat(target, &st) == 0 { target = try FileOps.freeName(for: name, in: directory) }
        let rc = RawNames.withCString(source) { rename($0, target) }
        guard rc == 0 else { throw FileError(path: target, operation: "move", code: errno) }
        folders.insert(directory)
        if let slash = source.lastIndex(of: 0x2F) { RawNames.withCString(Array(source[..<slash])) { _ = folders.insert(String(cString: $0)) } }
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

/// A value computed on another thread; `wait` blocks until it is there.
final class Background<T: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var value: T?

    init(_ body: @escaping @Sendable () -> T) {
        DispatchQueue.global().async {
            let result = body()
            self.lock.lock()
            self.value = result
            self.lock.unlock()
            self.done.signal()
        }
    }

    /// The value (blocks the first time until it is computed).
    @discardableResult
    func wait() -> T {
        lock.lock()
        if let value { lock.unlock(); return value }
        lock.unlock()
        done.wait()
        lock.lock(); defer { lock.unlock() }
        return value!
    }
}
