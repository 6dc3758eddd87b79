import Foundation

/// A fresh folder under the system temp dir, removed when released.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init(_ prefix: String = "winnow-test") {
        var template = Array((NSTemporaryDirectory() + "/\(prefix).XXXXXX").utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed")
        path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes a file (creating folders) and returns its full path.
    @discardableResult
    public func write(_ relative: String, _ contents: String) -> String {
        write(relative, bytes: Array(contents.utf8))
    }

    @discardableResult
    public func write(_ relative: String, bytes: [UInt8]) -> String {
        let full = path + "/" + relative
        try? FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        precondition(FileManager.default.createFile(atPath: full, contents: Data(bytes)), "cannot write \(full)")
        return full
    }

    /// Every regular file below `relative`, as paths relative to it, sorted.
    /// Files under `relative`, sorted; hidden files and folders (the archive's `.winnow/`
    /// ledger) are left out, as a person browsing the tree would not see them.
    /// The article files (`.md`) under a folder: the archive also holds `feed.atom`.
    public func articleFiles(under relative: String) -> [String] {
        files(under: relative).filter { $0.hasSuffix(".md") }
    }

    public func files(under relative: String) -> [String] {
        let root = path + "/" + relative
        guard let e = FileManager.default.enumerator(atPath: root) else { return [] }
        var out: [String] = []
        while let item = e.nextObject() as? String {
            if (item as NSString).lastPathComponent.hasPrefix(".") { e.skipDescendants(); continue }
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + item, isDirectory: &isDir), !isDir.boolValue { out.append(item) }
        }
        return out.sorted()
    }
}
