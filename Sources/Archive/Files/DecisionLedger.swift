import Foundation
import WinnowCore

/// A near- or exact-duplicate decision: an input that was not stored because `duplicateOf`
/// already carries its story.
public struct DuplicateRecord: Sendable, Equatable {
    public var duplicateOf: String
    public var similarity: Double
    public var containment: Double
    public var title: String?
    public var url: String?
    /// The publication that carried the copy (its `source`), when known.
    public var source: String?
    public var origin: String
    public var inputHash: String?
    public var recorded: Date

    public init(duplicateOf: String, similarity: Double, containment: Double, title: String?, url: String?,
                source: String? = nil, origin: String, inputHash: String?, recorded: Date) {
        self.duplicateOf = duplicateOf
        self.source = source
        self.similarity = similarity
        self.containment = containment
        self.title = title
        self.url = url
        self.origin = origin
        self.inputHash = inputHash
        self.recorded = recorded
    }
}

/// An input that could not become an article, with the reason.
public struct FailureRecord: Sendable, Equatable {
    public var origin: String
    public var url: String?
    public var inputHash: String?
    public var reason: String
    public var recorded: Date

    public init(origin: String, url: String?, inputHash: String?, reason: String, recorded: Date) {
        self.origin = origin
        self.url = url
        self.inputHash = inputHash
        self.reason = reason
        self.recorded = recorded
    }
}

/// Duplicate and failure decisions kept in the archive beside the articles, so that the
/// archive alone rebuilds the whole index (`winnow reindex`).
///
/// Append-only JSON lines under `<archive>/.winnow/`, one file per kind and month
/// (`duplicates-2026-12.jsonl`, `failures-2026-12.jsonl`); the dot folder keeps them out of
/// the dated tree a person browses. Each record is appended with one `write` and
/// `fdatasync`ed before the index hears of it. A line torn by a crash is skipped on reading,
/// and the next append starts on a fresh line.
public struct DecisionLedger: Sendable {
    public let folder: String
    /// A cluster node's own file suffix (`duplicates-2026-12.<node>.jsonl`): several nodes
    /// append to one archive, and each trims only its own uncommitted tail.
    public let node: String?

    public init(archiveRoot: String, node: String? = nil) {
        folder = archiveRoot + "/.winnow"
        self.node = node.map { String($0.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" }) }
    }

    /// The file this writer appends a batch's `name` to.
    func ownName(_ name: String) -> String {
        guard let node else { return name }
        return String(name.dropLast(".jsonl".count)) + "." + node + ".jsonl"
    }

    /// True for a ledger file this writer appends to (and may trim).
    func isOwn(_ name: String) -> Bool {
        let parts = name.split(separator: ".")
        guard let node else { return parts.count == 2 }
        return parts.count == 3 && parts[1] == node
    }

    public func append(_ record: DuplicateRecord) throws(FileError) {
        var batch = Batch()
        batch.add(record)
        try write(batch)
    }

    public func append(_ record: FailureRecord) throws(FileError) {
        var batch = Batch()
        batch.add(record)
        try write(batch)
    }

    /// Records gathered for one durable write: one `write` and one `fdatasync` per ledger
    /// file, however many records (group commit).
    public struct Batch: Sendable {
        var lines: [String: [String]] = [:]  // file name → lines, in order
        public init() {}
        public var isEmpty: Bool { lines.isEmpty }

        public mutating func add(_ record: DuplicateRecord) {
            lines["duplicates-\(record.recorded.utcDay.prefix(7)).jsonl", default: []].append(DecisionLedger.line(record))
        }

        public mutating func add(_ record: FailureRecord) {
            lines["failures-\(record.recorded.utcDay.prefix(7)).jsonl", default: []].append(DecisionLedger.line(record))
        }
    }

    /// Appends a batch durably: each touched file gets its lines in one write, then fdatasync.
    public func write(_ batch: Batch) throws(FileError) {
        for name in batch.lines.keys.sorted() { try append(batch.lines[name]!.joined(separator: "\n"), to: ownName(name)) }
    }

    static func line(_ record: DuplicateRecord) -> String {
        var line = Line()
        line.add("duplicate_of", record.duplicateOf)
        line.add("similarity", record.similarity)
        line.add("containment", record.containment)
        line.add("title", record.title)
        line.add("url", record.url)
        line.add("source", record.source)
        line.add("origin", record.origin)
        line.add("input_hash", record.inputHash)
        line.add("recorded", record.recorded.rfc3339)
        return line.text
    }

    static func line(_ record: FailureRecord) -> String {
        var line = Line()
        line.add("origin", record.origin)
        line.add("url", record.url)
        line.add("input_hash", record.inputHash)
        line.add("reason", record.reason)
        line.add("recorded", record.recorded.rfc3339)
        return line.text
    }

    /// Removes the trailing lines of the newest ledger file of each kind that no committed
    /// index row backs: lines of a batch whose transaction failed or was cut short by a
    /// crash. Appends are ordered and each batch commits before the next appends, so only
    /// a tail can be uncommitted. Returns how many lines were removed.
    @discardableResult
    public func trimUncommittedTail(duplicateCommitted: (DuplicateRecord) -> Bool,
                                    failureCommitted: (FailureRecord) -> Bool) -> Int {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".jsonl") }.sorted()
        var removed = 0
        for kind in ["duplicates-", "failures-"] {
            guard let name = names.last(where: { $0.hasPrefix(kind) && isOwn($0) }),
                  let data = FileManager.default.contents(atPath: folder + "/" + name) else { continue }
            let bytes = [UInt8](data)
            var lines: [Range<Int>] = []  // without their newline
            var lineStart = 0
            for i in bytes.indices where bytes[i] == UInt8(ascii: "\n") {
                lines.append(lineStart..<i)
                lineStart = i + 1
            }
            // A torn last line (no newline) was never whole, so never committed.
            var keep = lineStart
            if lineStart < bytes.count { removed += 1 }
            for line in lines.reversed() {
                let committed: Bool
                switch Self.parse(Array(bytes[line]), kind: kind) {
                case .duplicate(let r): committed = duplicateCommitted(r)
                case .failure(let r): committed = failureCommitted(r)
                case nil: committed = !line.isEmpty  // a line it cannot judge is kept
                }
                if committed { break }
                keep = line.lowerBound
                if !line.isEmpty { removed += 1 }
            }
            if keep < bytes.count {
                let path = folder + "/" + name
                if truncate(path, off_t(keep)) == 0 {
                    let fd = open(path, O_WRONLY | O_CLOEXEC)
                    if fd >= 0 { fdatasync(fd); close(fd) }
                }
            }
        }
        return removed
    }

