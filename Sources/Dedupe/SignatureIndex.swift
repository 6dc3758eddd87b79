import Dispatch
import WinnowCore

/// Signatures of stored articles in memory, with LSH tables for candidate search.
///
/// Memory per document: the 512-byte signature in flat chunks of 1024 documents, 16 bytes
/// of metadata (key, day, shingle count, query counter), and 48 table entries of 4 bytes
/// (24-bit document number + 8-bit fingerprint) in one open-addressing table kept between
/// 50% and 70% full (32 band keys + up to 16 containment keys): about
/// 512 + 17 + 48·4/0.6 ≈ 850 bytes, at most ≈ 915.
/// A table entry holds no key: a hit is confirmed against the document's own signature
/// values, which also lets the table be rebuilt from the signatures alone.
public final class SignatureIndex {
    public private(set) var count = 0
    static let chunkShift = 10
    static let chunkSize = 1 << chunkShift
    private var chunks: [UnsafeMutablePointer<UInt32>] = []
    private var keys: [UInt64] = []
    private var days: [Int32] = []
    private var shingleCounts: [UInt32] = []
    /// The largest `shingleCounts` value: no second tier for texts over half of it.
    private var maxShingleCount: UInt32 = 0
    private var table = SlotTable(capacity: 0)
    /// Per-document hit counters for one query (always left at zero).
    private var hitCounts: [UInt8] = []
    /// Scratch buffers of `candidates`, kept between queries to avoid allocations.
    private var bandHits: [UInt64] = []
    private var touched: [UInt64] = []
    private var found: [Int] = []

    static let keysPerDocument = Dedupe.bands + Dedupe.containmentGroups

    public init(expectedCount: Int = 0) {
        reserve(expectedCount)
    }

    deinit {
        waitForFiller()
        for chunk in chunks { chunk.deallocate() }
    }

    private var bulkLoading = false
    /// Fills the table during a bulk load; documents below `filled` are handed to it.
    private var filler: TableFiller?
    private var filled = 0
    /// Seconds the last `finishBulkLoad()` waited for the worker (for benchmarks).
    public private(set) var lastBulkLoadWaitSeconds = 0.0
    /// Whether a bulk load fills the table on a worker thread (else inline, as it reads).
    public var bulkLoadOnWorker = true
    /// Table rebuilds of this many documents or more bucket their entries in 4 passes.
    public var multiPassFrom = 50_000

    /// Start-up loading of about `expectedCount` documents (the row count is known before
    /// reading): the table is sized for all of them at once and filled on a worker thread,
    /// a chunk of documents at a time, while the caller keeps inserting. Queries wait for
    /// the worker; `finishBulkLoad()` ends the load.
    public func beginBulkLoad(expectedCount: Int) {
        guard !bulkLoading else { return }
        keys.reserveCapacity(count + expectedCount)
        days.reserveCapacity(count + expectedCount)
        shingleCounts.reserveCapacity(count + expectedCount)
        chunks.reserveCapacity((count + expectedCount) >> Self.chunkShift + 1)
        let needed = SlotTable.capacity(for: (count + expectedCount) * Self.keysPerDocument)
        if needed > table.capacity { rehash(capacity: needed) }
        bulkLoading = true
        filled = count
        filler = TableFiller(table: table, threaded: bulkLoadOnWorker)
    }

    public func finishBulkLoad() {
        guard bulkLoading else { return }
        let waitStart = DispatchTime.now().uptimeNanoseconds
        waitForFiller()
        lastBulkLoadWaitSeconds = Double(DispatchTime.now().uptimeNanoseconds - waitStart) / 1e9
        bulkLoading = false
        filler = nil
        // More documents than expected, or far fewer (a horizon skipped most rows): the
        // table is rebuilt at the size that holds them.
        let entries = count * Self.keysPerDocument
        if SlotTable.needsGrowth(entries: entries, capacity: table.capacity)
            || SlotTable.capacity(for: entries) * 2 < table.capacity {
            rehash(capacity: SlotTable.capacity(for: entries))
        } else {
            for doc in filled..<count { addKeys(doc) }
        }
        filled = count
        // Far fewer rows than expected: give back the metadata reserved for them.
        if keys.capacity > 2 * count + 1024 {
            keys = keys.withUnsafeBufferPointer { Array($0) }
            days = days.withUnsafeBufferPointer { Array($0) }
            shingleCounts = shingleCounts.withUnsafeBufferPointer { Array($0) }
        }
    }

