import Archive
import ArgumentParser
import Dedupe
import Foundation
import Pipeline
import WinnowCore

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks (release build, one core).",
        subcommands: [DedupeBench.self, RebuildBench.self, LanguageBench.self, SearchBench.self, StoreBench.self])
}

/// Resident set size of this process in bytes.
private func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
}

/// CPU seconds (user and system) this process has used: steadier than the wall clock
/// on a machine shared with other work.
func processCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

struct DedupeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dedupe",
        abstract: "Normalise + shingle + signature + LSH query + verify + insert over a JSONL corpus.",
        discussion: """
            CORPUS.jsonl has one {"id","text"} object per line (optionally "group" and "kind", as written \
            by scripts/gen-dedupe-corpus). Documents are processed in file order on one core, end to end: \
            normalise, shingle (every shingle hashed), signature, LSH query, verification of plausible \
            candidates (exact Jaccard/containment against the candidate's sorted shingle set, held in memory \
            here where the daemon reads and shingles the archive file) and insert of non-duplicates. Prints docs/s and the \
            bytes per indexed document held by the signature index. With labels, also precision and \
            recall of the duplicate decisions per variant kind (and per "lang", when the records name one), \
            against exact 3-shingle ground truth or, with --truth labels, the generator's labels (every \
            variant of a base article is a duplicate; bases and same-topic articles are not).
            """)

    @Argument(help: "JSONL corpus: one {\"id\",\"text\"} per line.")
    var corpus: String

    @Option(help: "Jaccard threshold.") var jaccard = 0.7
    @Option(help: "Containment threshold.") var containment = 0.9
    @Option(help: "Words per shingle.") var shingleWords = 3
    @Option(help: "Repeat the timed run this many times and report the best.") var repeats = 3
    @Flag(help: "Only time normalise + shingle + signature (for profiling).") var fingerprintOnly = false
    @Option(help: "Ground truth: 'exact' (shingle similarity) or 'labels' (variants are duplicates).") var truth = "exact"

    struct Doc {
        var id: String
        var text: String
        var group: String?
        var kind: String?
        var lang: String?
    }

    /// What the Python libraries' own benchmarks time: signature, LSH query, and insert when
    /// the query found nothing; no verification. Best of `repeats`.
    func signatureAndLSHSeconds(_ docs: [Doc], parameters: DedupeParameters) -> Double {
        let shingler = Shingler(words: shingleWords)
        let prepared = docs.map { shingler.shingles($0.text) }
        var best = Double.infinity
        for _ in 0..<max(1, repeats) {
            let detector = NearDuplicateDetector(parameters: parameters)
            let start = monotonicSeconds()
            for (k, shingles) in prepared.enumerated() {
                let signature = MinHash.signature(shingles)
                if detector.index.candidateTiers(signature, deferWeak: true).strong.isEmpty {
                    detector.add(Fingerprint(set: [], signature: signature), key: UInt64(k), day: 0)
                }
            }
            best = min(best, monotonicSeconds() - start)
        }
        return best
    }

    func run() throws {
        guard let data = FileManager.default.contents(atPath: corpus) else { throw ValidationError("cannot read \(corpus)") }
        var docs: [Doc] = []
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let text = object["text"] as? String else { continue }
            let id = (object["id"] as? String) ?? (object["id"] as? Int).map(String.init) ?? String(docs.count)
            docs.append(Doc(id: id, text: text, group: object["group"] as? String, kind: object["kind"] as? String,
                            lang: object["lang"] as? String))
        }
        guard !docs.isEmpty else { throw ValidationError("no documents in \(corpus)") }
        guard ["exact", "labels"].contains(truth) else { throw ValidationError("--truth is 'exact' or 'labels'") }
        let parameters = DedupeParameters(jaccard: jaccard, containment: containment, shingleWords: shingleWords)
        let words = docs.reduce(0) { $0 + $1.text.split(whereSeparator: { $0 == " " || $0 == "\n" }).count }

        var best = Double.infinity
        var decisions: [Int?] = []
        var bytesPerDoc = 0
        var stats = (candidates: 0, verified: 0, stored: 0, secondTier: 0)
        var firstDecisions: [Int?]?
        for _ in 0..<max(1, repeats) {
            let detector = NearDuplicateDetector(parameters: parameters)
            var storedSets: [[UInt64]] = []
            detector.storedShingles = { key in storedSets[Int(key)] }
            decisions = []
            decisions.reserveCapacity(docs.count)
            let rssBefore = residentBytes()
            let start = monotonicSeconds()
            for doc in docs {
                let fp = detector.fingerprint(doc.text)
                if let match = detector.findDuplicate(fp, today: 0) {
                    decisions.append(match.doc)
                } else {
                    decisions.append(nil)
                    detector.add(fp, key: UInt64(storedSets.count), day: 0)
                    storedSets.append(fp.set)
                }
            }
            let seconds = monotonicSeconds() - start
            _ = rssBefore
            best = min(best, seconds)
            bytesPerDoc = detector.index.memoryBytes / max(1, detector.index.count)
            stats = (detector.candidatesSeen, detector.exactVerifications, detector.index.count, detector.secondTierQueries)
            if let firstDecisions, firstDecisions.map({ $0 ?? -1 }) != decisions.map({ $0 ?? -1 }) {
                print("NONDETERMINISTIC: decisions differ between runs")
            }
            firstDecisions = decisions
        }
        print(String(format: "corpus: %d docs, %.0f words/doc", docs.count, Double(words) / Double(docs.count)))
        do {
            // Phase split: normalise + shingle + signature alone.
            let detector = NearDuplicateDetector(parameters: parameters)
            var sink: UInt32 = 0
            let start = monotonicSeconds()
            for _ in 0..<(fingerprintOnly ? 20 : 1) {
                for doc in docs { sink &+= detector.fingerprint(doc.text).signature.values[0] }
            }
            let seconds = monotonicSeconds() - start
            print(String(format: "  of which normalise + shingle + signature: %.0f docs/s (%.3f s)%@", Double(docs.count) / seconds, seconds,
                         sink == 42 ? "" : ""))
            if fingerprintOnly {
                let shingler = Shingler(words: shingleWords)
                var t = monotonicSeconds()
                var out: [UInt64] = []
                for doc in docs { shingler.shingles(doc.text, into: &out); sink &+= UInt32(truncatingIfNeeded: out.count) }
                print(String(format: "  shingles: %.1f µs/doc", (monotonicSeconds() - t) / Double(docs.count) * 1e6))
                let all = docs.map { shingler.shingles($0.text) }
                t = monotonicSeconds()
                for sh in all { sink &+= MinHash.signature(sh).values[1] }
                print(String(format: "  signature+distinct count: %.1f µs/doc", (monotonicSeconds() - t) / Double(docs.count) * 1e6))
                t = monotonicSeconds()
                for sh in all { sink &+= UInt32(truncatingIfNeeded: MinHash.distinctCount(sh)) }
                print(String(format: "  distinct count: %.1f µs/doc %d", (monotonicSeconds() - t) / Double(docs.count) * 1e6, sink))
                return
            }
        }
        print(String(format: "  signature + LSH query + insert only (shingle hashes made before the clock): %.0f docs/s",
                     Double(docs.count) / signatureAndLSHSeconds(docs, parameters: parameters)))
        print(String(format: "dedupe: %.0f docs/s end to end (best of %d, one core): %.3f s for %d docs",
                     Double(docs.count) / best, max(1, repeats), best, docs.count))
        print(String(format: "stored %d, duplicates %d, candidates/doc %.2f, exact verifications %d, second-tier queries %d",
                     stats.stored, docs.count - stats.stored, Double(stats.candidates) / Double(docs.count), stats.verified,
                     stats.secondTier))
        print("memory: \(bytesPerDoc) bytes per indexed document (signature index: signatures, metadata, LSH tables)")
        if docs.contains(where: { $0.kind != nil }) { quality(docs, decisions: decisions, parameters: parameters) }
    }

    /// Precision and recall against exact ground truth: a document is a true duplicate when
    /// an earlier stored document of its group (or the one it was matched to) has exact
    /// 3-shingle Jaccard ≥ threshold or contains ≥ threshold of it.
    func quality(_ docs: [Doc], decisions: [Int?], parameters: DedupeParameters) {
        let shingler = Shingler(words: parameters.shingleWords)
        let sets = docs.map { Shingler.distinct(shingler.shingles($0.text)) }
        // Stored document number -> corpus position.
        var storedPositions: [Int] = []
        var storedByGroup: [String: [Int]] = [:]
        struct Tally { var tp = 0, fp = 0, fn = 0, tn = 0 }
        var tallies: [String: Tally] = [:]
        var byLanguage: [String: Tally] = [:]
        var examples: [String] = []
        for (i, doc) in docs.enumerated() {
            let group = doc.group ?? "doc-\(i)"
            var partners = storedByGroup[group] ?? []
            if let match = decisions[i] { partners.append(storedPositions[match]) }
            let truth = self.truth == "labels"
                ? !["base", "topic"].contains(doc.kind ?? "base")
                : partners.contains { j in
                    let e = Similarity.exact(sets[i], in: sets[j])
                    return e.jaccard >= parameters.jaccard || e.containment >= parameters.containment
                }
            let predicted = decisions[i] != nil
            var t = tallies[doc.kind ?? "unlabelled", default: Tally()]
            var l = byLanguage[doc.lang ?? "-", default: Tally()]
            defer { byLanguage[doc.lang ?? "-"] = l }
            switch (predicted, truth) {
            case (true, true): t.tp += 1; l.tp += 1
            case (true, false):
                t.fp += 1; l.fp += 1
                if examples.count < 5 { examples.append("false positive: \(doc.id) (\(doc.kind ?? "")) matched \(docs[storedPositions[decisions[i]!]].id)") }
            case (false, true):
                t.fn += 1; l.fn += 1
                if examples.count < 5 { examples.append("missed: \(doc.id) (\(doc.kind ?? ""))") }
            case (false, false): t.tn += 1; l.tn += 1
            }
            tallies[doc.kind ?? "unlabelled"] = t
            if !predicted {
                storedPositions.append(i)
                storedByGroup[group, default: []].append(i)
            }
        }
        func ratio(_ a: Int, _ b: Int) -> String { b == 0 ? "-" : String(format: "%.4f", Double(a) / Double(b)) }
        print(truth == "labels"
              ? "quality (truth: the generator's labels; every variant of a base article is a duplicate):"
              : "quality (truth: exact \(parameters.shingleWords)-shingle Jaccard >= \(parameters.jaccard) or containment >= \(parameters.containment)):")
        // Swift padding: `%-16@` is not padded by Foundation on Linux.
        var rows: [[String]] = []
        func row(_ kind: String, _ t: Tally) -> [String] {
            [kind, "\(t.tp + t.fp + t.fn + t.tn)", "\(t.tp + t.fn)", "\(t.tp + t.fp)", "\(t.tp)", "\(t.fp)", "\(t.fn)",
             ratio(t.tp, t.tp + t.fp), ratio(t.tp, t.tp + t.fn)]
        }
        var total = Tally()
        for kind in tallies.keys.sorted() {
            let t = tallies[kind]!
            total.tp += t.tp; total.fp += t.fp; total.fn += t.fn; total.tn += t.tn
            rows.append(row(kind, t))
        }
        rows.append(row("ALL", total))
        let header = ["kind", "docs", "true-dup", "predicted", "TP", "FP", "FN", "precision", "recall"]
        let widths = (0..<header.count).map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
        for line in [header] + rows {
            let cells = line.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i == 0 ? cell + pad : pad + cell  // names left, numbers right
            }
            print("  " + cells.joined(separator: "  "))
        }
        if byLanguage.count > 1 || byLanguage["-"] == nil {
            print("  by language:")
            let langRows = byLanguage.keys.sorted().map { row($0, byLanguage[$0]!) }
            for line in [header] + langRows {
                let cells = line.enumerated().map { i, cell in
                    let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
                    return i == 0 ? cell + pad : pad + cell
                }
                print("  " + cells.joined(separator: "  "))
            }
        }
        for e in examples { print("  " + e) }
    }
}

