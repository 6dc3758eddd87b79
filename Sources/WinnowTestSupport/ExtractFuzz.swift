import Foundation

/// A deterministic random number generator (SplitMix64): the same seed gives the same
/// mutants on every machine and every run.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Hostile mutants of the extraction fixtures, for the fuzz test and `scripts/fuzz-extract`:
/// byte flips, truncations, deleted closing tags, NULs, megabyte single lines, deep nesting,
/// invalid UTF-8, wide encodings with and without a byte-order mark, combining-mark runs,
/// millions of short lines, charset lies.
public struct ExtractFuzz {
    /// One input file to write.
    public struct Mutant: Sendable {
        public var name: String
        public var bytes: [UInt8]
    }

    /// Sizes of the big mutants; the in-test run uses `.quick` to stay fast on a debug build.
    public struct Scale: Sendable {
        public var singleLineBytes: Int
        public var nestedDivs: Int
        public var markPairs: Int
        public var shortLines: Int
        /// Short lines that all differ (each one classified: the memo cannot help).
        public var distinctLines: Int

        public init(singleLineBytes: Int, nestedDivs: Int, markPairs: Int, shortLines: Int, distinctLines: Int) {
            self.singleLineBytes = singleLineBytes
            self.nestedDivs = nestedDivs
            self.markPairs = markPairs
            self.shortLines = shortLines
            self.distinctLines = distinctLines
        }

        public static let quick = Scale(singleLineBytes: 1 << 20, nestedDivs: 100_000, markPairs: 40_000, shortLines: 1_000_000,
                                        distinctLines: 10_000)
        public static let full = Scale(singleLineBytes: 2 << 20, nestedDivs: 300_000, markPairs: 200_000, shortLines: 6_000_000,
                                       distinctLines: 100_000)
    }

    /// The mutation kinds, applied in turn (mutant `i` gets kind `i % count`).
    public static let kinds = [
        "flip", "truncate", "unclose", "nul", "single-line", "nested-divs", "invalid-utf8", "utf16le-bom", "utf16be-bom",
        "utf32le-bom", "utf32be-bom", "utf16le", "utf32be", "marks", "short-lines", "distinct-lines", "splice", "charset-lie",
        "random-bytes", "no-spaces",
    ]

    let seeds: [(name: String, bytes: [UInt8])]
    let scale: Scale
    var random: SeededGenerator

    /// `fixtures`: the files mutated (`.html` and `.txt`); `seed` fixes every choice.
    public init(fixtures: [URL], seed: UInt64, scale: Scale) throws {
        seeds = try fixtures.sorted { $0.path < $1.path }.map { ($0.lastPathComponent, Array(try Data(contentsOf: $0))) }
        self.scale = scale
        random = SeededGenerator(seed: seed)
    }

    /// The `index`th mutant (call in order: each call draws from the generator).
    public mutating func mutant(_ index: Int) -> Mutant {
        let kind = Self.kinds[index % Self.kinds.count]
        // Deep nesting is an HTML problem; as one megabyte line of a clipping it is "single-line".
        let html = seeds.filter { !$0.name.hasSuffix(".txt") }
        let pool = kind == "nested-divs" && !html.isEmpty ? html : seeds
        let source = pool[Int.random(in: 0..<pool.count, using: &random)]
        let ext = (source.name as NSString).pathExtension
        let bytes = mutate(source.bytes, kind: kind, html: ext != "txt")
        return Mutant(name: String(format: "%05d-%@-%@", index, kind, source.name), bytes: bytes)
    }

