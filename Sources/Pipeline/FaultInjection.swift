import Foundation

/// Test-only crash points: when `WINNOW_FAULT` names a point, the process dies there with
/// SIGKILL, exactly as a power cut or `kill -9` would leave things.
public enum FaultInjection {
    static let armed = ProcessInfo.processInfo.environment["WINNOW_FAULT"]
    /// `WINNOW_FAULT_HANG=<file name>`: extracting an input with that file name never ends
    /// (a stand-in for a pathological page), so time budgets can be tested quickly.
    static let hangName = ProcessInfo.processInfo.environment["WINNOW_FAULT_HANG"]

    public static func point(_ name: String) throws {
        guard let armed, armed == name else { return }
        kill(getpid(), SIGKILL)
    }

    /// Hangs the calling thread for ever when `origin`'s file name is the armed one.
    public static func hangIfArmed(origin: String) {
        guard let hangName, !hangName.isEmpty, (origin as NSString).lastPathComponent == hangName else { return }
        while true { sleep(3600) }
    }
}
