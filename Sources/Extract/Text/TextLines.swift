import Foundation

/// Splits a clipping into its lines: one entry per non-blank line, whitespace collapsed.
/// Hard-wrapped clippings (mail, press-release wires: every line cut near the same width)
/// have the lines of each blank-line separated block joined back into paragraphs.
enum TextLines {
    static func split(_ text: String) -> [String] {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var blocks: [[String]] = [[]]
        for raw in normalized.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = collapse(String(raw))
            if line.isEmpty {
                if !(blocks.last?.isEmpty ?? true) { blocks.append([]) }
            } else {
                blocks[blocks.count - 1].append(line)
            }
        }
        blocks = blocks.filter { !$0.isEmpty }
        guard isHardWrapped(blocks.flatMap { $0 }) else { return blocks.flatMap { $0 } }
        var out: [String] = []
        for block in blocks {
            var current = ""
            for line in block {
                if current.isEmpty {
                    current = line
                } else if current.utf8.count >= 45 {
                    current += " " + line
                } else {
                    out.append(current)
                    current = line
                }
            }
            if !current.isEmpty { out.append(current) }
        }
        return out
    }

    /// True when no line is long and most longer lines end near one width (a wrapped text).
    static func isHardWrapped(_ lines: [String]) -> Bool {
        let lengths = lines.map(\.count)
        guard let longest = lengths.max(), longest <= 100 else { return false }
        let longer = lengths.filter { $0 >= 40 }
        guard longer.count >= 4 else { return false }
        let near = lines.filter { $0.count >= 40 && $0.count >= longest - 20 }
        guard near.count * 10 >= longer.count * 6 else { return false }
        // Wrapped lines break mid-sentence; one-line paragraphs end with a full stop.
        let open = near.filter { line in !(line.last.map { ".!?\"”:;)".contains($0) } ?? false) }
        return open.count * 10 >= near.count * 5
    }

    /// Collapses runs of whitespace (including no-break spaces) to one space and trims.
    static func collapse(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var space = false
        for scalar in s.unicodeScalars {
            if scalar.properties.isWhitespace || scalar == "\u{00A0}" || scalar == "\u{FEFF}" || scalar == "\u{200B}" {
                space = true
            } else {
                if space && !out.isEmpty { out.append(" ") }
                space = false
                out.append(scalar)
            }
        }
        return String(out)
    }
}