    /// Writes `count` mutants into `directory` and returns their paths.
    public mutating func write(count: Int, into directory: URL) throws -> [String] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try (0..<count).map { i in
            let m = mutant(i)
            let url = directory.appendingPathComponent(m.name)
            try Data(m.bytes).write(to: url)
            return url.path
        }
    }

    private mutating func offset(_ bytes: [UInt8]) -> Int { Int.random(in: 0...bytes.count, using: &random) }

    private mutating func mutate(_ original: [UInt8], kind: String, html: Bool) -> [UInt8] {
        var b = original
        switch kind {
        case "flip":
            for _ in 0..<Int.random(in: 1...64, using: &random) where !b.isEmpty {
                b[Int.random(in: 0..<b.count, using: &random)] ^= UInt8.random(in: 1...255, using: &random)
            }
        case "truncate":
            b = Array(b[..<offset(b)])
        case "unclose":
            // Drop closing tags (all, or each with even odds).
            let all = Bool.random(using: &random)
            var out: [UInt8] = []
            var i = 0
            while i < b.count {
                if b[i] == 0x3C, i + 1 < b.count, b[i + 1] == 0x2F, all || Bool.random(using: &random),
                   let close = b[i...].firstIndex(of: 0x3E) {
                    i = close + 1
                    continue
                }
                out.append(b[i])
                i += 1
            }
            b = out
        case "nul":
            for _ in 0..<Int.random(in: 1...40, using: &random) { b.insert(0, at: offset(b)) }
        case "single-line":
            let words = ["alpha", "beta", "gamma", "delta", "news", "report", "said", "the", "of", "and"]
            var line = [UInt8]()
            line.reserveCapacity(scale.singleLineBytes + 16)
            while line.count < scale.singleLineBytes {
                line += Array(words[Int.random(in: 0..<words.count, using: &random)].utf8)
                line.append(Bool.random(using: &random) ? 0x20 : 0x2E)
                line.append(0x20)
            }
            b = insert(html ? Array("<p>".utf8) + line + Array("</p>".utf8) : line, into: b)
        case "nested-divs":
            let n = scale.nestedDivs
            var deep = Self.repeated("<div>", n)
            deep += Array("<p>A sentence at the bottom of very deep markup, long enough to be prose.</p>".utf8)
            if Bool.random(using: &random) { deep += Self.repeated("</div>", n) }
            b = insert(deep, into: b)
        case "invalid-utf8":
            for _ in 0..<Int.random(in: 1...200, using: &random) {
                let junk: [[UInt8]] = [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xFF], [0xE2, 0x82], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80]]
                b.insert(contentsOf: junk[Int.random(in: 0..<junk.count, using: &random)], at: offset(b))
            }
        case "utf16le-bom", "utf16be-bom", "utf32le-bom", "utf32be-bom", "utf16le", "utf32be":
            b = Self.wide(b, kind)
        case "marks":
            let base = UInt8.random(in: 0x61...0x7A, using: &random)
            let pairs = Int.random(in: scale.markPairs / 4...scale.markPairs, using: &random)
            var run = [base]
            run.reserveCapacity(pairs * 4 + 1)
            for _ in 0..<pairs { run += [0xCC, 0x81, 0xCC, 0x96] } // U+0301 U+0316
            b = insert(run, into: b)
        case "short-lines":
            let n = Int.random(in: scale.shortLines / 2...scale.shortLines, using: &random)
            b += [0x0A] + Self.repeated("x\n", n)
        case "distinct-lines":
            // Short lines that all differ: no memo helps.
            var tail = [UInt8]()
            for i in 0..<scale.distinctLines { tail += Array("w\(i) \(i % 7)\n".utf8) }
            b = tail + b
        case "splice":
            let other = seeds[Int.random(in: 0..<seeds.count, using: &random)].bytes
            let from = Int.random(in: 0...other.count, using: &random)
            b.insert(contentsOf: other[from...], at: offset(b))
        case "charset-lie":
            let labels = ["utf-16", "UTF-16LE", "utf-32", "ucs-2", "no-such-charset", "shift_jis", "koi8-r"]
            let label = labels[Int.random(in: 0..<labels.count, using: &random)]
            b = Array("<meta charset=\"\(label)\">".utf8) + b + [0xE9, 0x20]
        case "random-bytes":
            let n = Int.random(in: 1...65_536, using: &random)
            let at = offset(b)
            b.insert(contentsOf: (0..<n).map { _ in UInt8.random(in: 0...255, using: &random) }, at: at)
        case "no-spaces":
            b = insert(Array(repeating: UInt8(0x61), count: scale.singleLineBytes), into: b)
        default:
            break
        }
        return b
    }

    /// `piece` written `count` times.
    static func repeated(_ piece: String, _ count: Int) -> [UInt8] {
        let unit = Array(piece.utf8)
        var out = [UInt8]()
        out.reserveCapacity(unit.count * count)
        for _ in 0..<count { out.append(contentsOf: unit) }
        return out
    }

    /// `piece` inserted at a random line start (or the end).
    private mutating func insert(_ piece: [UInt8], into b: [UInt8]) -> [UInt8] {
        let starts = [0] + b.indices.filter { b[$0] == 0x0A }.map { $0 + 1 }
        let at = starts[Int.random(in: 0..<starts.count, using: &random)]
        return Array(b[..<at]) + piece + [0x0A] + Array(b[at...])
    }

    /// The bytes re-encoded (read as UTF-8, bad bytes repaired) in a wide form.
    static func wide(_ bytes: [UInt8], _ kind: String) -> [UInt8] {
        let text = String(decoding: bytes, as: UTF8.self)
        let little = kind.contains("le")
        var out: [UInt8] = []
        if kind.hasPrefix("utf16") {
            if kind.hasSuffix("bom") { out = little ? [0xFF, 0xFE] : [0xFE, 0xFF] }
            for u in text.utf16 { out += little ? [UInt8(u & 0xFF), UInt8(u >> 8)] : [UInt8(u >> 8), UInt8(u & 0xFF)] }
        } else {
            if kind.hasSuffix("bom") { out = little ? [0xFF, 0xFE, 0, 0] : [0, 0, 0xFE, 0xFF] }
            for s in text.unicodeScalars {
                let v = s.value
                let le = [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)]
                out += little ? le : le.reversed()
            }
        }
        return out
    }
}
