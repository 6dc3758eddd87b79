import Foundation

/// Test-only crash points: when `WINNOW_FAULT` names a point, the process dies there with
/// SIGKILL, exactly as a power cut or `kill -9` would leave things. `WINNOW_FAULT=random:P`
/// dies at any point with probability P, so a crash test's kills also land inside a batch
/// (between its file writes and its commit, between its commit and its moves).
public enum FaultInjection {
    static let armed = ProcessInfo.processInfo.environment["WINNOW_FAULT"]
    static let chance: Double? = armed.flatMap { $0.hasPrefix("random:") ? Double($0.dropFirst(7)) : nil }
    /// `WINNOW_FAULT_HANG=<file name>`: extracting an input with that file name never ends
    /// (a stand-in for a pathological page), so time budgets can be tested quickly.
    static let hangName = ProcessInfo.processInfo.environment["WINNOW_FAULT_HANG"]

    public static func point(_ name: String) throws {
        if let chance, Double.random(in: 0..<1) < chance { kill(getpid(), SIGKILL) }
        guard let armed, armed == name else { return }
        kill(getpid(), SIGKILL)
    }

    /// Hangs the calling thread for ever when `origin`'s file name is the armed one.
    public static func hangIfArmed(origin: String) {
        guard let hangName, !hangName.isEmpty, (origin as NSString).lastPathComponent == hangName else { return }
        while true { sleep(3600) }
    }
}
