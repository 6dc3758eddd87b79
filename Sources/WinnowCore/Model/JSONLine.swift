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

    public var string: String { "{" + parts.joined(separator: ",") + "}" }

    /// True when `s` holds a control character, a quote, a backslash or U+2028/U+2029.
    static func needsEscaping(_ s: String) -> Bool {
        var copy = s
        return copy.withUTF8 { bytes in
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                if b < 0x20 || b == 0x22 || b == 0x5C { return true }
                if b == 0xE2, i + 2 < bytes.count, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 { return true }
                i += 1
            }
            return false
        }
    }

    public static func quote(_ s: String) -> String {
        // Most text needs no escaping: copy it whole instead of scalar by scalar.
        if !needsEscaping(s) { return "\"" + s + "\"" }
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
