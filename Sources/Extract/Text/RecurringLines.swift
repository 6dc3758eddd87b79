import Foundation
import WinnowCore

/// Lines that recur across clippings from one source (site name, slogan, menus, sign-offs,
/// sponsor blurbs), learned from earlier clippings of that source: a short line seen in at
/// least `minDocuments` different documents is boilerplate there.
///
/// The cleaner does not read the archive itself; the caller learns from the source's
/// earlier clippings and passes the result to ``TextCleaner/clean(_:recurring:)``.
public struct RecurringLines: Sendable {
    public let minDocuments: Int
    public private(set) var documentCount = 0
    private var counts: [String: Int] = [:]

    /// Lines longer than this are never taken for boilerplate.
    static let maxWords = 40

    public init(minDocuments: Int = 3) { self.minDocuments = minDocuments }

    /// Counts the lines of one more clipping (each line once per document).
    public mutating func learn(_ text: String) {
        documentCount += 1
        var seen = Set<String>()
        TextLines.forEach(text) { line in
            guard let key = Self.key(line), seen.insert(key).inserted else { return }
            counts[key, default: 0] += 1
        }
    }

    /// Whether `line` recurred in enough documents.
    public func isRecurring(_ line: String) -> Bool {
        guard let key = Self.key(line) else { return false }
        return (counts[key] ?? 0) >= minDocuments
    }

    static func key(_ line: String) -> String? {
        guard line.split(separator: " ").count <= maxWords else { return nil }
        let key = TextNormalizer.normalize(line)
        return key.isEmpty ? nil : key
    }
}
