import Archive
import Dispatch
import Feeds
import Foundation
import Inbox
import Logging
import Pipeline
import WinnowCore

/// The long-running service (`winnow run`): a Dispatch run loop that watches the inbox,
/// speaks systemd's notify protocol, reloads on SIGHUP and stops gracefully on
/// SIGTERM/SIGINT.
///
/// Two serial queues: `work` owns the ingestor, index and inbox (every pipeline call runs
/// there, one item at a time, so a burst of files cannot exhaust memory); `control` owns
/// signals, timers and the watchdog, so it stays responsive while work is busy.
public final class Service: @unchecked Sendable {
    let work = DispatchQueue(label: "winnow.work")
    let control = DispatchQueue(label: "winnow.control")
    let configPath: String
    let notifier = SystemdNotifier()
    let started = Date()
    let stopFlag = StopFlag()

    // Confined to `work`.
    var config: Config
    var logger: Logger
    let ingestor: Ingestor
    let inbox: InboxProcessor
    /// Polls feeds on its own timer; every pipeline call it makes runs on `work`.
    let feeds: FeedService
    /// `<archive>/feed.atom`, rewritten after a drain or feed poll that stored something.
    let outboundFeed: OutboundFeedKeeper
    var watcher: InboxWatcher?
    var recheckPending = false
    var drainPending = false
    var backlog = 0
    /// Inbox entries that cannot be processed where they are (reported once each).
    var cannotProcess = 0
    /// Set while the archive or index cannot be written; the inbox retries with backoff.
    var archiveProblem: String?
    var archiveRetryDelay: TimeInterval = 0
    var archiveRetryPending = false
    var lastStatusLine = ""

    // Confined to `control`.
    var timers: [DispatchSourceTimer] = []
    var signalSources: [DispatchSourceSignal] = []
    /// Shared index: readable when another node announced new signatures (LISTEN/NOTIFY).
    var signatureNotices: DispatchSourceRead?

    public init(config: Config, configPath: String, logger: Logger) throws {
        self.config = config
        self.configPath = configPath
        self.logger = logger
        ingestor = try Ingestor(config: config, logger: logger)
        inbox = try InboxProcessor(folder: InboxFolder(root: config.paths.inbox), ingestor: ingestor, logger: logger)
        feeds = FeedService(config: config, ingestor: ingestor, ingestQueue: work, logger: logger)
        outboundFeed = OutboundFeedKeeper(ingestor: ingestor, logger: logger)
    }

    /// Starts the run loop; never returns (the process exits when stopped).
    public func runForever() -> Never {
        // Signal handling first, so a stop request during start-up is not lost.
        control.sync { @Sendable in self.startControl() }
        work.async { @Sendable in self.startWork() }
        dispatchMain()
    }

    // MARK: Start-up

