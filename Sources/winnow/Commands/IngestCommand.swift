import ArgumentParser
import Extract
import Foundation
import Inbox
import Pipeline
import WinnowCore

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Push files through the inbox pipeline without moving them; one JSON line per file.",
        discussion: """
            Prints {"file","status":"stored"|"duplicate"|"failed","id","path","title","published",\
            "duplicate_of","similarity","error"} per input (absent fields omitted). Exits 0 when every \
            input was handled, even if some failed; non-zero only when Winnow itself cannot work.
            """)

    @OptionGroup var options: GlobalOptions

    @Flag(help: "One JSON line per input (the default when standard output is not a terminal).")
    var json = false

    @Argument(help: "Files or folders to ingest (.html, .htm, .txt), or http(s) URLs of pages to fetch.")
    var files: [String]

    func run() throws {
        let (config, logger) = try options.load()
        // A path that does not exist is a mistake on the command line, not a failed article.
        var inputs: [String] = []
        for file in files {
            if WebInput.isURL(file) { inputs.append(file); continue }
            var st = stat()
            guard lstat(file, &st) == 0 else {
                printError("winnow: \(file): \(String(cString: strerror(errno)))")
                throw ExitCode(2)
            }
            // A folder is walked as the inbox walks it.
            if st.st_mode & S_IFMT == S_IFDIR { inputs += Self.walk(file) } else { inputs.append(file) }
        }
        let ingestor: Ingestor
        do {
            ingestor = try Ingestor(config: config, logger: logger)
        } catch let error as WriterLockError {
            printError("winnow: \(error)")
            throw ExitCode(1)
        } catch {
            printError("winnow: cannot open the archive: \(error)")
            throw ExitCode(1)
        }
        let batchSize = max(1, config.pipeline.batchSize)
        for start in stride(from: 0, to: inputs.count, by: batchSize) {
            let chunk = Array(inputs[start..<min(start + batchSize, inputs.count)])
            let results: [IngestResult]
            do {
                results = try ingest(chunk, ingestor: ingestor, maxBytes: config.inbox.maxFileBytes)
            } catch {
                printError("winnow: cannot write the archive: \(error)")
                throw ExitCode(1)
            }
            // Unbuffered: a caller sees each batch's lines as soon as it is committed.
            for (file, result) in zip(chunk, results) {
                LogSink.standardOutput.write((json || isatty(1) == 0 ? result.jsonLine(file: file) : Self.humanLine(result, file: file)) + "\n")
            }
        }
        OutboundFeedKeeper(ingestor: ingestor, logger: logger).update()
    }

    /// One line a person reads: the verdict, then what it points at.
    static func humanLine(_ result: IngestResult, file: String) -> String {
        let verdict = result.status.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
        switch result.status {
        case .stored: return verdict + (result.path ?? "") + "  " + (result.title ?? "") + "  (" + file + ")"
        case .duplicate:
            return verdict + "of " + (result.duplicateOf ?? "?") + String(format: " (Jaccard %.3f)", result.similarity ?? 0) + "  " + file
        case .failed: return verdict + file + ": " + (result.error ?? "")
        }
    }

    /// Every file under a folder, sorted, skipping the names the inbox ignores.
    static func walk(_ directory: String) -> [String] {
        var out: [String] = []
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        for name in names where !InboxFolder.isIgnored(name: name) {
            let path = directory + "/" + name
            var st = stat()
            guard lstat(path, &st) == 0 else { continue }
            if st.st_mode & S_IFMT == S_IFDIR { out += walk(path) } else { out.append(path) }
        }
        return out
    }

    /// One batch: refusals recorded at once, the readable inputs through the pipeline
    /// together; results in the files' order.
    private func ingest(_ files: [String], ingestor: Ingestor, maxBytes: Int) throws -> [IngestResult] {
        let fetchSettings = ingestor.config.fetch
        var results = [IngestResult?](repeating: nil, count: files.count)
        var inputs: [(Int, IngestInput)] = []
        for (i, file) in files.enumerated() {
            if WebInput.isURL(file) {
                switch WebInput.fetch(file, settings: fetchSettings) {
                case .success(let input): inputs.append((i, input))
                case .failure(let error):
                    try ingestor.recordFailure(origin: file, url: file, reason: error.message)
                    var result = IngestResult(status: .failed, origin: file)
                    result.error = error.message
                    results[i] = result
                }
                continue
            }
            let origin = URL(fileURLWithPath: file).standardizedFileURL.path
            func failure(_ reason: String) throws -> IngestResult {
                try ingestor.recordFailure(origin: origin, reason: reason)
                var result = IngestResult(status: .failed, origin: origin)
                result.error = reason
                return result
            }
            let kind: InputKind
            do { kind = try InputKind.of(fileName: file) } catch {
                results[i] = try failure(error.message)
                continue
            }
            do {
                inputs.append((i, IngestInput(bytes: try FileOps.read(file, limit: maxBytes), kind: kind, origin: origin)))
            } catch {
                results[i] = try failure(error.code == EFBIG ? "file is over inbox.max_file_bytes (\(ByteSize.human(maxBytes)))" : error.description)
            }
        }
        for ((i, _), result) in zip(inputs, try ingestor.ingest(inputs.map(\.1))) { results[i] = result }
        return results.map { $0! }
    }
}
