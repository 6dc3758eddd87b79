import Foundation

/// File names as the kernel stores them: bytes, not necessarily UTF-8. Listing and moving
/// inbox files go through these so a name that is not valid UTF-8 is seen, reported and
/// moved like any other instead of being mangled or dropped.
enum RawNames {
    /// The entries of a folder (without `.` and `..`), as raw bytes; nil with errno set when
    /// it cannot be opened.
    static func list(_ path: [UInt8]) -> [[UInt8]]? {
        guard let dir = withCString(path, { opendir($0) }) else { return nil }
        defer { closedir(dir) }
        var names: [[UInt8]] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: &entry.pointee.d_name) { raw -> [UInt8] in
                let bytes = raw.bindMemory(to: UInt8.self)
                return Array(bytes.prefix { $0 != 0 })
            }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            names.append(name)
        }
        return names
    }

    /// Calls `body` with `path` as a NUL-terminated C string.
    static func withCString<T>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
        (path + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
        }
    }

    /// `lstat` on a raw path.
    static func lstat(_ path: [UInt8]) -> stat? {
        var st = stat()
        return withCString(path) { Glibc.lstat($0, &st) } == 0 ? st : nil
    }

    /// The name as text: valid UTF-8 unchanged, any other byte written as `\ooo` (octal, as
    /// `ls -b` shows it). Nil-free, so every name can be logged and used in `failed/`.
    static func display(_ bytes: [UInt8]) -> (text: String, valid: Bool) {
        if let text = String(validating: bytes, as: UTF8.self) { return (text, true) }
        var out = ""
        var i = 0
        while i < bytes.count {
            let length = sequenceLength(bytes, at: i)
            if length > 0, let text = String(validating: bytes[i..<i + length], as: UTF8.self) {
                out += text
                i += length
            } else {
                out += "\\" + String(bytes[i], radix: 8)
                i += 1
            }
        }
        return (out, false)
    }

    /// Length of the UTF-8 sequence a lead byte announces, when the bytes are there; 0 otherwise.
    private static func sequenceLength(_ bytes: [UInt8], at i: Int) -> Int {
        let lead = bytes[i]
        let length = lead < 0x80 ? 1 : lead >> 5 == 0b110 ? 2 : lead >> 4 == 0b1110 ? 3 : lead >> 3 == 0b11110 ? 4 : 0
        return i + length <= bytes.count ? length : 0
    }
}
