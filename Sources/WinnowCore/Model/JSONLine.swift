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

    public static func quote(_ s: String) -> String {
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
