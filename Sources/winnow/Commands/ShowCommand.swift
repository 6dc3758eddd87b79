import Archive
import ArgumentParser
import Foundation
import WinnowCore

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "One stored article: its front matter, path, and its story (every copy seen, first-seen marked).",
        discussion: """
            REF is an article id, its path (relative to the archive, or a file path inside it), its URL, \
            or the URL of a copy recorded as its duplicate. The story lists the stored article and every \
            recorded duplicate by time seen. With --json (the default when standard output is not a \
            terminal) one line for the article ({"record":"article",…front matter…,"path"}), then one per \
            sighting ({"record":"seen","first","stored","when","origin","url","source","title",\
            "similarity","containment"}). Exit 1 when nothing matches.
            """)

    @OptionGroup var options: GlobalOptions

    @Flag(help: "JSON lines (the default when standard output is not a terminal).")
    var json = false

    @Argument(help: "Article id, path or URL.")
    var reference: String

    /// One time the story was seen: the stored article or a duplicate of it.
    struct Sighting {
        var stored: Bool
        var when: String
        var origin: String
        var url: String?
        var source: String?
        var title: String?
        var similarity: Double
        var containment: Double
    }

    func run() throws {
        let (config, _) = try options.load(quiet: true)
        let asJSON = json || isatty(1) == 0
        guard let index = try ArchiveIndex.openForReading(config) else {
            printError("winnow: show: no index at \(ArchiveIndex.file(in: config.paths.state)) yet; nothing is stored")
            throw ExitCode(1)
        }
        let store = ArchiveStore(root: config.paths.archive)
        guard let row = try index.findArticle(reference) ?? index.findArticle(archiveRelative(reference, root: store.root)) else {
            printError("winnow: show: no stored article has the id, path or URL '\(reference)'")
            throw ExitCode(1)
        }
        var story = [Sighting(stored: true, when: row.ingested, origin: row.origin, url: row.url, source: row.source,
                              title: row.title, similarity: 1, containment: 1)]
        for d in try index.duplicates(of: row.id) {
            story.append(Sighting(stored: false, when: d.recorded.rfc3339, origin: d.origin, url: d.url, source: d.source,
                                  title: d.title, similarity: d.similarity, containment: d.containment))
        }
        // Stable: at equal times the stored article stays first.
        story = story.enumerated().sorted { ($0.element.when, $0.offset) < ($1.element.when, $1.offset) }.map(\.element)
        let article = try? store.read(row.path)
        asJSON ? printJSON(row, article: article, story: story) : printHuman(row, store: store, story: story)
    }

    private func printJSON(_ row: ArticleSummary, article: Article?, story: [Sighting]) {
        var line = JSONLine()
        line.add("record", "article")
        line.add("id", row.id)
        line.add("title", row.title)
        line.add("url", row.url)
        line.add("source", row.source)
        line.add("published", row.published)
        line.add("ingested", row.ingested)
        line.add("author", row.author)
        line.add("language", row.language)
        line.add("origin", row.origin)
        line.add("input_hash", article?.inputHash)
        line.add("path", row.path)
        line.add("words", article.map { $0.paragraphs.reduce(0) { $0 + $1.split(separator: " ").count } })
        print(line.string)
        for (i, s) in story.enumerated() {
            var line = JSONLine()
            line.add("record", "seen")
            line.add("first", i == 0)
            line.add("stored", s.stored)
            line.add("when", s.when)
            line.add("origin", s.origin)
            line.add("url", s.url)
            line.add("source", s.source)
            line.add("title", s.title)
            line.add("similarity", (s.similarity * 1000).rounded() / 1000)
            line.add("containment", (s.containment * 1000).rounded() / 1000)
            print(line.string)
        }
    }

    private func printHuman(_ row: ArticleSummary, store: ArchiveStore, story: [Sighting]) {
        print("path: \(store.root)/\(row.path)")
        if let text = try? String(contentsOfFile: store.root + "/" + row.path, encoding: .utf8),
           let close = text.range(of: "\n---\n", range: text.index(text.startIndex, offsetBy: min(4, text.count))..<text.endIndex) {
            print(text[..<close.upperBound], terminator: "")
        } else {
            print("(the article file cannot be read; from the index:)")
            for (key, value) in [("title", row.title), ("url", row.url), ("source", row.source), ("published", row.published),
                                 ("ingested", row.ingested), ("id", row.id), ("origin", row.origin)] {
                if let value { print("\(key): \(value)") }
            }
        }
        print("")
        print("story: seen \(story.count) time\(story.count == 1 ? "" : "s")")
        let rows = story.enumerated().map { i, s in
            [i == 0 ? "first" : "", s.when, s.stored ? "stored" : "duplicate",
             s.stored ? "-" : String(format: "%.3f", s.similarity), s.stored ? "-" : String(format: "%.3f", s.containment),
             s.source ?? "-", s.url ?? s.origin]
        }
        printTable(header: ["", "SEEN", "AS", "JACCARD", "CONTAINMENT", "SOURCE", "URL OR ORIGIN"], rows: rows)
    }

    /// A file path inside the archive as the index holds it (relative to the root).
    private func archiveRelative(_ reference: String, root: String) -> String {
        let absolute = reference.hasPrefix("/") ? reference : FileManager.default.currentDirectoryPath + "/" + reference
        let resolved = PathResolution.resolve(absolute)
        let base = PathResolution.resolve(root)
        return resolved.hasPrefix(base + "/") ? String(resolved.dropFirst(base.count + 1)) : reference
    }
}
