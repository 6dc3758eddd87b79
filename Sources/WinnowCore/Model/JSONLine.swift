import Foundation

/// Builds one JSON object per line with keys in the order given and absent values omitted,
/// which keeps `winnow ingest` and `winnow extract --json` output stable and greppable.
public struct JSONLine {
    private var parts: [String] = []

    public init() {}

    public mutating func add(_ key: String, _ value: String?) {
        guard let value else { return }
        parts.append(Self.quote(key) + ":" + Self.quote(value))
    }

    public mutating func add(_ key: String, _ value: Double?) {
        guard let value else { return }
        parts.append(Self.quote(key) + ":" + String(format: "%.4f", value))
    }

    public mutating func add(_ key: String, _ value: Int?) {
        guard let value else { return }
        parts.append(Self.quote(key) + ":" + String(value))
    }

    public mutating func add(_ key: String, _ value: Bool?) {
        guard let value else { return }
        parts.append(Self.quote(key) + ":" + (value ? "true" : "false"))
    }

    public var string: String { "{" + parts.joined(separator: ",") + "}" }

    /// Escapes quotes, backslashes, control characters and U+2028/U+2029 at the byte level:
    /// article text always holds newlines, and a scalar-by-scalar copy dominated `extract --json`.
    public static func quote(_ s: String) -> String {
        var copy = s
        return copy.withUTF8 { bytes -> String in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + bytes.count / 16 + 2)
            out.append(0x22)
            var runStart = 0
            var i = 0
            func escape(_ replacement: String, skip: Int) {
                out.append(contentsOf: bytes[runStart..<i])
                out.append(contentsOf: replacement.utf8)
                i += skip
                runStart = i
            }
            while i < bytes.count {
                let b = bytes[i]
                switch b {
                case 0x22: escape("\\\"", skip: 1)
                case 0x5C: escape("\\\\", skip: 1)
                case 0x0A: escape("\\n", skip: 1)
                case 0x0D: escape("\\r", skip: 1)
                case 0x09: escape("\\t", skip: 1)
                case 0..<0x20: escape(String(format: "\\u%04x", b), skip: 1)
                case 0xE2 where i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
                    escape(bytes[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", skip: 3)
                default: i += 1
                }
            }
            out.append(contentsOf: bytes[runStart..<bytes.count])
            out.append(0x22)
            return String(decoding: out, as: UTF8.self)
        }
    }
}
