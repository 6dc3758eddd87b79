import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program with its output discarded and reports how it ended, its wall time and its
/// own peak memory (`wait4`'s resource usage of exactly that child), killing it at a time limit.
public enum MeasuredRun {
    public struct Result: Sendable {
        /// Exit status when it exited.
        public var status: Int32?
        /// The signal that ended it, if one did (SIGKILL after the time limit included).
        public var signal: Int32?
        /// Wall-clock time from start to exit.
        public var seconds: Double
        /// CPU time (user and system) of the program: its own cost, whatever else runs.
        public var cpuSeconds: Double
        /// Peak resident memory in KiB (`ru_maxrss`).
        public var peakKiB: Int
        public var timedOut: Bool
    }

    private static func cpu(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }

    /// Runs `executable` with `arguments`, killing it after `timeLimit` seconds of wall time.
    public static func run(_ executable: String, _ arguments: [String], timeLimit: Double) throws -> Result {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let started = DispatchTime.now().uptimeNanoseconds
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EINVAL) }
        var status: Int32 = 0
        var usage = rusage()
        var timedOut = false
        while true {
            let r = wait4(pid, &status, WNOHANG, &usage)
            if r == pid { break }
            if r < 0, errno != EINTR { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .ECHILD) }
            if !timedOut, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 > timeLimit {
                timedOut = true
                kill(pid, SIGKILL)
            }
            usleep(2000)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let low = status & 0x7F
        return Result(status: low == 0 ? (status >> 8) & 0xFF : nil, signal: low != 0 && low != 0x7F ? low : nil,
                      seconds: seconds, cpuSeconds: cpu(usage.ru_utime) + cpu(usage.ru_stime), peakKiB: Int(usage.ru_maxrss), timedOut: timedOut)
    }
}