struct RebuildBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Time the start-up rebuild of the LSH tables from N signatures stored in a SQLite index.",
        discussion: """
            Writes N synthetic articles with signatures into a fresh index in a temporary folder (not \
            timed), then times reading every signature blob from SQLite and inserting it into the \
            in-memory signature index, as the daemon does at start-up.
            """)

    @Option(help: "Number of signatures.") var count = 1_000_000
    @Option(help: "Folder for the temporary index (default: a new folder under /tmp).") var state: String?
    @Flag(help: "Fill the LSH table on the reading thread instead of a worker (one core).") var oneThread = false

    func run() throws {
        let dir = state ?? (NSTemporaryDirectory() + "/winnow-rebuild-\(getpid())")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { if state == nil { try? FileManager.default.removeItem(atPath: dir) } }
        do {
            let index = try ArchiveIndex(stateDirectory: dir)
            var existing = 0
            try index.database.prepare("SELECT count(*) FROM articles").query { existing = $0.int(0) ?? 0 }
            if existing < count {
                let writeStart = monotonicSeconds()
                var rng: UInt64 = 0x1234_5678_9abc_def0 &+ UInt64(existing)
                func next() -> UInt64 {
                    rng &+= 0x9e37_79b9_7f4a_7c15
                    return Hash64.mix(rng, 0xbf58_476d_1ce4_e5b9)
                }
                try index.transaction {
                    let insert = try index.database.prepare("""
                        INSERT INTO articles(id, path, title, ingested, origin, content_hash, words, signature)
                        VALUES(?,?,?,?,?,?,?,?)
                        """)
                    var shingles = [UInt64](repeating: 0, count: 600)
                    for i in existing..<count {
                        for j in 0..<shingles.count { shingles[j] = next() }
                        let sig = MinHash.signature(shingles, distinctCount: 600)
                        let id = Hash64.hex(next())
                        try insert.run([.text(id), .text("bench/\(i).md"), .text("t"), .text("2026-01-01T00:00:00Z"),
                                        .text("bench"), .text(id), .integer(600), .blob(sig.bytes)])
                    }
                }
                print(String(format: "wrote %d signatures in %.1f s (not timed below)", count - existing, monotonicSeconds() - writeStart))
            }
        }
        let rssBefore = residentBytes()
        let start = monotonicSeconds()
        let index = try ArchiveIndex(stateDirectory: dir)
        let opened = monotonicSeconds()
        let signatures = SignatureIndex()
        signatures.bulkLoadOnWorker = !oneThread
        // The daemon's own loader: the table is filled on a worker thread while rows are read.
        _ = try SignatureLoader.load(from: index, into: signatures, minDay: Int.min, today: 0) { Hash64.hash($0) }
        let seconds = monotonicSeconds() - start
        print(String(format: "  of which opening the index: %.2f s", opened - start))
        print(String(format: "  of which waiting for the table worker after the last row: %.2f s", signatures.lastBulkLoadWaitSeconds))
        let rss = residentBytes() - rssBefore
        print(String(format: "rebuild: %d signatures read from SQLite and indexed in %.2f s (%.0f signatures/s)",
                     signatures.count, seconds, Double(signatures.count) / seconds))
        print("memory: \(signatures.memoryBytes / max(1, signatures.count)) bytes per document in the signature index; "
              + "resident set grew \(rss / max(1, signatures.count)) bytes per document")
        // A query, to show the tables answer.
        let probe = signatures.signature(signatures.count / 2)
        let found = signatures.candidates(probe)
        print("probe: document \(signatures.count / 2) finds \(found.count) candidate(s), itself included: \(found.contains(signatures.count / 2))")
    }
}
