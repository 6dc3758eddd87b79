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
    private var table = SlotTable(capacity: 0)
    /// Per-document hit counters for one query (always left at zero).
    private var hitCounts: [UInt8] = []
    /// Scratch buffers of `candidates`, kept between queries to avoid allocations.
    private var bandHits: [UInt64] = []
    private var touched: [UInt32] = []
    private var found: [Int] = []

    static let keysPerDocument = Dedupe.bands + Dedupe.containmentGroups

    public init(expectedCount: Int = 0) {
        reserve(expectedCount)
    }

    deinit {
        for chunk in chunks { chunk.deallocate() }
    }

    private var bulkLoading = false
    /// Table rebuilds of this many documents or more bucket their entries in 4 passes.
    public var multiPassFrom = 50_000

    /// Start-up loading: documents inserted until `finishBulkLoad()` get their table
    /// entries all at once, region by region (much faster than one by one).
    public func beginBulkLoad(expectedCount: Int) {
        keys.reserveCapacity(count + expectedCount)
        days.reserveCapacity(count + expectedCount)
        shingleCounts.reserveCapacity(count + expectedCount)
        bulkLoading = true
    }

    public func finishBulkLoad() {
        guard bulkLoading else { return }
        bulkLoading = false
        rehash(capacity: max(table.capacity, SlotTable.capacity(for: count * Self.keysPerDocument)))
    }

    /// Sizes the table for `n` documents so a rebuild never rehashes.
    public func reserve(_ n: Int) {
        guard n > count else { return }
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

    @discardableResult
    public func insert(_ sig: UnsafeBufferPointer<UInt32>, shingleCount: UInt32, key: UInt64, day: Int) -> Int {
        precondition(sig.count == Dedupe.signatureLength)
        // Full (16.7 M documents): the article is stored but no longer a candidate.
        guard count < SlotTable.maxDocuments else { return -1 }
        let doc = count
        if doc >> Self.chunkShift == chunks.count {
            let chunk = UnsafeMutablePointer<UInt32>.allocate(capacity: Self.chunkSize * Dedupe.signatureLength)
            chunks.append(chunk)
        }
        _ = values(doc).initialize(from: sig)
        keys.append(key)
        days.append(Int32(clamping: day))
        shingleCounts.append(shingleCount)
        count += 1
        if bulkLoading { return doc }
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
        var table = self.table
        self.table = SlotTable(capacity: 0)
        for pass in 0..<passes {
            for b in 0..<regionsPerPass { fill[b] = 0 }
            fill.withUnsafeMutableBufferPointer { fill in
                for doc in 0..<count {
                    let sig = UnsafeBufferPointer(values(doc))
                    @inline(__always) func add(_ hash: UInt64) {
                        let home = ((hash & 0xffff_ffff) &* cap) >> 32
                        let region = Int(truncatingIfNeeded: home) * regions / capacity
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
        self.table = table
    }

    @inline(__always)
    private func forEachKey(_ doc: Int, _ body: (UInt64) -> Void) {
        let sig = UnsafeBufferPointer(values(doc))
        for band in 0..<Dedupe.bands { body(Self.bandHash(sig, band: band)) }
        for group in 0..<Dedupe.containmentGroups {
            if let m = MinHash.groupMinimum(sig, group: group) { body(Self.groupHash(m, group: group)) }
        }
    }

    private func addKeys(_ doc: Int) {
        let sig = UnsafeBufferPointer(values(doc))
        for band in 0..<Dedupe.bands { table.insert(hash: Self.bandHash(sig, band: band), doc: UInt32(doc)) }
        for group in 0..<Dedupe.containmentGroups {
            if let m = MinHash.groupMinimum(sig, group: group) { table.insert(hash: Self.groupHash(m, group: group), doc: UInt32(doc)) }
        }
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

    /// Documents sharing at least one LSH band, or at least two containment keys, with
    /// `sig`, ingested on or after `minDay`; sorted by document number, each once.
    ///
    /// One shared containment key happens by chance about as often as the Jaccard
    /// similarity of two unrelated articles (common phrases), so it is not enough; an
    /// excerpt holding a share f of an article shares each of the 16 keys with probability
    /// f, and two or more of them with probability 0.97 at f = 0.3.
    public func candidates(_ signature: Signature, minDay: Int = Int.min) -> [Int] {
        signature.values.withUnsafeBufferPointer { candidates($0, minDay: minDay) }
    }

    public func candidates(_ sig: UnsafeBufferPointer<UInt32>, minDay: Int = Int.min) -> [Int] {
        guard count > 0 else { return [] }
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
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: Self.keysPerDocument) { hashes in
            // All keys first, so the table walk below can issue its (cache-missing) loads
            // back to back instead of one key at a time.
            var n = 0
            for band in 0..<Dedupe.bands { hashes[n] = Self.bandHash(sig, band: band); n += 1 }
            for group in 0..<Dedupe.containmentGroups {
                if let m = MinHash.groupMinimum(sig, group: group) { hashes[n] = Self.groupHash(m, group: group); n += 1 }
            }
            hitCounts.withUnsafeMutableBufferPointer { hits in
                table.lookup(UnsafeBufferPointer(rebasing: hashes[0..<n])) { key, doc in
                    if key < Dedupe.bands {
                        // Confirmed against the signature later, in one pass (see below).
                        bandHits.append(UInt64(doc) << 8 | UInt64(key))
                    } else {
                        // Confirmed by the 8-bit fingerprint only: a stray hit needs a second one.
                        let d = Int(doc)
                        let h = hits[d]
                        if h == 0 { touched.append(doc) }
                        hits[d] = h == 255 ? h : h &+ 1
                    }
                }
                for doc in touched {
                    if hits[Int(doc)] >= 2 { found.append(Int(doc)) }
                    hits[Int(doc)] = 0
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
        var unique: [Int] = []
        unique.reserveCapacity(found.count)
        days.withUnsafeBufferPointer { days in
            for d in found where unique.last != d && Int(days[d]) >= minDay { unique.append(d) }
        }
        return unique
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

/// Open addressing with linear probing, one `UInt32` per entry: the document number + 1
/// in the low 24 bits (0 = empty) and an 8-bit fingerprint of the key hash in the high
/// 8 bits, so a probe touches one array. Capacity is any size (multiply-high range
/// reduction), grown by 1.4× past 70% load, so the load stays between 50% and 70%.
/// Holds at most 2^24 − 1 documents (16.7 M, about 16 GiB of signatures).
struct SlotTable {
    private(set) var capacity: Int
    private var slots: [UInt32]
    private(set) var entries = 0

    static let maxLoad = 0.7
    static let maxDocuments = (1 << 24) - 1

    init(capacity: Int) {
        self.capacity = capacity
        slots = Array(repeating: 0, count: capacity)
    }

    static func capacity(for entries: Int) -> Int { max(64, Int((Double(entries) / 0.6).rounded(.up))) }
    static func needsGrowth(entries: Int, capacity: Int) -> Bool { Double(entries) > Double(capacity) * maxLoad }
    static func grownCapacity(_ capacity: Int, entries: Int) -> Int {
        max(capacity + capacity * 2 / 5, Int((Double(entries) / 0.5).rounded(.up)))
    }

    @inline(__always)
    func home(_ hash: UInt64) -> Int {
        // Multiply-high range reduction of the low 32 bits (the fingerprint uses the top 8).
        Int(truncatingIfNeeded: ((hash & 0xffff_ffff) &* UInt64(capacity)) >> 32)
    }

    @inline(__always)
    private static func tag(_ hash: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: hash >> 56) << 24 }

    @inline(__always)
    static func entry(hash: UInt64, doc: UInt32) -> UInt32 { tag(hash) | (doc &+ 1) }

    mutating func insert(hash: UInt64, doc: UInt32) {
        precondition(Int(doc) < Self.maxDocuments, "signature index is full")
        insert(home: home(hash), entry: Self.entry(hash: hash, doc: doc))
    }

    mutating func insert(home: Int, entry: UInt32) {
        var i = home
        let capacity = self.capacity
        slots.withUnsafeMutableBufferPointer { slots in
            while slots[i] & 0x00ff_ffff != 0 {
                i += 1
                if i == capacity { i = 0 }
            }
            slots[i] = entry
        }
        entries += 1
    }

    /// Calls `body(k, doc)` for each entry whose fingerprint matches `hashes[k]` (at most
    /// 48 keys). The home slots are loaded first, all together: they are independent
    /// loads, so the CPU overlaps their cache misses instead of waiting for each chain.
    @inline(__always)
    func lookup(_ hashes: UnsafeBufferPointer<UInt64>, _ body: (Int, UInt32) -> Void) {
        guard capacity > 0 else { return }
        let capacity = self.capacity
        withUnsafeTemporaryAllocation(of: Int.self, capacity: hashes.count) { homes in
            slots.withUnsafeBufferPointer { slots in
                for k in hashes.indices { homes[k] = home(hashes[k]) }
                // Touch every home slot before walking any chain.
                var seen: UInt32 = 0
                for k in hashes.indices { seen |= slots[homes[k]] }
                guard seen != 0 else { return }
                for k in hashes.indices {
                    var i = homes[k]
                    let tag = Self.tag(hashes[k])
                    while true {
                        let s = slots[i]
                        if s & 0x00ff_ffff == 0 { break }
                        if s & 0xff00_0000 == tag { body(k, (s & 0x00ff_ffff) &- 1) }
                        i &+= 1
                        if i == capacity { i = 0 }
                    }
                }
            }
        }
    }

    var memoryBytes: Int { slots.capacity * 4 }
}
