import ArgumentParser
import Extract
import Foundation
import Pipeline
import WinnowCore

struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Clean files without storing them: plain text, or one JSON line per file with --json.")

    @Flag(help: "One JSON line per file: file, title, published, author, site, language, text (or error).")
    var json = false

    @Flag(help: "With --json: add each file's reading and cleaning time in seconds (finding slow pages).")
    var timings = false

    @Option(help: "Inputs larger than this many bytes are refused.")
    var maxBytes = Extractor.defaultMaxBytes

    @Option(help: ArgumentHelp("Also clean the files named in this list, one per line ('-' reads standard input).",
                               discussion: "Use it for large batches: thousands of file arguments parse slowly."))
    var filesFrom: String?

    @Argument(help: "Files to clean (.html, .htm, .txt; other names are refused, as everywhere).")
    var arguments: [String] = []

    func validate() throws {
        if arguments.isEmpty && filesFrom == nil { throw ValidationError("Name files to clean, or a list with --files-from.") }
    }

    func run() throws {
        var files = arguments
        if let filesFrom {
            let list: Data
            do {
                list = filesFrom == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: filesFrom))
            } catch {
                throw ValidationError("cannot read file list \(filesFrom): \(error.localizedDescription)")
            }
            files += String(decoding: list, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
        }
        let progress = ProgressLine(total: files.count, enabled: json && isatty(1) == 0 && isatty(2) == 1)
        var failures = 0
        for (n, file) in files.enumerated() {
            progress.update(n + 1)
            let started = DispatchTime.now()
            let document: ExtractedDocument
            do {
                // A URL is fetched with the feed fetcher's limits; a file is classified as everywhere.
                let input = WebInput.isURL(file)
                    ? try WebInput.fetch(file, settings: Config.Fetch()).get()
                    : IngestInput(bytes: try FileOps.read(file, limit: maxBytes), kind: try InputKind.of(fileName: file), origin: file)
                document = try Extractor.extract(input.bytes, kind: input.kind, url: input.url, charset: input.charset, maxBytes: maxBytes)
            } catch {
                failures += 1
                if json {
                    var line = JSONLine()
                    line.add("file", file)
                    line.add("error", "\(error)")
                    print(line.string)
                } else {
                    printError("winnow: \(file): \(error)")
                }
                continue
            }
            if json {
                var line = JSONLine()
                line.add("file", file)
                line.add("title", document.title)
                line.add("published", document.published?.rfc3339)
                line.add("author", document.author)
                line.add("site", document.site)
                line.add("language", document.language)
                line.add("url", document.url)
                line.add("text", document.text)
                if timings { line.add("seconds", Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9) }
                print(line.string)
            } else {
                if files.count > 1 { print("==> \(file) <==") }
                if let title = document.title { print(title + "\n") }
                print(document.text)
                if files.count > 1 { print() }
            }
        }
        progress.finish()
        if failures == files.count, !files.isEmpty { throw ExitCode(1) }
    }
}

/// A progress line on standard error, only when it is a terminal.
struct ProgressLine {
    let total: Int
    let enabled: Bool

    func update(_ done: Int) {
        guard enabled, done == total || done % 25 == 0 else { return }
        FileHandle.standardError.write(Data("\r\(done)/\(total)".utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
