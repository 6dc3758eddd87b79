import Foundation

/// Test-only crash points: when `WINNOW_FAULT` names a point, the process dies there with
/// SIGKILL, exactly as a power cut or `kill -9` would leave things.
public enum FaultInjection {
    static let armed = ProcessInfo.processInfo.environment["WINNOW_FAULT"]

    public static func point(_ name: String) throws {
        guard let armed, armed == name else { return }
        kill(getpid(), SIGKILL)
    }
}
