import Archive
import Dedupe
import WinnowCore

/// The start-up rebuild of the in-memory signature index from the index's `signature`
/// column, shared by the daemon and `winnow bench rebuild` so the benchmark times the
/// real thing.
public enum SignatureLoader {
    /// Loads every stored signature of an article ingested on or after `minDay` (rows
    /// without a parseable date count as `today`) into `signatures`, in row order.
    /// Canonical ids (16 lower-case hex digits) are parsed from the row's bytes; any other
    /// id goes through `otherKey`. Returns how many were loaded and how many blobs had the
    /// wrong size.
    public static func load(from index: ArchiveIndex, into signatures: SignatureIndex, minDay: Int, today: Int,
                            otherKey: (String) -> UInt64) throws -> (loaded: Int, skipped: Int) {
        // All rows, not just those with a signature: counting those reads the whole table
        // (a third of a second per million rows); the rare difference is absorbed.
        let expected = try index.articleCount()
        let before = signatures.count
        var skipped = 0
        signatures.beginBulkLoad(expectedCount: expected)
        defer { signatures.finishBulkLoad() }
        try index.signatureBlobs { id, ingested, blob in
            guard blob.count == Signature.encodedSize || blob.count == 4 * Dedupe.signatureLength else {
                skipped += 1
                return
            }
            let day = DayNumber.parse(ingested) ?? today
            guard day >= minDay else { return }
            let key = ArticleKey.canonicalKey(id) ?? otherKey(String(decoding: id, as: UTF8.self))
            signatures.insert(encoded: blob, key: key, day: day)
        }
        return (signatures.count - before, skipped)
    }
}
