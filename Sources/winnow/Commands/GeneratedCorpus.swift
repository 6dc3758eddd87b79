import Archive
import Foundation
import WinnowCore

/// Synthetic news-like articles for the search and store benchmarks: words drawn from a
/// Zipf distribution (s = 1.07, as measured for English news) over a vocabulary of
/// pseudo-words, the most frequent words shortest, as in real text.
struct GeneratedCorpus {
    let vocabulary: [String]
    /// Cumulative Zipf weights, normalised to 1.
    private let cumulative: [Double]
    private var state: UInt64

    init(vocabularySize: Int = 50_000, exponent: Double = 1.07, seed: UInt64 = 0x5eed) {
        let onsets = ["", "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "st", "tr", "pr", "br", "ch", "sh", "gr"]
        let vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ou"]
        let syllables = onsets.flatMap { o in vowels.map { o + $0 } }
        vocabulary = (0..<vocabularySize).map { rank in
            var n = rank, word = ""
            repeat { word += syllables[n % syllables.count]; n /= syllables.count } while n > 0
            return word + (rank % 3 == 0 ? "n" : rank % 3 == 1 ? "s" : "")
        }
        var total = 0.0
        var sums = [Double](repeating: 0, count: vocabularySize)
        for r in 0..<vocabularySize {
            total += 1 / pow(Double(r + 1), exponent)
            sums[r] = total
        }
        cumulative = sums.map { $0 / total }
        state = seed
    }

    mutating func random() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        return Hash64.mix(state, 0xbf58_476d_1ce4_e5b9)
    }

    /// A vocabulary rank drawn from the Zipf distribution.
    mutating func rank() -> Int {
        let u = Double(random() >> 11) / Double(1 << 53)
        var low = 0, high = cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] < u { low = mid + 1 } else { high = mid }
        }
        return low
    }

    mutating func words(_ count: Int) -> String {
        var out = ""
        out.reserveCapacity(count * 7)
        for i in 0..<count {
            if i > 0 { out += " " }
            out += vocabulary[rank()]
        }
        return out
    }

    /// An article of about `meanWords` body words (paragraphs of 30–70 words), with a
    /// source out of 50, English, and a published date in the five years to 2026.
    mutating func article(_ i: Int, meanWords: Int) -> Article {
        let paragraphs = max(1, (meanWords + 25) / 50)
        let body = (0..<paragraphs).map { _ in words(30 + Int(random() % 41)) + "." }
        let published = Date(timeIntervalSince1970: 1_640_995_200 + Double(random() % (5 * 365 * 86400)))
        return Article(id: Hash64.hex(random()), title: words(6 + Int(random() % 5)), url: "https://news\(i % 50).example/\(i)",
                       source: "Source \(i % 50)", published: published, ingested: published.addingTimeInterval(3600),
                       language: "en", origin: "bench", paragraphs: body)
    }
}
