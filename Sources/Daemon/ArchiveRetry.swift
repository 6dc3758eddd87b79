import Dispatch
import Foundation
import Inbox

/// An archive or index that cannot be written stops every input; the daemon says so at
/// every retry (log, `STATUS=`, status file) and retries with backoff until it works again.
extension Service {
    /// First retry after 1 s, doubling up to a minute.
    static let archiveRetryMax: TimeInterval = 60

    /// Runs on `work` when a drain failed because the archive cannot be written.
    func archiveUnavailable(_ error: any Error) {
        let first = archiveProblem == nil
        archiveRetryDelay = min(Self.archiveRetryMax, max(1, archiveRetryDelay * 2))
        archiveProblem = "\(error)"
        // Inputs pile up while this lasts: keep the backlog figure true.
        backlog = inbox.folder.pending().filter { $0.stuck == nil }.count
        logger.error("archive.unwritable", metadata: [
            "reason": "\(error)", "backlog": "\(backlog)", "retry_in_s": "\(Int(archiveRetryDelay))",
        ])
        updateStatus()
        if first { writeStatus(state: "running") }
        guard !archiveRetryPending else { return }
        archiveRetryPending = true
        work.asyncAfter(deadline: .now() + archiveRetryDelay) { @Sendable in
            self.archiveRetryPending = false
            self.drain()
        }
    }

    /// Runs on `work` at the first drain that gets through after a failure.
    func archiveRecovered() {
        logger.notice("archive.recovered", metadata: ["after": "\(archiveProblem ?? "")"])
        archiveProblem = nil
        archiveRetryDelay = 0
        updateStatus()
        writeStatus(state: "running")
    }
}
