import Foundation
import WinnowCore

/// The article file format: a YAML front matter block, `# Title`, then the paragraphs.
public enum ArticleFile {
    /// The Markdown text of an article file.
    public static func render(_ article: Article) -> String {
        var out = "---\n"
        func field(_ key: String, _ value: String?) {
            guard let value else { return }
            out += "\(key): \(JSONLine.quote(value))\n"
        }
        field("title", article.title)
        field("url", article.url)
        field("source", article.source)
        field("published", article.published?.rfc3339)
        field("ingested", article.ingested.rfc3339)
        field("author", article.author)
        field("language", article.language)
        field("id", article.id)
        field("origin", article.origin)
        field("input_hash", article.inputHash)
        out += "---\n\n# " + article.title + "\n\n"
        out += article.paragraphs.joined(separator: "\n\n")
        out += "\n"
        return out
    }

    /// Reads an article file back; throws when it is not one Winnow wrote. Splits on the
    /// UTF-8 bytes (every marker is ASCII): reindex, repair and the outbound feed read
    /// whole archives through here.
    public static func parse(_ text: String) throws(InputError) -> Article {
        let bytes = Array(text.utf8)
        guard bytes.starts(with: "---\n".utf8) else { throw InputError("no front matter") }
        guard let close = find(Array("\n---\n".utf8), in: bytes, from: 4) else {
            throw InputError("front matter is not closed")
        }
        var fields: [String: String] = [:]
        for line in bytes[4..<close].split(separator: 0x0A) {
            guard let colon = line.firstIndex(of: 0x3A) else { continue }
            let key = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
            let raw = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            fields[key] = unquote(raw)
        }
        // The body: after the blank lines and the "# Title" heading.
        var start = close + 5
        while start < bytes.count, bytes[start] == 0x0A { start += 1 }
        if bytes[start...].starts(with: "# ".utf8) {
            start = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
        }
        let paragraphs = split(bytes[start...]).compactMap { piece -> String? in
            let paragraph = trimmingNewlines(String(decoding: piece, as: UTF8.self))
            return paragraph.isEmpty ? nil : paragraph
        }
        guard let id = fields["id"], !id.isEmpty else { throw InputError("front matter has no id") }
        guard let ingested = fields["ingested"].flatMap(DateParser.parse) else { throw InputError("front matter has no valid ingested date") }
        return Article(
            id: id, title: fields["title"] ?? "", url: fields["url"], source: fields["source"],
            published: fields["published"].flatMap(DateParser.parse), ingested: ingested,
            author: fields["author"], language: fields["language"], origin: fields["origin"] ?? "",
            inputHash: fields["input_hash"], paragraphs: paragraphs)
    }

    /// The first index of `needle` in `bytes` at or after `from`.
    private static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard bytes.count >= needle.count, from <= bytes.count - needle.count else { return nil }
        for i in from...(bytes.count - needle.count) where bytes[i] == needle[0] {
            if bytes[i..<(i + needle.count)].elementsEqual(needle) { return i }
        }
        return nil
    }

    /// The pieces between blank lines ("\n\n", taken left to right, as
    /// `components(separatedBy:)` splits).
    private static func split(_ body: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var pieces: [ArraySlice<UInt8>] = []
        var start = body.startIndex
        var i = body.startIndex
        while i + 1 < body.endIndex {
            if body[i] == 0x0A, body[i + 1] == 0x0A {
                pieces.append(body[start..<i])
                i += 2
                start = i
            } else {
                i += 1
            }
        }
        pieces.append(body[start..<body.endIndex])
        return pieces
    }

    /// `text` without line breaks at either end (`CharacterSet.newlines`: LF, VT, FF, CR,
    /// NEL, LS, PS).
    private static func trimmingNewlines(_ text: String) -> String {
        func isNewline(_ s: Unicode.Scalar) -> Bool { (0x0A...0x0D).contains(s.value) || s.value == 0x85 || s.value == 0x2028 || s.value == 0x2029 }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isNewline($0) }), let last = scalars.lastIndex(where: { !isNewline($0) }) else { return "" }
        if first == scalars.startIndex, last == scalars.index(before: scalars.endIndex) { return text }
        return String(scalars[first...last])
    }

    private static func unquote(_ raw: String) -> String {
        guard raw.hasPrefix("\""), raw.hasSuffix("\""), raw.count >= 2 else { return raw }
        let inner = raw.dropFirst().dropLast()
        var out = String.UnicodeScalarView()
        var iterator = inner.unicodeScalars.makeIterator()
        while let s = iterator.next() {
            guard s == "\\", let e = iterator.next() else { out.append(s); continue }
            switch e {
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "u":
                var hex = ""
                for _ in 0..<4 { if let h = iterator.next() { hex.unicodeScalars.append(h) } }
                if let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) { out.append(scalar) }
            default: out.append(e)
            }
        }
        return String(out)
    }
}