    /// Hands the documents of the chunk just completed to the worker, if the table still
    /// has room for them (else `finishBulkLoad()` rebuilds it).
    private func handOverChunk() {
        guard let filler, filled < count,
              !SlotTable.needsGrowth(entries: count * Self.keysPerDocument, capacity: table.capacity) else { return }
        filler.fill(UnsafePointer(values(filled).baseAddress!), firstDoc: filled, count: count - filled)
        filled = count
    }

    private func waitForFiller() { filler?.wait() }

    /// Sizes the table for `n` documents so a rebuild never rehashes.
    public func reserve(_ n: Int) {
        guard n > count else { return }
        waitForFiller()
        keys.reserveCapacity(n)
        days.reserveCapacity(n)
        shingleCounts.reserveCapacity(n)
        hitCounts.reserveCapacity(n)
        let needed = SlotTable.capacity(for: n * Self.keysPerDocument)
        if needed > table.capacity { rehash(capacity: needed) }
    }

    // MARK: Documents

    /// The signature values of document `doc` (valid until the next insert).
    @inline(__always)
    func values(_ doc: Int) -> UnsafeMutableBufferPointer<UInt32> {
        UnsafeMutableBufferPointer(start: chunks[doc >> Self.chunkShift] + (doc & (Self.chunkSize - 1)) * Dedupe.signatureLength,
                                   count: Dedupe.signatureLength)
    }

    public func signature(_ doc: Int) -> Signature {
        Signature(values: Array(values(doc)), shingleCount: shingleCounts[doc])
    }

    public func key(_ doc: Int) -> UInt64 { keys[doc] }
    public func day(_ doc: Int) -> Int { Int(days[doc]) }
    public func shingleCount(_ doc: Int) -> Int { Int(shingleCounts[doc]) }

    /// Adds a document; returns its number (documents are numbered in insertion order), or
    /// -1 when the index is full.
    @discardableResult
    public func insert(_ signature: Signature, key: UInt64, day: Int) -> Int {
        signature.values.withUnsafeBufferPointer { insert($0, shingleCount: signature.shingleCount, key: key, day: day) }
    }

