/// Byte-level string helpers for hot paths: Foundation's `trimmingCharacters`,
/// `contains` and `range(of:)` go through NSString on Linux and showed in extraction
/// profiles. Comparisons are on UTF-8 bytes (no locale, no Unicode normalisation).
extension StringProtocol {
    /// Unicode whitespace removed at both ends.
    public func trimmedWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }

    /// Whether `needle` occurs in this string.
    public func containsBytes(_ needle: some StringProtocol) -> Bool {
        lastRange(ofBytes: needle) != nil
    }

    /// The range of the last occurrence of `needle`.
    public func lastRange(ofBytes needle: some StringProtocol) -> Range<Index>? {
        let hay = Array(utf8), pattern = Array(needle.utf8)
        guard !pattern.isEmpty, pattern.count <= hay.count else { return pattern.isEmpty ? startIndex..<startIndex : nil }
        var i = hay.count - pattern.count
        while i >= 0 {
            if hay[i] == pattern[0] {
                var k = 1
                while k < pattern.count, hay[i + k] == pattern[k] { k += 1 }
                if k == pattern.count {
                    let lower = utf8.index(utf8.startIndex, offsetBy: i)
                    return lower..<utf8.index(lower, offsetBy: pattern.count)
                }
            }
            i -= 1
        }
        return nil
    }
}

/// Byte counts as people read them.
public enum ByteSize {
    /// `20971520` → `20 MiB`, `1536` → `1.5 KiB`, `512` → `512 bytes`.
    public static func human(_ n: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(n)
        var unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        if unit == 0 { return "\(n) bytes" }
        return value == value.rounded() ? "\(Int(value)) \(units[unit])" : String(format: "%.1f %@", value, units[unit])
    }
}
