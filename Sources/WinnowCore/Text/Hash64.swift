/// A fast, well-distributed, deterministic 64-bit hash (wyhash-style multiply-fold), the
/// same on every machine: content hashes, article ids and shingle hashes all use it.
public enum Hash64 {
    @usableFromInline static let p0: UInt64 = 0xa076_1d64_78bd_642f
    @usableFromInline static let p1: UInt64 = 0xe703_7ed1_a0b4_28db
    @usableFromInline static let p2: UInt64 = 0x8ebc_6af0_9c88_c6e3
    @usableFromInline static let p3: UInt64 = 0x5899_65cc_7537_4cc3

    @inlinable @inline(__always)
    public static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let r = a.multipliedFullWidth(by: b)
        return r.high ^ r.low
    }

    @inlinable
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        let n = bytes.count
        var h = seed ^ p0 ^ UInt64(truncatingIfNeeded: n)
        var i = 0
        while i + 16 <= n {
            let a = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let b = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self))
            h = mix(a ^ p1 ^ h, b ^ p2)
            i += 16
        }
        var a: UInt64 = 0
        var b: UInt64 = 0
        if i + 8 <= n {
            a = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        var shift: UInt64 = 0
        while i < n {
            b |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        return mix(mix(a ^ p1 ^ h, b ^ p3) ^ p0, UInt64(truncatingIfNeeded: n) ^ p2)
    }

    public static func hash(_ string: String, seed: UInt64 = 0) -> UInt64 {
        var copy = string
        return copy.withUTF8 { hash(UnsafeRawBufferPointer($0), seed: seed) }
    }

    public static func hash(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { hash($0, seed: seed) }
    }

    /// 16 lowercase hex digits.
    public static func hex(_ value: UInt64) -> String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
