import Foundation
import WinnowCore

/// Cleans plain-text clippings (copied web pages): finds title and date, drops boilerplate.
///
/// First version: paragraphs are blank-line or line separated blocks; the title is the
/// first headline-like line, the date the first header line that parses as one.
public enum TextCleaner {
    public static func clean(_ text: String) -> ExtractedDocument {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: true)
            .map { Whitespace.collapse(String($0)) }.filter { !$0.isEmpty }
        var document = ExtractedDocument()
        var seen = Set<String>()
        for (index, line) in lines.enumerated() {
            let isHeader = index < 12
            if isHeader, document.published == nil, line.count < 60, let date = DateParser.parse(line) {
                document.published = date
                continue
            }
            let words = line.split(separator: " ").count
            if document.title == nil, isHeader, (4...25).contains(words), !line.hasSuffix(".") {
                document.title = line
                seen.insert(line)
                continue
            }
            if seen.contains(line) { continue }
            seen.insert(line)
            if words >= 8 || line.hasSuffix(".") || line.hasSuffix("”") || line.hasSuffix("\"") {
                document.paragraphs.append(line)
            }
        }
        return document
    }
}
