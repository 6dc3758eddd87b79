import ArgumentParser
import Extract
import Foundation
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

    @Argument(help: "Files to ingest (.html, .htm, .txt).")
    var files: [String]

    func run() throws {
        let (config, logger) = try options.load()
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
        for file in files {
            let result: IngestResult
            do {
                result = try ingest(file, ingestor: ingestor, maxBytes: config.inbox.maxFileBytes)
            } catch {
                printError("winnow: cannot write the archive: \(error)")
                throw ExitCode(1)
            }
            // Unbuffered: a caller sees each line as soon as its input is done.
            LogSink.standardOutput.write(result.jsonLine(file: file) + "\n")
        }
        OutboundFeedKeeper(ingestor: ingestor, logger: logger).update()
    }

    private func ingest(_ file: String, ingestor: Ingestor, maxBytes: Int) throws -> IngestResult {
        let origin = URL(fileURLWithPath: file).standardizedFileURL.path
        func failure(_ reason: String) throws -> IngestResult {
            try ingestor.recordFailure(origin: origin, reason: reason)
            var result = IngestResult(status: .failed, origin: origin)
            result.error = reason
            return result
        }
        guard let kind = InputKind(fileName: file) else {
            return try failure("unsupported file type; expected .html, .htm or .txt")
        }
        let bytes: [UInt8]
        do {
            bytes = try FileOps.read(file, limit: maxBytes)
        } catch {
            if error.code == EFBIG { return try failure("file is over the limit of \(maxBytes) bytes") }
            return try failure(error.description)
        }
        return try ingestor.ingest(IngestInput(bytes: bytes, kind: kind, origin: origin))
    }
}
