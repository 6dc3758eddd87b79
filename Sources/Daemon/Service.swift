import Dispatch
import Foundation
import Inbox
import Logging
import Pipeline
import WinnowCore

/// The long-running service: a Dispatch run loop that drains the inbox, stops gracefully
/// on SIGTERM/SIGINT, and exits the process when done.
public final class Service: @unchecked Sendable {
    // All mutable state is confined to `queue`.
    let queue = DispatchQueue(label: "winnow.service")
    let config: Config
    let logger: Logger
    let ingestor: Ingestor
    let inbox: InboxProcessor
    private var timer: DispatchSourceTimer?
    private var signals: [DispatchSourceSignal] = []
    private var stopping = false

    public init(config: Config, logger: Logger) throws {
        self.config = config
        self.logger = logger
        ingestor = try Ingestor(config: config, logger: logger)
        inbox = try InboxProcessor(folder: InboxFolder(root: config.paths.inbox), ingestor: ingestor, logger: logger)
    }

    /// Starts the run loop; never returns (the process exits when stopped).
    public func runForever() -> Never {
        queue.async { @Sendable in self.start() }
        dispatchMain()
    }

    private func start() {
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { @Sendable in self.stop(signal: sig) }
            source.resume()
            signals.append(source)
        }
        logger.info("started", metadata: [
            "version": "\(WinnowVersion.string)", "archive": "\(config.paths.archive)", "inbox": "\(config.paths.inbox)",
            "feeds": "\(config.feeds.count)",
        ])
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now(), repeating: .seconds(1), leeway: .milliseconds(200))
        timer.setEventHandler { @Sendable in self.tick() }
        timer.resume()
        self.timer = timer
    }

    private func tick() {
        guard !stopping else { return }
        do {
            try inbox.drain(settle: Double(config.inbox.settleMilliseconds) / 1000, shouldStop: { self.stopping })
        } catch {
            logger.error("inbox.error", metadata: ["reason": "\(error)"])
        }
    }

    private func stop(signal: Int32) {
        guard !stopping else { return }
        stopping = true
        timer?.cancel()
        logger.info("stopping", metadata: ["signal": "\(signal == SIGTERM ? "TERM" : "INT")"])
        exit(0)
    }
}
