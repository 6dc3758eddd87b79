#if canImport(Glibc)
import Glibc
#endif

/// Open addressing with linear probing, one `UInt32` per entry: the document number + 1
/// in the low 24 bits (0 = empty) and an 8-bit fingerprint of the key hash in the high
/// 8 bits, so a probe touches one array. Capacity is any size (multiply-high range
/// reduction), grown by 1.4× past 70% load, so the load stays between 50% and 70%.
/// Holds at most 2^24 − 1 documents (16.7 M, about 16 GiB of signatures).
///
/// The slots live in `SlotStorage` (a reference): copies of a table share them, which the
/// start-up bulk load relies on to fill the table from a worker thread.
struct SlotTable {
    private(set) var storage: SlotStorage
    var capacity: Int { storage.capacity }
    var entries: Int { storage.entries }

    static let maxLoad = 0.7
    static let maxDocuments = (1 << 24) - 1

    init(capacity: Int) {
        storage = SlotStorage(capacity: capacity)
    }

    static func capacity(for entries: Int) -> Int { max(64, Int((Double(entries) / 0.6).rounded(.up))) }
    static func needsGrowth(entries: Int, capacity: Int) -> Bool { Double(entries) > Double(capacity) * maxLoad }
    static func grownCapacity(_ capacity: Int, entries: Int) -> Int {
        max(capacity + capacity * 2 / 5, Int((Double(entries) / 0.5).rounded(.up)))
    }

    @inline(__always)
    func home(_ hash: UInt64) -> Int { Self.home(hash, capacity: capacity) }

    /// Multiply-high range reduction of the low 32 bits (the fingerprint uses the top 8).
    /// Monotone in the low 32 bits, so equal top bits of them mean nearby homes (the
    /// rehash buckets entries by region that way, without a division).
    @inline(__always)
    static func home(_ hash: UInt64, capacity: Int) -> Int {
        Int(truncatingIfNeeded: ((hash & 0xffff_ffff) &* UInt64(capacity)) >> 32)
    }

    @inline(__always)
    private static func tag(_ hash: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: hash >> 56) << 24 }

    @inline(__always)
    static func entry(hash: UInt64, doc: UInt32) -> UInt32 { tag(hash) | (doc &+ 1) }

    func insert(hash: UInt64, doc: UInt32) {
        precondition(Int(doc) < Self.maxDocuments, "signature index is full")
        insert(home: home(hash), entry: Self.entry(hash: hash, doc: doc))
    }

    @inline(__always)
    func insert(home: Int, entry: UInt32) {
        let slots = storage.slots
        let capacity = self.capacity
        var i = home
        while slots[i] & 0x00ff_ffff != 0 {
            i &+= 1
            if i == capacity { i = 0 }
        }
        slots[i] = entry
        storage.entries += 1
    }

    /// Inserts the entries of one document's keys. The home slots are loaded first, all
    /// together, so on a table far larger than the caches their misses overlap instead of
    /// being paid one insert at a time (the start-up rebuild is bound by them).
    func insert(hashes: UnsafeBufferPointer<UInt64>, doc: UInt32) {
        precondition(Int(doc) < Self.maxDocuments, "signature index is full")
        let slots = storage.slots
        let capacity = self.capacity
        withUnsafeTemporaryAllocation(of: Int.self, capacity: hashes.count) { homes in
            var seen: UInt32 = 0
            for k in hashes.indices {
                homes[k] = Self.home(hashes[k], capacity: capacity)
                seen |= slots[homes[k]]
            }
            // `seen` is only there to keep the loads; the probes below find them in cache.
            if seen == 0xdead_beef { storage.touched &+= 1 }
            for k in hashes.indices {
                var i = homes[k]
                while slots[i] & 0x00ff_ffff != 0 {
                    i &+= 1
                    if i == capacity { i = 0 }
                }
                slots[i] = Self.entry(hash: hashes[k], doc: doc)
            }
        }
        storage.entries += hashes.count
    }

    /// Calls `body(k, doc)` for each entry whose fingerprint matches `hashes[k]` (at most
    /// 48 keys). The home slots are loaded first, all together: they are independent
    /// loads, so the CPU overlaps their cache misses instead of waiting for each chain.
    @inline(__always)
    func lookup(_ hashes: UnsafeBufferPointer<UInt64>, _ body: (Int, UInt32) -> Void) {
        guard capacity > 0 else { return }
        let capacity = self.capacity
        let slots = UnsafePointer(storage.slots)
        withUnsafeTemporaryAllocation(of: Int.self, capacity: hashes.count) { homes in
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

    var memoryBytes: Int { capacity * 4 }
}

/// Zeroed slots of a `SlotTable`. Large tables are mapped directly and advised for huge
/// pages: a lookup or insert is a random access, and with 4 KiB pages nearly every one of
/// them also misses the TLB (a table of 1 M documents is ~320 MB).
final class SlotStorage: @unchecked Sendable {
    let capacity: Int
    let slots: UnsafeMutablePointer<UInt32>
    var entries = 0
    /// Written only on an impossible branch; keeps the compiler from dropping warm-up loads.
    var touched = 0
    private let mapping: (base: UnsafeMutableRawPointer, length: Int)?

    static let hugePage = 2 << 20
    /// Below this, plain zeroed heap memory.
    static let mapFrom = 8 << 20

    init(capacity: Int) {
        self.capacity = capacity
        let bytes = max(1, capacity) * 4
        #if canImport(Glibc)
        if bytes >= Self.mapFrom,
           let base = mmap(nil, bytes + Self.hugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
           base != MAP_FAILED {
            // Aligned to a huge page so the kernel can back it with them.
            let aligned = (Int(bitPattern: base) + Self.hugePage - 1) & ~(Self.hugePage - 1)
            let start = UnsafeMutableRawPointer(bitPattern: aligned)!
            _ = madvise(start, bytes, 14 /* MADV_HUGEPAGE */)
            mapping = (base, bytes + Self.hugePage)
            slots = start.bindMemory(to: UInt32.self, capacity: max(1, capacity))
            return
        }
        #endif
        mapping = nil
        slots = .allocate(capacity: max(1, capacity))
        slots.initialize(repeating: 0, count: max(1, capacity))
    }

    deinit {
        #if canImport(Glibc)
        if let mapping {
            munmap(mapping.base, mapping.length)
            return
        }
        #endif
        slots.deallocate()
    }
}
