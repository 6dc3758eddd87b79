import Foundation
import WinnowCore

/// Finds the publication date among the header lines (and the first lines of the body,
/// where pasted articles carry their "Outlet | Published …" lines).
enum DateFinder {
    static let linesIntoBody = 6

    static func find(features: [LineFeatures], kinds: [LineKind], bodyStart: Int) -> Date? {
        let end = min(features.count, bodyStart + linesIntoBody)
        for i in 0..<end where kinds[i] == .date || kinds[i] == .byline {
            if let date = DateParser.parse(LineClassifier.westernDigits(features[i].text)) { return date }
            if let day = LineClassifier.ideographicDate(features[i].text), let date = DateParser.parse(day) { return date }
        }
        // A dateline opening the body: "SPRINGFIELD, Ill., Feb. 20, 2024 /PRNewswire/ -- …".
        if bodyStart < features.count, let dateline = dateline(of: features[bodyStart].text) {
            return DateParser.parse(dateline)
        }
        return nil
    }

    /// The text before the dateline dash of a paragraph, when it is short.
    static func dateline(of paragraph: String) -> String? {
        for dash in [" -- ", " — ", " – ", " - "] {
            guard let range = paragraph.range(of: dash) else { continue }
            let head = paragraph[..<range.lowerBound]
            guard head.split(separator: " ").count <= 10, head.contains(where: \.isNumber) else { return nil }
            return String(head)
        }
        return nil
    }
}
