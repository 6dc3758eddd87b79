import WinnowCore

/// A document prepared for dedupe: its shingle set and signature.
public struct Fingerprint: Sendable {
    /// Sorted distinct shingle hashes (for exact Jaccard and containment).
    public var set: [UInt64]
    public var signature: Signature

    public init(set: [UInt64], signature: Signature) {
        self.set = set
        self.signature = signature
    }

    /// Number of distinct shingles.
    public var count: Int { Int(signature.shingleCount) }
}

/// A stored document compared with a new one.
public struct Comparison: Sendable, Equatable {
    /// Document number in the `SignatureIndex`.
    public var doc: Int
    public var key: UInt64
    public var estimatedJaccard: Double
    public var estimatedContainment: Double
    /// Exact values when the stored body was compared, else the estimates.
    public var jaccard: Double
    public var containment: Double
    /// Whether `jaccard`/`containment` are exact.
    public var exact: Bool
}

/// Finds near-duplicates of new documents among stored ones and remembers stored ones.
///
/// Decisions depend only on the documents and their order: candidates are visited in
/// document-number order and ties go to the earliest stored document.
public final class NearDuplicateDetector {
    public let parameters: DedupeParameters
    public let shingler: Shingler
    public let index: SignatureIndex
    /// Distinct shingles of a stored document (read from the archive), or nil when it
    /// cannot be read; then the estimates decide.
    public var storedShingles: (_ key: UInt64) -> [UInt64]?

    /// Estimates at or above these send a candidate to exact verification. MinHash with 128
    /// values has a standard error of at most 0.045 on Jaccard; containment estimates of
    /// short excerpts are noisier, hence the wider margin.
    public var verifyJaccardFrom: Double
    public var verifyContainmentFrom: Double
    /// At most this many candidates are verified exactly (best estimates first).
    public var maxVerified = 8
    /// An estimated Jaccard at or above this decides without reading the stored body: it is
    /// 0.15 (more than 3 standard errors) above the threshold. 1.1 disables it.
    public var acceptEstimateFrom: Double

    /// Counters for benchmarks and logs.
    public private(set) var exactVerifications = 0
    public private(set) var candidatesSeen = 0
    /// Queries that went on to the second tier of candidates.
    public private(set) var secondTierQueries = 0

    public init(parameters: DedupeParameters, index: SignatureIndex = SignatureIndex(),
                storedShingles: @escaping (_ key: UInt64) -> [UInt64]? = { _ in nil }) {
        self.parameters = parameters
        self.shingler = Shingler(words: parameters.shingleWords)
        self.index = index
        self.storedShingles = storedShingles
        verifyJaccardFrom = max(0, parameters.jaccard - 0.2)
        verifyContainmentFrom = max(0, parameters.containment - 0.35)
        acceptEstimateFrom = min(1, parameters.jaccard + 0.15)
    }

    /// Shingles and signature of a body.
    public func fingerprint(_ text: String) -> Fingerprint { Self.fingerprint(text, shingler: shingler) }

    /// The same without a detector: pure, so the pipeline's worker threads make it.
    public static func fingerprint(_ text: String, shingler: Shingler) -> Fingerprint {
        // The set is made once, here: its size is the signature's shingle count, verification
        // and storage need it sorted, and the MinHash of a set equals that of its repeats.
        let set = Shingler.distinct(shingler.shingles(text))
        return Fingerprint(set: set, signature: MinHash.signature(set, distinctCount: set.count))
    }

    /// The first day (days since 1970, UTC) still inside the horizon on `today`.
    public func minDay(today: Int) -> Int {
        parameters.horizonDays > 0 ? today - parameters.horizonDays : Int.min
    }

    /// The stored document this one duplicates, if any: Jaccard ≥ `parameters.jaccard` or
    /// containment of the new text in the stored one ≥ `parameters.containment`.
    ///
    /// The first tier of candidates is compared first; the second (long stored documents
    /// sharing one containment key with a short new text, see `SignatureIndex.Candidates`)
    /// only when the first holds no duplicate, since it is mostly chance and larger.
    public func findDuplicate(_ fp: Fingerprint, today: Int) -> Comparison? {
        var tiers = index.candidateTiers(fp.signature, minDay: minDay(today: today), deferWeak: true)
        if let match = compareCandidates(fp, candidates: tiers.strong, verify: maxVerified).first(where: isDuplicate) {
            return match
        }
        guard tiers.hasWeak else { return nil }
        secondTierQueries += 1
        index.confirmWeak(&tiers, fp.signature)
        return compareCandidates(fp, candidates: tiers.weak, verify: maxVerified).first(where: isDuplicate)
    }

    public func isDuplicate(_ c: Comparison) -> Bool {
        c.jaccard >= parameters.jaccard || c.containment >= parameters.containment
    }

