/// Near-duplicate detection: shingling, MinHash signatures, LSH banding and verification.
///
/// - `Shingler` folds a body (NFKC, case fold, punctuation and whitespace folded, digits
///   kept; ASCII fast path) into word shingles, each hashed once to 64 bits; in scripts
///   without spaces (Han, Kana, Thai…) every character is a token (`UnspacedScript`).
/// - `MinHash` turns the shingle hashes into a 128 × 32-bit signature by one-permutation
///   hashing with optimal densification: every shingle is used, one hash per shingle.
/// - `SignatureIndex` holds signatures in flat chunks and finds candidates through LSH
///   banding (32 bands × 4 rows) plus 16 "containment" keys (minimum of each group of 8
///   bins) that catch short excerpts of a stored article: two shared keys, or one against
///   a stored article at least twice the new text's size (a second tier, read only when
///   the first holds no duplicate).
/// - `NearDuplicateDetector` verifies candidates: estimates from signatures, exact Jaccard
///   and containment from the stored body when the estimate is near the thresholds.
public enum Dedupe {
    /// Signature length (values of 32 bits).
    public static let signatureLength = 128
    /// LSH banding: bands × rows = signature length.
    public static let bands = 32
    public static let rows = 4
    /// Containment keys: the signature is also indexed by the minimum of each group of 8
    /// bins (16 keys), for excerpt (containment) recall: an excerpt holding a share f of a
    /// stored article's shingles shares each key with probability f.
    public static let containmentGroupSize = 8
    public static let containmentGroups = signatureLength / containmentGroupSize

    /// Names how stored signatures were made: scheme, size and shingle length. Stored with
    /// the signatures, so that signatures made another way (another `shingle_words`, or a
    /// change of normalisation or hashing, which bumps the version) are noticed at start
    /// instead of silently never matching. v2: characters of scripts without spaces are
    /// tokens of their own (`UnspacedScript`).
    public static func signatureScheme(shingleWords: Int) -> String {
        "oph-minhash/\(signatureLength)x32/words=\(shingleWords)/unspaced-chars/v2"
    }
}

/// Thresholds and shingle size (from `[dedupe]` in the config).
public struct DedupeParameters: Sendable, Equatable {
    public var jaccard: Double
    public var containment: Double
    public var shingleWords: Int
    /// Articles ingested more than this many days ago are not candidates; 0 keeps all.
    public var horizonDays: Int

    public init(jaccard: Double = 0.7, containment: Double = 0.9, shingleWords: Int = 3, horizonDays: Int = 0) {
        self.jaccard = jaccard
        self.containment = containment
        self.shingleWords = shingleWords
        self.horizonDays = horizonDays
    }
}
