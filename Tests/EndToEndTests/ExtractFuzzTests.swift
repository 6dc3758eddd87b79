import Foundation
import Testing
import WinnowTestSupport

/// Seeded hostile mutants of the extraction fixtures through the real `winnow extract --json`:
/// no signal exit, no file over the time limit, no process over the memory limit.
///
/// The time limit is on the process's CPU time, so other tests running alongside cannot make a
/// file fail; a process still running after ten times the limit in wall time is killed.
///
/// `scripts/fuzz-extract` runs the same generator longer on the release build, through the
/// environment: `WINNOW_FUZZ_MUTANTS`, `WINNOW_FUZZ_SEED`, `WINNOW_FUZZ_SCALE=full`, `WINNOW_BIN`.
@Suite struct ExtractFuzzTests {
    static let timeLimit = 2.0
    static let memoryLimitKiB = 300 * 1024

    @Test func hostileMutantsNeitherCrashNorStall() throws {
        let env = ProcessInfo.processInfo.environment
        let count = env["WINNOW_FUZZ_MUTANTS"].flatMap { Int($0) } ?? 240
        let seed = env["WINNOW_FUZZ_SEED"].flatMap { UInt64($0) } ?? 12
        let scale: ExtractFuzz.Scale = env["WINNOW_FUZZ_SCALE"] == "full" ? .full : .quick
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ExtractTests/Fixtures")
        let inputs = try ["html", "text"].flatMap { sub in
            try FileManager.default.contentsOfDirectory(at: fixtures.appendingPathComponent(sub), includingPropertiesForKeys: nil)
                .filter { ["html", "txt"].contains($0.pathExtension) }
        }
        #expect(inputs.count >= 10)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-fuzz-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        var fuzz = try ExtractFuzz(fixtures: inputs, seed: seed, scale: scale)
        var failures: [String] = []
        var slowest = (seconds: 0.0, name: "")
        var peakKiB = 0
        var bytes = 0
        let started = Date()
        for i in 0..<count {
            // One file at a time, deleted after its run: big mutants are megabytes each.
            let mutant = fuzz.mutant(i)
            let url = directory.appendingPathComponent(mutant.name)
            try Data(mutant.bytes).write(to: url)
            bytes += mutant.bytes.count
            let run = try MeasuredRun.run(WinnowBinary.path, ["extract", "--json", url.path], timeLimit: 10 * Self.timeLimit)
            try? FileManager.default.removeItem(at: url)
            if run.cpuSeconds > slowest.seconds { slowest = (run.cpuSeconds, mutant.name) }
            peakKiB = max(peakKiB, run.peakKiB)
            if run.timedOut {
                failures.append("\(mutant.name): over \(10 * Self.timeLimit) s wall time (killed)")
            } else if let signal = run.signal {
                failures.append("\(mutant.name): signal \(signal)")
            } else if run.cpuSeconds > Self.timeLimit {
                failures.append("\(mutant.name): \(String(format: "%.2f", run.cpuSeconds)) s CPU")
            }
            if run.peakKiB > Self.memoryLimitKiB { failures.append("\(mutant.name): peak \(run.peakKiB / 1024) MiB") }
        }
        print(String(format: "fuzz-extract: %d mutants (%.1f MB, seed %llu), %.1f s; slowest %@ %.3f s CPU; peak RSS %d MiB; %d failures",
                     count, Double(bytes) / 1e6, seed, Date().timeIntervalSince(started), slowest.name, slowest.seconds,
                     peakKiB / 1024, failures.count))
        for failure in failures { print("fuzz-extract: FAIL \(failure)") }
        #expect(failures.isEmpty, "\(failures)")
    }

    /// The generator is deterministic: the same seed gives the same mutants.
    @Test func generatorIsSeeded() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ExtractTests/Fixtures/text")
        let inputs = try FileManager.default.contentsOfDirectory(at: fixtures, includingPropertiesForKeys: nil).filter { $0.pathExtension == "txt" }
        let small = ExtractFuzz.Scale(singleLineBytes: 1000, nestedDivs: 10, markPairs: 10, shortLines: 100, distinctLines: 10)
        var a = try ExtractFuzz(fixtures: inputs, seed: 7, scale: small)
        var b = try ExtractFuzz(fixtures: inputs, seed: 7, scale: small)
        for i in 0..<ExtractFuzz.kinds.count {
            let (x, y) = (a.mutant(i), b.mutant(i))
            #expect(x.name == y.name && x.bytes == y.bytes)
        }
    }
}
