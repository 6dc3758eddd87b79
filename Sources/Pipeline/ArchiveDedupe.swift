import Archive
import Dedupe
import Foundation
import Logging
import WinnowCore

/// Near-duplicate detection over the archive: the in-memory signature index rebuilt from
/// the index's `signature` column at start-up, and exact verification against stored
/// article files.
///
/// Not thread-safe: used from the ingestor's queue.
public final class ArchiveDedupe {
    public let detector: NearDuplicateDetector
    let store: ArchiveStore
    let index: ArchiveIndex
    /// Ids that are not 16 hex digits, by their 64-bit key.
    private var otherIds: [UInt64: String] = [:]

    /// Loads stored signatures (inside the horizon) and signs articles that have none.
    public init(parameters: DedupeParameters, store: ArchiveStore, index: ArchiveIndex, today: Int, logger: Logger) throws {
        self.store = store
        self.index = index
        let signatures = SignatureIndex()
        detector = NearDuplicateDetector(parameters: parameters, index: signatures)
        detector.storedShingles = { [unowned self] key in self.storedShingles(key) }

        let started = Date()
        // A reader's index (`winnow similar`) is never written: signatures it lacks, or
        // made another way, are computed in memory only.
        let schemeMatches = index.isReadOnly
            ? try index.meta(Self.schemeKey).map { $0 == Dedupe.signatureScheme(shingleWords: parameters.shingleWords) } ?? true
            : try Self.checkScheme(parameters: parameters, index: index, logger: logger)
        let minDay = detector.minDay(today: today)
        var skipped = 0
        if schemeMatches {
            skipped = try SignatureLoader.load(from: index, into: signatures, minDay: minDay, today: today) { [unowned self] id in
                self.key(for: id)
            }.skipped
        }
        // Articles indexed without a signature (older index, or a reindex without one).
        // Written 1,000 to a transaction: after a change of scheme that is every article,
        // and one synchronous commit per row would take hours on a large archive.
        var signed = 0
        let unsigned = schemeMatches ? try index.articlesWithoutSignature() : try index.allArticles()
        for start in stride(from: 0, to: unsigned.count, by: 1000) {
            let batch = {
                for row in unsigned[start..<min(start + 1000, unsigned.count)] {
                    guard let article = try? store.read(row.path) else { continue }
                    let fp = self.detector.fingerprint(Self.text(article))
                    if !index.isReadOnly { try index.setSignature(id: row.id, fp.signature.bytes) }
                    signed += 1
                    let day = DayNumber.parse(row.ingested) ?? today
                    if day >= minDay { self.detector.add(fp, key: self.key(for: row.id), day: day) }
                }
            }
            if index.isReadOnly { try batch() } else { try index.transaction(batch) }
        }
        logger.info("dedupe.loaded", metadata: [
            "signatures": "\(signatures.count)", "signed": "\(signed)", "skipped": "\(skipped)",
            "seconds": "\(String(format: "%.3f", Date().timeIntervalSince(started)))",
            "bytes_per_doc": "\(signatures.count == 0 ? 0 : signatures.memoryBytes / signatures.count)",
        ])
    }

    /// The index key naming how its signatures were made.
    public static let schemeKey = "dedupe_scheme"

    /// Signatures made another way (another `shingle_words`, or an older scheme) would
    /// never match new ones: they are dropped, with a warning, and the loop that signs
    /// articles without a signature remakes them from the archive. An index from before
    /// the scheme was recorded is taken to match the current settings.
    /// Returns true when the stored signatures can be used as they are.
    @discardableResult
    static func checkScheme(parameters: DedupeParameters, index: ArchiveIndex, logger: Logger) throws -> Bool {
        let scheme = Dedupe.signatureScheme(shingleWords: parameters.shingleWords)
        let stored = try index.meta(schemeKey)
        guard stored != scheme else { return true }
        try index.transaction {
            if let stored {
                logger.warning("dedupe.scheme_changed", metadata: [
                    "stored": "\(stored)", "current": "\(scheme)",
                    "action": "recomputing every signature from the archive",
                ])
                try index.clearSignatures()
            }
            try index.setMeta(schemeKey, scheme)
        }
        // Cleared signatures are remade by the caller's loop over unsigned articles.
        return true
    }

    /// The text that is shingled: the body paragraphs, one per line.
    public static func text(_ article: Article) -> String { article.paragraphs.joined(separator: "\n") }

    /// Stored signature bytes for an article (for `ArchiveSync.repair/rebuild`).
    public static func signatureBytes(_ article: Article, shingleWords: Int) -> [UInt8] {
        let set = Shingler.distinct(Shingler(words: shingleWords).shingles(text(article)))
        return MinHash.signature(set, distinctCount: set.count).bytes
    }

    public func fingerprint(_ article: Article) -> Fingerprint { detector.fingerprint(Self.text(article)) }

    /// The stored article this one nearly duplicates, if any.
    public func findDuplicate(_ fp: Fingerprint, today: Int) -> (id: String, comparison: Comparison)? {
        guard let match = detector.findDuplicate(fp, today: today) else { return nil }
        return (id(for: match.key), match)
    }

    /// Remembers a stored article.
    public func add(_ fp: Fingerprint, id: String, day: Int) {
        detector.add(fp, key: key(for: id), day: day)
    }

    public func key(for id: String) -> UInt64 {
        if let key = ArticleKey.key(id), Hash64.hex(key) == id { return key }
        let key = Hash64.hash(id) | (1 << 63) ^ 0x5a5a
        otherIds[key] = id
        return key
    }

    public func id(for key: UInt64) -> String { otherIds[key] ?? Hash64.hex(key) }

    func storedShingles(_ key: UInt64) -> [UInt64]? {
        guard let row = try? index.article(id: id(for: key)), let article = try? store.read(row.path) else { return nil }
        return Shingler.distinct(detector.shingler.shingles(Self.text(article)))
    }
}

extension Config.Dedupe {
    public var parameters: DedupeParameters {
        DedupeParameters(jaccard: jaccard, containment: containment, shingleWords: shingleWords, horizonDays: horizonDays)
    }
}
