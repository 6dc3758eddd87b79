import ArgumentParser
import Foundation
import Languages

/// Accuracy of `LanguageDetector` on labelled paragraphs (as written by scripts/eval-language).
struct LanguageBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "language",
        abstract: "Language detection accuracy and speed over a labelled JSONL corpus.",
        discussion: """
            CORPUS.jsonl has one {"text","lang"} object per line. A detection is right when its primary \
            subtag equals the label's ("zh-Hant" and "zh-TW" are both "zh"); no answer counts as wrong. \
            Prints accuracy per language and in all, and paragraphs/s.
            """)

    @Argument(help: "JSONL corpus: one {\"text\",\"lang\"} per line.")
    var corpus: String

    @Option(help: "Only paragraphs of at least this many characters.") var minCharacters = 0
    @Option(help: "Print this many wrong answers with the start of their text.") var examples = 0

    func run() throws {
        guard let data = FileManager.default.contents(atPath: corpus) else { throw ValidationError("cannot read \(corpus)") }
        var samples: [(text: String, lang: String)] = []
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let text = object["text"] as? String, let lang = object["lang"] as? String,
                  text.count >= minCharacters else { continue }
            samples.append((text, lang))
        }
        guard !samples.isEmpty else { throw ValidationError("no labelled paragraphs in \(corpus)") }
        func primary(_ code: String) -> String {
            String(code.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).first ?? "")
        }
        var right: [String: Int] = [:], total: [String: Int] = [:]
        var wrong: [String: [String: Int]] = [:]
        var shown = 0
        let start = monotonicSeconds()
        var answers: [String?] = []
        for sample in samples { answers.append(LanguageDetector.detect(sample.text)) }
        let seconds = monotonicSeconds() - start
        for (sample, answer) in zip(samples, answers) {
            let truth = primary(sample.lang)
            total[truth, default: 0] += 1
            if let answer, primary(answer) == truth {
                right[truth, default: 0] += 1
            } else {
                wrong[truth, default: [:]][answer ?? "none", default: 0] += 1
                if shown < examples {
                    shown += 1
                    print("\(sample.lang) → \(answer ?? "none"): \(sample.text.prefix(160))")
                }
            }
        }
        print("language  paragraphs  right  accuracy  wrong answers")
        for lang in total.keys.sorted() {
            let n = total[lang]!, r = right[lang] ?? 0
            let misses = (wrong[lang] ?? [:]).sorted { $0.value > $1.value }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
            print(String(format: "%-8@  %10d  %5d  %8.3f  %@", lang as NSString, n, r, Double(r) / Double(n), misses as NSString))
        }
        let r = right.values.reduce(0, +)
        print(String(format: "ALL       %10d  %5d  %8.3f", samples.count, r, Double(r) / Double(samples.count)))
        print(String(format: "speed: %.0f paragraphs/s (%.1f MB/s), one core", Double(samples.count) / seconds,
                     Double(samples.reduce(0) { $0 + $1.text.utf8.count }) / seconds / 1e6))
    }
}