    /// Adds a document from its stored form (`Signature.bytes`: 128 little-endian values,
    /// then the shingle count, which may be missing), copied straight into place; returns
    /// its number, or -1 when the index is full or the bytes have the wrong size.
    @discardableResult
    public func insert(encoded: UnsafeRawBufferPointer, key: UInt64, day: Int) -> Int {
        guard encoded.count == Signature.encodedSize || encoded.count == 4 * Dedupe.signatureLength else { return -1 }
        let shingleCount = encoded.count == Signature.encodedSize
            ? UInt32(littleEndian: encoded.loadUnaligned(fromByteOffset: 4 * Dedupe.signatureLength, as: UInt32.self)) : 0
        return append(shingleCount: shingleCount, key: key, day: day) { values in
            #if _endian(little)
            UnsafeMutableRawPointer(values.baseAddress!).copyMemory(from: encoded.baseAddress!, byteCount: 4 * Dedupe.signatureLength)
            #else
            for i in 0..<Dedupe.signatureLength {
                values[i] = UInt32(littleEndian: encoded.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
            }
            #endif
        }
    }

    @discardableResult
    public func insert(_ sig: UnsafeBufferPointer<UInt32>, shingleCount: UInt32, key: UInt64, day: Int) -> Int {
        precondition(sig.count == Dedupe.signatureLength)
        return append(shingleCount: shingleCount, key: key, day: day) { _ = $0.initialize(from: sig) }
    }

    /// Stores a document whose values `fill` writes, then indexes it (or hands it to the
    /// bulk load's worker).
    @inline(__always)
    private func append(shingleCount: UInt32, key: UInt64, day: Int, _ fill: (UnsafeMutableBufferPointer<UInt32>) -> Void) -> Int {
        // Full (16.7 M documents): the article is stored but no longer a candidate.
        guard count < SlotTable.maxDocuments else { return -1 }
        let doc = count
        if doc >> Self.chunkShift == chunks.count {
            let chunk = UnsafeMutablePointer<UInt32>.allocate(capacity: Self.chunkSize * Dedupe.signatureLength)
            chunks.append(chunk)
        }
        fill(values(doc))
        keys.append(key)
        days.append(Int32(clamping: day))
        shingleCounts.append(shingleCount)
        maxShingleCount = max(maxShingleCount, shingleCount)
        count += 1
        if bulkLoading {
            if count & (Self.chunkSize - 1) == 0 { handOverChunk() }
            return doc
        }
        if SlotTable.needsGrowth(entries: count * Self.keysPerDocument, capacity: table.capacity) {
            rehash(capacity: SlotTable.grownCapacity(table.capacity, entries: count * Self.keysPerDocument))
        } else {
            addKeys(doc)
        }
        return doc
    }

    /// Rebuilds the table for all documents. Entries are computed in 4 passes over the
    /// documents and bucketed by table region, then inserted region by region, so the
    /// inserts stay in cache (a table of 1 M documents is ~320 MB); the buckets hold at most
    /// a quarter of the entries at a time (~100 bytes per document, freed afterwards).
    private func rehash(capacity: Int) {
        table = SlotTable(capacity: capacity)
        guard count > 0 else { return }
        let passes = count >= multiPassFrom ? 4 : 1
        let regionsPerPass = 64
        let regions = passes * regionsPerPass
        let cap = UInt64(capacity)
        // Flat bucket storage with a fixed stride per bucket (hashes are uniform; a bucket
        // that overflows its stride spills into direct inserts).
        let stride = count * Self.keysPerDocument / regions + count * Self.keysPerDocument / (regions * 8) + 64
        let storage = UnsafeMutablePointer<UInt64>.allocate(capacity: stride * regionsPerPass)
        defer { storage.deallocate() }
        var fill = [Int](repeating: 0, count: regionsPerPass)
        var spill: [UInt64] = []
        let table = self.table
        for pass in 0..<passes {
            for b in 0..<regionsPerPass { fill[b] = 0 }
            fill.withUnsafeMutableBufferPointer { fill in
                for doc in 0..<count {
                    let sig = UnsafeBufferPointer(values(doc))
                    @inline(__always) func add(_ hash: UInt64) {
                        let home = ((hash & 0xffff_ffff) &* cap) >> 32
                        // Homes are monotone in the low 32 hash bits: a region is a range
                        // of them (no division per entry).
                        let region = Int(truncatingIfNeeded: ((hash & 0xffff_ffff) &* UInt64(regions)) >> 32)
                        guard region / regionsPerPass == pass else { return }
                        let b = region % regionsPerPass
                        let packed = home << 32 | UInt64(SlotTable.entry(hash: hash, doc: UInt32(doc)))
                        if fill[b] < stride {
                            storage[b * stride + fill[b]] = packed
                            fill[b] += 1
                        } else {
                            spill.append(packed)
                        }
                    }
                    for band in 0..<Dedupe.bands { add(Self.bandHash(sig, band: band)) }
                    for group in 0..<Dedupe.containmentGroups {
                        if let m = MinHash.groupMinimum(sig, group: group) { add(Self.groupHash(m, group: group)) }
                    }
                }
                for b in 0..<regionsPerPass {
                    for t in 0..<fill[b] {
                        let e = storage[b * stride + t]
                        table.insert(home: Int(e >> 32), entry: UInt32(truncatingIfNeeded: e))
                    }
                }
            }
        }
        for e in spill { table.insert(home: Int(e >> 32), entry: UInt32(truncatingIfNeeded: e)) }
    }

    private func addKeys(_ doc: Int) {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: Self.keysPerDocument) { hashes in
            let n = Self.keyHashes(UnsafeBufferPointer(values(doc)), into: hashes)
            table.insert(hashes: UnsafeBufferPointer(rebasing: hashes[0..<n]), doc: UInt32(doc))
        }
    }

    /// The table keys of a signature (32 bands, then up to 16 containment keys) into
    /// `out`; returns how many.
    @inline(__always)
    static func keyHashes(_ sig: UnsafeBufferPointer<UInt32>, into out: UnsafeMutableBufferPointer<UInt64>) -> Int {
        var n = 0
        for band in 0..<Dedupe.bands { out[n] = bandHash(sig, band: band); n += 1 }
        for group in 0..<Dedupe.containmentGroups {
            if let m = MinHash.groupMinimum(sig, group: group) { out[n] = groupHash(m, group: group); n += 1 }
        }
        return n
    }

    @inline(__always)
    static func bandHash(_ sig: UnsafeBufferPointer<UInt32>, band: Int) -> UInt64 {
        let base = band * Dedupe.rows
        var h = UInt64(band) &* 0x9e37_79b9_7f4a_7c15
        for r in 0..<Dedupe.rows { h = Hash64.mix(h ^ UInt64(sig[base + r]), 0xe703_7ed1_a0b4_28db) }
        return h
    }

    @inline(__always)
    static func groupHash(_ value: UInt32, group: Int) -> UInt64 {
        Hash64.mix(UInt64(value) ^ (UInt64(group + 1) << 40), 0x8ebc_6af0_9c88_c6e3)
    }

