import Foundation
import WinnowCore

/// Finds the publication date among the header lines (and the first lines of the body,
/// where pasted articles carry their "Outlet | Published …" lines).
enum DateFinder {
    static let linesIntoBody = 6

    static func find(features: [LineFeatures], kinds: [LineKind], bodyStart: Int) -> Date? {
        let end = min(features.count, bodyStart + linesIntoBody)
        for i in 0..<end where kinds[i] == .date || kinds[i] == .byline {
            if let date = DateParser.parse(features[i].text) { return date }
        }
        return nil
    }
}
