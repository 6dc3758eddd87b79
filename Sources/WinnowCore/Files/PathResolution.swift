import Foundation

/// Canonical forms of paths that may not exist yet.
public enum PathResolution {
    /// `path` with symlinks and `..` resolved as far as it exists; the part that does not
    /// exist yet is appended, normalised, to the resolved existing ancestor.
    public static func resolve(_ path: String) -> String {
        var existing = URL(fileURLWithPath: path).standardized.path
        var rest: [String] = []
        while true {
            if let real = realpath(existing, nil) {
                defer { free(real) }
                let base = String(cString: real)
                let joined = rest.reversed().reduce(base) { $0 == "/" ? "/" + $1 : $0 + "/" + $1 }
                return URL(fileURLWithPath: joined).standardized.path
            }
            let parent = (existing as NSString).deletingLastPathComponent
            if parent == existing || parent.isEmpty { return URL(fileURLWithPath: path).standardized.path }
            rest.append((existing as NSString).lastPathComponent)
            existing = parent
        }
    }
}