    // MARK: Queries

    /// Candidates of a query in two tiers, each sorted by document number, inside the
    /// horizon, each document once.
    ///
    /// A text holding a share f of a stored article's shingles shares each of its 16
    /// containment keys with probability f. One shared key also happens by chance about as
    /// often as the Jaccard similarity of two unrelated articles (common phrases, quotes
    /// repeated across outlets), so the first tier asks for two: a text ≥ 90% contained in
    /// a stored one less than twice its size holds f > 0.45 of it and shares two or more
    /// keys with probability > 0.999. A short excerpt of a long article does not: at
    /// f = 0.15 it shares two keys only 72% of the time, but one 93% of the time. Hence
    /// the second tier: stored documents at least twice the new text's size (in distinct
    /// shingles) that share one containment key. It is larger and mostly chance, so the
    /// detector reads it only when the first tier holds no duplicate.
    public struct Candidates: Sendable, Equatable {
        /// Documents sharing at least one LSH band or two containment keys.
        public var strong: [Int]
        /// Documents at least twice the new text's size sharing one containment key,
        /// confirmed against their signature (empty while `pendingWeak` waits).
        public var weak: [Int]
        /// Second-tier hits not yet confirmed (document << 8 | group), when the query
        /// deferred them: confirming costs a signature read per hit, paid only if needed.
        var pendingWeak: [UInt64]
        /// The query's horizon, applied to `pendingWeak` when it is confirmed.
        var minDay = Int.min

        public init(strong: [Int] = [], weak: [Int] = []) {
            self.strong = strong
            self.weak = weak
            pendingWeak = []
        }

        /// Whether the second tier may hold anything (confirmed or not).
        public var hasWeak: Bool { !weak.isEmpty || !pendingWeak.isEmpty }

        /// Both tiers, sorted by document number.
        public var all: [Int] { (strong + weak).sorted() }
    }

    /// Both tiers of candidates (`Candidates.all`).
    public func candidates(_ signature: Signature, minDay: Int = Int.min) -> [Int] {
        candidateTiers(signature, minDay: minDay).all
    }

    /// The candidates of `signature`; with `deferWeak` the second tier is left for
    /// `confirmWeak`.
    public func candidateTiers(_ signature: Signature, minDay: Int = Int.min, deferWeak: Bool = false) -> Candidates {
        signature.values.withUnsafeBufferPointer {
            var tiers = candidateTiers($0, shingleCount: signature.shingleCount, minDay: minDay)
            if !deferWeak { confirmWeak(&tiers, $0) }
            return tiers
        }
    }

    /// Confirms deferred second-tier hits: the stored document's minimum of the group must
    /// equal the query's (the table only compared an 8-bit fingerprint, whose chance hits
    /// would depend on the table's layout, so decisions would too).
    public func confirmWeak(_ tiers: inout Candidates, _ signature: Signature) {
        signature.values.withUnsafeBufferPointer { confirmWeak(&tiers, $0) }
    }

    func confirmWeak(_ tiers: inout Candidates, _ sig: UnsafeBufferPointer<UInt32>) {
        guard !tiers.pendingWeak.isEmpty else { return }
        var groupOfKey = [Int](repeating: 0, count: Self.keysPerDocument)
        var k = Dedupe.bands
        for group in 0..<Dedupe.containmentGroups where MinHash.groupMinimum(sig, group: group) != nil {
            groupOfKey[k] = group
            k += 1
        }
        // Sorted (by document) here rather than in the query: most queries never get here.
        tiers.pendingWeak.sort()
        var i = 0
        for hit in tiers.pendingWeak {
            let d = Int(truncatingIfNeeded: hit >> 8)
            guard Int(days[d]) >= tiers.minDay else { continue }
            // A document with one containment key and a band is already in the first tier.
            while i < tiers.strong.count && tiers.strong[i] < d { i += 1 }
            guard i == tiers.strong.count || tiers.strong[i] != d else { continue }
            let group = groupOfKey[Int(truncatingIfNeeded: hit & 0xff)]
            if MinHash.groupMinimum(UnsafeBufferPointer(values(d)), group: group) == MinHash.groupMinimum(sig, group: group) {
                tiers.weak.append(d)
            }
        }
        tiers.pendingWeak = []
    }

