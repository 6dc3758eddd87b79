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

    /// Reads an article file back; throws when it is not one Winnow wrote.
    public static func parse(_ text: String) throws(InputError) -> Article {
        guard text.hasPrefix("---\n") else { throw InputError("no front matter") }
        let afterOpen = text.index(text.startIndex, offsetBy: 4)
        guard let close = text.range(of: "\n---\n", range: afterOpen..<text.endIndex) else {
            throw InputError("front matter is not closed")
        }
        var fields: [String: String] = [:]
        for line in text[afterOpen..<close.lowerBound].split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = String(line[..<colon])
            let raw = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            fields[key] = unquote(raw)
        }
        var body = text[close.upperBound...]
        // Skip the "# Title" heading.
        body = body.drop(while: { $0 == "\n" })
        if body.hasPrefix("# "), let end = body.firstIndex(of: "\n") { body = body[end...] } else if body.hasPrefix("# ") { body = "" }
        let paragraphs = body.components(separatedBy: "\n\n")
            .map { $0.trimmingCharacters(in: .newlines) }
            .filter { !$0.isEmpty }
        guard let id = fields["id"], !id.isEmpty else { throw InputError("front matter has no id") }
        guard let ingested = fields["ingested"].flatMap(DateParser.parse) else { throw InputError("front matter has no valid ingested date") }
        return Article(
            id: id, title: fields["title"] ?? "", url: fields["url"], source: fields["source"],
            published: fields["published"].flatMap(DateParser.parse), ingested: ingested,
            author: fields["author"], language: fields["language"], origin: fields["origin"] ?? "",
            inputHash: fields["input_hash"], paragraphs: paragraphs)
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