    enum Parsed {
        case duplicate(DuplicateRecord)
        case failure(FailureRecord)
    }

    static func parse(_ raw: [UInt8], kind: String) -> Parsed? {
        guard !raw.isEmpty, let object = try? JSONSerialization.jsonObject(with: Data(raw)) as? [String: Any],
              let recorded = (object["recorded"] as? String).flatMap(DateParser.parse),
              let origin = object["origin"] as? String else { return nil }
        if kind.hasPrefix("duplicates"), let of = object["duplicate_of"] as? String {
            return .duplicate(DuplicateRecord(
                duplicateOf: of, similarity: (object["similarity"] as? NSNumber)?.doubleValue ?? 1,
                containment: (object["containment"] as? NSNumber)?.doubleValue ?? 1, title: object["title"] as? String,
                url: object["url"] as? String, source: object["source"] as? String, origin: origin,
                inputHash: object["input_hash"] as? String, recorded: recorded))
        }
        if kind.hasPrefix("failures"), let reason = object["reason"] as? String {
            return .failure(FailureRecord(origin: origin, url: object["url"] as? String, inputHash: object["input_hash"] as? String,
                                          reason: reason, recorded: recorded))
        }
        return nil
    }

    /// Every readable record, in file then line order (months ascending); `unreadable`
    /// counts torn or foreign lines that were skipped.
    public func records() -> (duplicates: [DuplicateRecord], failures: [FailureRecord], unreadable: Int) {
        var duplicates: [DuplicateRecord] = []
        var failures: [FailureRecord] = []
        var unreadable = 0
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".jsonl") }.sorted()
        for name in names {
            guard let data = FileManager.default.contents(atPath: folder + "/" + name) else { continue }
            for raw in data.split(separator: UInt8(ascii: "\n")) where !raw.isEmpty {
                switch Self.parse(Array(raw), kind: name) {
                case .duplicate(let record): duplicates.append(record)
                case .failure(let record): failures.append(record)
                case nil: unreadable += 1
                }
            }
        }
        return (duplicates, failures, unreadable)
    }

    private func append(_ text: String, to name: String) throws(FileError) {
        try FileOps.makeDirectory(folder)
        let path = folder + "/" + name
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileError(path: path, operation: "open", code: errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileError(path: path, operation: "stat", code: errno) }
        var bytes = Array((text + "\n").utf8)
        if st.st_size > 0 {
            // A line torn by a crash must not swallow this record: start a fresh line.
            var last: UInt8 = 0
            if pread(fd, &last, 1, off_t(st.st_size - 1)) == 1, last != UInt8(ascii: "\n") { bytes.insert(UInt8(ascii: "\n"), at: 0) }
        }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, operation: "write", code: errno)
            }
            offset += n
        }
        guard fdatasync(fd) == 0 else { throw FileError(path: path, operation: "sync", code: errno) }
        if st.st_size == 0 { FileOps.syncDirectory(folder) }
    }

    /// A JSON object with keys in order; numbers keep full precision so a rebuilt index
    /// holds exactly what was recorded.
    private struct Line {
        var parts: [String] = []
        mutating func add(_ key: String, _ value: String?) {
            guard let value else { return }
            parts.append(JSONLine.quote(key) + ":" + JSONLine.quote(value))
        }
        mutating func add(_ key: String, _ value: Double) {
            parts.append(JSONLine.quote(key) + ":" + (value.isFinite ? "\(value)" : "0"))
        }
        var text: String { "{" + parts.joined(separator: ",") + "}" }
    }
}
