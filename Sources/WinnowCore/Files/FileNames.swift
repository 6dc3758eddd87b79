import Foundation

/// File-name length rules: Linux names are at most 255 bytes (NAME_MAX), so a name made
/// from another (a temp file, an error file, a `-2` variant) can be too long even when the
/// original was not.
public enum FileNames {
    /// The longest file name the kernel accepts, in bytes.
    public static let nameMax = 255

    /// `name` when it fits in `limit` bytes; otherwise its first bytes (cut at a character
    /// boundary), a hash of the whole name (so different long names stay different) and
    /// its extension when short.
    public static func fit(_ name: String, limit: Int = nameMax) -> String {
        let bytes = Array(name.utf8)
        if bytes.count <= limit { return name }
        let ext = (name as NSString).pathExtension
        let suffix = ext.isEmpty || ext.utf8.count > 16 ? "" : "." + ext
        let tail = "-" + Hash64.hex(Hash64.hash(bytes)) + suffix
        var keep = max(0, limit - tail.utf8.count)
        // Back up to the start of a UTF-8 character (continuation bytes are 10xxxxxx).
        while keep > 0, keep < bytes.count, bytes[keep] & 0xC0 == 0x80 { keep -= 1 }
        return String(decoding: bytes[0..<keep], as: UTF8.self) + tail
    }

    /// The path of the `.error.txt` written beside a failed file, shortened when the file's
    /// own name leaves no room for the suffix.
    public static func errorFile(for path: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let suffix = ".error.txt"
        let fitted = name.utf8.count + suffix.utf8.count <= nameMax ? name : fit(name, limit: nameMax - suffix.utf8.count)
        return directory + "/" + fitted + suffix
    }
}