    /// Compares `fp` with `candidates`: estimates for all, exact values for the plausible
    /// ones (up to `verify`), sorted best first (duplicates first, then by Jaccard,
    /// containment, and document number). Implausible ones are left out unless `keepAll`.
    public func compareCandidates(_ fp: Fingerprint, candidates: [Int], verify: Int, keepAll: Bool = false) -> [Comparison] {
        candidatesSeen += candidates.count
        let countA = fp.count
        guard countA > 0 else { return [] }
        // Estimates for every candidate; only plausible ones (or all, for explanations) are kept.
        var comparisons: [Comparison] = []
        fp.signature.values.withUnsafeBufferPointer { sig in
            for doc in candidates {
                let j = Double(index.matches(sig, doc: doc)) / Double(Dedupe.signatureLength)
                let c = Similarity.estimatedContainment(jaccard: j, countA: countA, countB: index.shingleCount(doc))
                guard keepAll || j >= verifyJaccardFrom || c >= verifyContainmentFrom else { continue }
                comparisons.append(Comparison(doc: doc, key: index.key(doc), estimatedJaccard: j, estimatedContainment: c,
                                              jaccard: j, containment: c, exact: false))
            }
        }
        // Plausible ones by estimate, best first; deterministic order.
        let plausible = comparisons.indices.filter {
            comparisons[$0].estimatedJaccard >= verifyJaccardFrom || comparisons[$0].estimatedContainment >= verifyContainmentFrom
        }.sorted { a, b in
            let sa = score(comparisons[a]), sb = score(comparisons[b])
            return sa != sb ? sa > sb : comparisons[a].doc < comparisons[b].doc
        }
        for i in plausible.prefix(verify) {
            // Far above the threshold: the estimate decides (no file read).
            if comparisons[i].estimatedJaccard >= acceptEstimateFrom && verify <= maxVerified { continue }
            guard let stored = storedShingles(comparisons[i].key) else { continue }
            exactVerifications += 1
            let exact = Similarity.exact(fp.set, in: stored)
            comparisons[i].jaccard = exact.jaccard
            comparisons[i].containment = exact.containment
            comparisons[i].exact = true
        }
        // Unverified estimates below the verification bar never count as duplicates.
        for i in comparisons.indices where !comparisons[i].exact
            && comparisons[i].estimatedJaccard < verifyJaccardFrom && comparisons[i].estimatedContainment < verifyContainmentFrom {
            comparisons[i].jaccard = min(comparisons[i].jaccard, parameters.jaccard.nextDown)
            comparisons[i].containment = min(comparisons[i].containment, parameters.containment.nextDown)
        }
        comparisons.sort { a, b in
            let da = isDuplicate(a), db = isDuplicate(b)
            if da != db { return da }
            if a.jaccard != b.jaccard { return a.jaccard > b.jaccard }
            if a.containment != b.containment { return a.containment > b.containment }
            return a.doc < b.doc
        }
        return comparisons
    }

    private func score(_ c: Comparison) -> Double {
        max(c.estimatedJaccard / max(parameters.jaccard, 0.01), c.estimatedContainment / max(parameters.containment, 0.01))
    }

    /// Remembers a stored document.
    @discardableResult
    public func add(_ fp: Fingerprint, key: UInt64, day: Int) -> Int {
        index.insert(fp.signature, key: key, day: day)
    }
}

/// Day numbers (days since 1970-01-01, UTC).
public enum DayNumber {
    /// From an RFC 3339 timestamp's leading `YYYY-MM-DD`; nil when it has none.
    public static func parse(_ text: String) -> Int? {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    /// The same from UTF-8 bytes (start-up reads the index's text without making Strings).
    public static func parse(_ b: UnsafeRawBufferPointer) -> Int? {
        guard b.count >= 10, b[4] == 45, b[7] == 45 else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10), (1...12).contains(m), (1...31).contains(d) else { return nil }
        return fromCivil(year: y, month: m, day: d)
    }

    public static func fromCivil(year: Int, month: Int, day: Int) -> Int {
        DateParser.daysFromCivil(year: year, month: month, day: day)
    }

    /// Day number of a Unix time.
    public static func of(secondsSince1970 t: Double) -> Int { Int((t / 86400).rounded(.down)) }
}

/// Article ids are 16 hex digits; the index keeps them as 64-bit keys.
public enum ArticleKey {
    public static func key(_ id: String) -> UInt64? {
        guard id.utf8.count == 16 else { return nil }
        return UInt64(id, radix: 16)
    }

    /// The key of an id given as UTF-8 bytes when it is in canonical form (16 lower-case
    /// hex digits, as `Hash64.hex` writes it); nil otherwise.
    public static func canonicalKey(_ id: UnsafeRawBufferPointer) -> UInt64? {
        guard id.count == 16 else { return nil }
        var key: UInt64 = 0
        for b in id {
            let digit: UInt8
            switch b {
            case 48...57: digit = b - 48
            case 97...102: digit = b - 87
            default: return nil
            }
            key = key << 4 | UInt64(digit)
        }
        return key
    }
}