    /// The tiers for signature values `sig` of a text with `shingleCount` distinct
    /// shingles (0 = unknown: no second tier); the second tier is left pending.
    func candidateTiers(_ sig: UnsafeBufferPointer<UInt32>, shingleCount: UInt32, minDay: Int) -> Candidates {
        guard count > 0 else { return Candidates() }
        waitForFiller()
        if hitCounts.count < count { hitCounts.append(contentsOf: repeatElement(0, count: count - hitCounts.count)) }
        // Scratch buffers moved out of `self` for the query, so the loops below touch
        // locals (no exclusivity checks on class properties) and keep their capacity.
        var bandHits = self.bandHits, touched = self.touched, found = self.found
        bandHits.removeAll(keepingCapacity: true)
        touched.removeAll(keepingCapacity: true)
        found.removeAll(keepingCapacity: true)
        self.bandHits = []; self.touched = []; self.found = []
        defer { self.bandHits = bandHits; self.touched = touched; self.found = found }
        let table = self.table
        let chunks = self.chunks
        // Stored documents at least this large are second-tier candidates on one key.
        let weakFrom = shingleCount == 0 || 2 * UInt64(shingleCount) > UInt64(maxShingleCount) ? UInt64.max : 2 * UInt64(shingleCount)
        var weak: [UInt64] = []
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: Self.keysPerDocument) { hashes in
            // All keys first, so the table walk below can issue its (cache-missing) loads
            // back to back instead of one key at a time.
            let n = Self.keyHashes(sig, into: hashes)
            hitCounts.withUnsafeMutableBufferPointer { hits in
                table.lookup(UnsafeBufferPointer(rebasing: hashes[0..<n])) { key, doc in
                    if key < Dedupe.bands {
                        // Confirmed against the signature later, in one pass (see below).
                        bandHits.append(UInt64(doc) << 8 | UInt64(key))
                    } else {
                        // Confirmed by the 8-bit fingerprint only: a stray hit needs a
                        // second one, or a check against the signature (`confirmWeak`).
                        let h = hits[Int(doc)]
                        if h == 0 { touched.append(UInt64(doc) << 8 | UInt64(key)) }
                        hits[Int(doc)] = h == 255 ? h : h &+ 1
                    }
                }
                shingleCounts.withUnsafeBufferPointer { sizes in
                    for t in touched {
                        let d = Int(truncatingIfNeeded: t >> 8)
                        if hits[d] >= 2 {
                            found.append(d)
                        } else if weakFrom != .max && UInt64(sizes[d]) >= weakFrom {
                            weak.append(t)
                        }
                        hits[d] = 0
                    }
                }
            }
        }
        // Band hits are confirmed against the stored rows after the table walk: the
        // signature reads are independent of each other, so their cache misses overlap.
        bandHits.withUnsafeBufferPointer { bandHits in
            for hit in bandHits {
                let d = Int(truncatingIfNeeded: hit >> 8)
                let base = Int(truncatingIfNeeded: hit & 0xff) * Dedupe.rows
                let other = chunks[d >> Self.chunkShift] + (d & (Self.chunkSize - 1)) * Dedupe.signatureLength
                var same = true
                for r in 0..<Dedupe.rows where other[base + r] != sig[base + r] { same = false }
                if same { found.append(d) }
            }
        }
        found.sort()
        var strong: [Int] = []
        strong.reserveCapacity(found.count)
        days.withUnsafeBufferPointer { days in
            for d in found where strong.last != d && Int(days[d]) >= minDay { strong.append(d) }
        }
        var tiers = Candidates(strong: strong)
        tiers.pendingWeak = weak
        tiers.minDay = minDay
        return tiers
    }

    /// Number of equal positions between `sig` and document `doc`.
    public func matches(_ sig: UnsafeBufferPointer<UInt32>, doc: Int) -> Int {
        MinHash.matches(sig, UnsafeBufferPointer(values(doc)))
    }

    // MARK: Memory

    /// Bytes held for the documents (signature chunks, metadata and the table).
    public var memoryBytes: Int {
        chunks.count * Self.chunkSize * Dedupe.signatureLength * 4
            + keys.capacity * 8 + days.capacity * 4 + shingleCounts.capacity * 4 + hitCounts.capacity
            + table.memoryBytes
    }
}

extension SignatureIndex {
    /// The table keys a signature is filed under (its LSH bands and containment keys):
    /// two documents that could be found as each other's candidates share at least one.
    /// A cluster locks these before deciding, so such documents are decided one at a time.
    public static func keys(of signature: Signature) -> [UInt64] {
        signature.values.withUnsafeBufferPointer { sig in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: keysPerDocument) { out in
                Array(out[0..<keyHashes(sig, into: out)])
            }
        }
    }
}