    private func startControl() {
        for sig in [SIGTERM, SIGINT, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: control)
            source.setEventHandler { @Sendable in
                if sig == SIGHUP { self.work.async { @Sendable in self.reload() } } else { self.stop(signal: sig) }
            }
            source.resume()
            signalSources.append(source)
        }
        if let interval = SystemdNotifier.watchdogInterval() {
            repeating(every: interval / 2) { @Sendable in
                // Pinged only when the work queue turns and the index answers.
                self.work.async { @Sendable in
                    if self.ingestor.isHealthy { self.notifier.notify("WATCHDOG=1") } else {
                        self.logger.error("watchdog.unhealthy", metadata: ["reason": "index does not answer"])
                    }
                }
            }
        }
        repeating(every: 60, startNow: false) { @Sendable in self.work.async { @Sendable in self.writeMetrics() } }
        repeating(every: 5) { @Sendable in self.work.async { @Sendable in self.clusterHeartbeat() } }
        repeating(every: 15, startNow: false) { @Sendable in
            self.work.async { @Sendable in
                self.updateStatus()  // feed polls change the counts too
                self.outboundFeed.update()  // and store articles
                self.writeStatus(state: "running")
            }
        }
    }

    /// Shared index: says this node is alive (`winnow status` lists the nodes) and learns
    /// the signatures other nodes stored meanwhile, so its tables never fall far behind.
    private func clusterHeartbeat() {
        guard ingestor.index.isShared else { return }
        do {
            try ingestor.index.heartbeat(node: config.index.node, host: ProcessInfo.processInfo.hostName, pid: getpid())
            try ingestor.followCluster()
        } catch {
            logger.error("cluster.heartbeat_failed", metadata: ["reason": "\(error)"])
        }
    }

    private func repeating(every seconds: TimeInterval, startNow: Bool = true, _ handler: @escaping @Sendable () -> Void) {
        let timer = DispatchSource.makeTimerSource(queue: control)
        timer.schedule(deadline: startNow ? .now() : .now() + seconds, repeating: seconds, leeway: .milliseconds(Int(seconds * 100)))
        timer.setEventHandler(handler: handler)
        timer.resume()
        timers.append(timer)
    }

    private func startWork() {
        do {
            try startInboxWatch()
            try startFollowingCluster()
        } catch {
            logger.critical("startup.failed", metadata: ["reason": "\(error)"])
            exit(1)
        }
        logger.notice("started", metadata: [
            "version": "\(WinnowVersion.string)", "archive": "\(config.paths.archive)", "inbox": "\(config.paths.inbox)",
            "mode": "\(config.inbox.mode.rawValue)", "feeds": "\(config.feeds.count)", "pid": "\(getpid())",
        ])
        drain()
        feeds.start()
        notifier.notify("READY=1", statusLine())
        writeStatus(state: "running")
        writeMetrics()
    }

    /// Shared index: woken by `NOTIFY winnow_signatures` (on the work queue, which owns the
    /// index connection), the node reads the signatures other nodes just committed.
    private func startFollowingCluster() throws {
        guard let socket = try ingestor.index.listenForSignatures() else { return }
        let source = DispatchSource.makeReadSource(fileDescriptor: socket, queue: work)
        source.setEventHandler { @Sendable in
            guard self.ingestor.index.receivedSignatureNotice() else { return }
            do { try self.ingestor.followCluster() } catch {
                self.logger.error("cluster.follow_failed", metadata: ["reason": "\(error)"])
            }
        }
        source.resume()
        signatureNotices = source
    }

    private func startInboxWatch() throws {
        let rescan = TimeInterval(config.inbox.rescanSeconds)
        switch config.inbox.mode {
        case .inotify:
            let watcher = InboxWatcher(folder: inbox.folder, logger: logger)
            try watcher.start(queue: work) { @Sendable _ in self.drain() }
            self.watcher = watcher
            // A periodic rescan catches events inotify cannot see (network file systems).
            control.async { @Sendable in
                self.repeating(every: rescan, startNow: false) { @Sendable in self.work.async { @Sendable in self.drain() } }
            }
        case .poll:
            let interval = max(0.5, min(rescan, Double(config.inbox.settleMilliseconds) / 1000))
            control.async { @Sendable in
                self.repeating(every: interval, startNow: false) { @Sendable in self.work.async { @Sendable in self.drain() } }
            }
        }
    }

    // MARK: Work

    /// Processes up to one batch of ready inbox files, then yields the queue.
    func drain() {
        guard !stopFlag.isSet else { return }
        let settle = Double(config.inbox.settleMilliseconds) / 1000
        let readiness = InboxProcessor.Readiness(writing: watcher?.writing ?? [], settle: settle, staleWriter: max(60, settle * 10))
        let report: InboxProcessor.DrainReport
        do {
            report = try inbox.drain(readiness, limit: config.pipeline.batchSize, shouldStop: { self.stopFlag.isSet })
        } catch {
            archiveUnavailable(error)
            return
        }
        if archiveProblem != nil { archiveRecovered() }
        backlog = report.waiting + (report.more ? 1 : 0)
        if cannotProcess != report.cannotProcess {
            cannotProcess = report.cannotProcess
            updateStatus()
        }
        if report.more {
            // More ready files: continue on a later turn of the queue.
            if !drainPending {
                drainPending = true
                work.async { @Sendable in self.drainPending = false; self.drain() }
            }
        } else {
            if report.waiting > 0, !recheckPending {
                // Files not settled yet: look again once they could be.
                recheckPending = true
                work.asyncAfter(deadline: .now() + max(0.1, settle / 2)) { @Sendable in
                    self.recheckPending = false
                    self.drain()
                }
            }
        }
        if !report.results.isEmpty { updateStatus() }
        outboundFeed.update()  // a no-op unless this batch stored something
    }

    private func statusLine() -> String {
        let m = ingestor.metrics.snapshot
        let f = feeds.summary()
        let problem = archiveProblem.map { "archive unwritable, retrying (\($0)); " } ?? ""
        let stuck = cannotProcess > 0 ? ", \(cannotProcess) cannot be processed" : ""
        return "STATUS=\(problem)stored \(m.stored), duplicates \(m.duplicates), failed \(m.failed), inbox backlog \(backlog)\(stuck), "
            + "feeds ok \(f.ok), failing \(f.failing)"
    }

    func updateStatus() {
        let line = statusLine()
        guard line != lastStatusLine else { return }
        lastStatusLine = line
        notifier.notify(line)
    }

    // MARK: Reload and stop

    /// SIGHUP: re-reads the config; an invalid one is rejected and the old one kept.
    func reload() {
        notifier.notify("RELOADING=1", "MONOTONIC_USEC=\(SystemdNotifier.monotonicMicroseconds())")
        defer { notifier.notify("READY=1", statusLine()) }
        let fresh: Config
        do {
            fresh = try Config.load(path: configPath)
        } catch {
            logger.error("reload.rejected", metadata: ["config": "\(configPath)", "reason": "\(error.problems.map(\.description).joined(separator: "; "))"])
            return
        }
        // Folders cannot move under a running daemon; a file that names other folders is
        // more likely half-written (defaults filling the gaps) than meant, so none of it applies.
        if fresh.paths != config.paths || fresh.index != config.index {
            logger.error("reload.rejected", metadata: [
                "config": "\(configPath)", "reason": fresh.paths != config.paths ? "[paths] differ from the running ones; restart to change folders (nothing applied)"
                    : "[index] differs from the running one; restart to change the index (nothing applied)",
            ])
            return
        }
        // Settings baked into the HTTP client and the dedupe index at start: say so rather than
        // let a reload look like it took them.
        for (section, changed) in [("fetch", fresh.fetch != config.fetch), ("dedupe", fresh.dedupe != config.dedupe)] where changed {
            logger.warning("reload.restart_needed", metadata: ["section": "\(section)", "reason": "[\(section)] takes effect on restart"])
        }
        var applied = fresh
        applied.paths = config.paths
        applied.fetch = config.fetch
        applied.dedupe = config.dedupe
        config = applied
        ingestor.config = applied
        feeds.reload(config: applied)
        logger.logLevel = applied.logLevel  // shared by every logger of the process
        logger.notice("reloaded", metadata: ["config": "\(configPath)", "feeds": "\(applied.feeds.count)"])
        drain()
    }

    /// SIGTERM/SIGINT: stop taking work, let the item in flight finish, exit 0 within 10 s.
    private func stop(signal sig: Int32) {
        guard !stopFlag.isSet else { return }
        stopFlag.set()
        notifier.notify("STOPPING=1")
        logger.info("stopping", metadata: ["signal": "\(sig == SIGTERM ? "TERM" : "INT")"])
        for timer in timers { timer.cancel() }
        control.asyncAfter(deadline: .now() + 9) { @Sendable in
            // The item in flight is abandoned: its input stays in the inbox and its claim
            // lets the next start finish it.
            self.logger.warning("stop.timeout", metadata: ["reason": "work still running after 9 s; exiting"])
            exit(0)
        }
        // Feed fetches in flight are cancelled (their entries stay pending for the next
        // start); then the work queue finishes the item it is on and the process exits.
        feeds.stop { @Sendable in
            self.work.async { @Sendable in
                self.watcher?.stop()
                self.writeStatus(state: "stopped")
                self.writeMetrics()
                self.logger.info("stopped", metadata: ["uptime_s": "\(Int(Date().timeIntervalSince(self.started)))"])
                exit(0)
            }
        }
    }
}

/// A flag set once from any queue and read from others.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}
