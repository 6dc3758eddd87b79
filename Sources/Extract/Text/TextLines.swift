import Foundation

/// Splits a clipping into its lines: one entry per non-blank line, whitespace collapsed.
/// Hard-wrapped clippings (mail, press-release wires: every line cut near the same width)
/// have the lines of each blank-line separated block joined back into paragraphs.
///
/// Works on UTF-8 bytes in two passes (line-length statistics, then the lines) and hands out
/// one line at a time, so a clipping of millions of lines is never held as millions of strings.
enum TextLines {
    static func split(_ text: String) -> [String] {
        var out: [String] = []
        forEach(text) { out.append($0) }
        return out
    }

    /// Calls `body` with each line, in order: the lines `split` returns.
    static func forEach(_ text: String, _ body: (String) -> Void) {
        var text = text
        text.withUTF8 { bytes in
            var scratch: [UInt8] = []
            let wrapped = isHardWrapped(bytes, scratch: &scratch)
            var current = ""
            forEachLine(bytes, scratch: &scratch) { line in
                guard let line else { // a blank line ends a block
                    if !current.isEmpty { body(current); current = "" }
                    return
                }
                guard wrapped else { body(line); return }
                if current.isEmpty {
                    current = line
                } else if current.utf8.count >= 45 {
                    current += " " + line
                } else {
                    body(current)
                    current = line
                }
            }
            if !current.isEmpty { body(current) }
        }
    }

    /// Calls `body` with each collapsed non-blank line, and nil for each blank one. Lines end
    /// at `\n`, `\r\n` or a lone `\r`.
    private static func forEachLine(_ bytes: UnsafeBufferPointer<UInt8>, scratch: inout [UInt8], _ body: (String?) -> Void) {
        var start = 0
        var i = 0
        let n = bytes.count
        while i <= n {
            guard i == n || bytes[i] == 0x0A || bytes[i] == 0x0D else { i += 1; continue }
            let line = collapse(UnsafeBufferPointer(rebasing: bytes[start..<i]), scratch: &scratch)
            body(line.isEmpty ? nil : line)
            if i < n, bytes[i] == 0x0D, i + 1 < n, bytes[i + 1] == 0x0A { i += 1 }
            i += 1
            start = i
        }
    }

    /// True when no line is long and most longer lines end near one width (a wrapped text).
    /// Lengths are counted in characters; only lines up to 100 characters are tallied.
    private static func isHardWrapped(_ bytes: UnsafeBufferPointer<UInt8>, scratch: inout [UInt8]) -> Bool {
        // Per length: lines, and lines that do not end like a sentence.
        var lines = [Int](repeating: 0, count: 101), open = [Int](repeating: 0, count: 101)
        var tooLong = false
        forEachLine(bytes, scratch: &scratch) { line in
            guard !tooLong, let line else { return }
            // ASCII lines are measured on bytes: a clipping may have millions of lines.
            let utf8 = line.utf8
            let ascii = utf8.allSatisfy { $0 < 0x80 }
            let length = ascii ? min(utf8.count, 101) : min(line.count, 101)
            guard length <= 100 else { tooLong = true; return }
            lines[length] += 1
            if !(ascii ? utf8.last.map { closers.contains($0) } ?? false : line.last.map { ".!?\"”:;)。！？」』）．؟»".contains($0) } ?? false) {
                open[length] += 1
            }
        }
        guard !tooLong, let longest = lines.lastIndex(where: { $0 > 0 }) else { return false }
        let longer = lines[40...].reduce(0, +)
        guard longer >= 4 else { return false }
        let nearLengths = max(40, longest - 20)...max(40, longest)
        let near = longest >= 40 ? lines[nearLengths].reduce(0, +) : 0
        guard near * 10 >= longer * 6 else { return false }
        // Wrapped lines break mid-sentence; one-line paragraphs end with a full stop.
        let openNear = longest >= 40 ? open[nearLengths].reduce(0, +) : 0
        return openNear * 10 >= near * 5
    }

    /// The ASCII characters of `.!?"”:;)`: a line ending with one ends like a sentence.
    private static let closers: Set<UInt8> = Set(".!?\":;)".utf8)

    /// True when no line is long and most longer lines end near one width (a wrapped text).
    static func isHardWrapped(_ lines: [String]) -> Bool {
        var text = lines.joined(separator: "\n")
        var scratch: [UInt8] = []
        return text.withUTF8 { isHardWrapped($0, scratch: &scratch) }
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

    /// `collapse` of one line's bytes; ASCII lines are folded byte by byte in `scratch`.
    private static func collapse(_ line: UnsafeBufferPointer<UInt8>, scratch: inout [UInt8]) -> String {
        guard line.allSatisfy({ $0 < 0x80 }) else { return collapse(String(decoding: line, as: UTF8.self)) }
        scratch.removeAll(keepingCapacity: true)
        var space = false
        for b in line {
            // ASCII White_Space: tab, line feed, vertical tab, form feed, carriage return, space.
            if b == 0x20 || (b >= 0x09 && b <= 0x0D) {
                space = true
            } else {
                if space && !scratch.isEmpty { scratch.append(0x20) }
                space = false
                scratch.append(b)
            }
        }
        return String(decoding: scratch, as: UTF8.self)
    }
}
