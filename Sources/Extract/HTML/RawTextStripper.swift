import Foundation

/// Drops what the extractor never reads — the bodies of `<script>` (JSON-LD kept), `<style>`
/// and `<svg>`, and comments — before libxml2 sees the page. They are about 40 % of the
/// bytes of a typical news page, and libxml2 decodes them one character at a time.
///
/// The scan follows the HTML tokenizer where it matters: a script or style body ends at the
/// first matching end tag, a comment at the first `-->`. Anything unterminated is left as it
/// is for libxml2 to recover. Encodings that are not ASCII-compatible (UTF-16) never match.
enum RawTextStripper {
    static func strip(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBufferPointer { buffer -> [UInt8] in
            guard let base = buffer.baseAddress else { return [] }
            let n = buffer.count
            var out: [UInt8] = []
            var copied = 0 // bytes before this offset are already in `out` or dropped
            var i = 0
            while i < n, let found = memchr(base + i, 0x3C, n - i) {
                let at = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                i = at + 1
                if at + 3 < n, base[at + 1] == 0x21, base[at + 2] == 0x2D, base[at + 3] == 0x2D { // <!--
                    guard let close = findCommentEnd(in: base, from: at + 4, to: n) else { break }
                    if out.isEmpty { out.reserveCapacity(n) }
                    out.append(contentsOf: UnsafeBufferPointer(start: base + copied, count: at - copied))
                    copied = close + 3
                    i = copied
                    continue
                }
                guard let element = rawTextElement(base, at + 1, n) else { continue }
                guard let tagEnd = memchr(base + at, 0x3E, n - at) else { break }
                let bodyStart = base.distance(to: tagEnd.assumingMemoryBound(to: UInt8.self)) + 1
                // libxml2 closes any element written `<x/>`, so that one has no body.
                if base[bodyStart - 2] == 0x2F { i = bodyStart; continue }
                guard let bodyEnd = findEndTag(element, in: base, from: bodyStart, to: n) else { break }
                i = bodyEnd + 2
                if element == 0, containsJSONLD(base, from: at, to: bodyStart) { continue }
                if out.isEmpty { out.reserveCapacity(n) }
                out.append(contentsOf: UnsafeBufferPointer(start: base + copied, count: bodyStart - copied))
                copied = bodyEnd
            }
            if copied == 0 { return bytes }
            out.append(contentsOf: UnsafeBufferPointer(start: base + copied, count: n - copied))
            return out
        }
    }

    /// Script first: its index, 0, is the one whose JSON-LD bodies are kept.
    private static let elements: [StaticString] = ["script", "style", "svg"]

    /// The index of the raw-text element whose name starts at `p[from]`, delimited like a tag name.
    private static func rawTextElement(_ p: UnsafePointer<UInt8>, _ from: Int, _ n: Int) -> Int? {
        guard from < n else { return nil }
        guard p[from] | 0x20 == 0x73 else { return nil } // all three start with "s"
        for (index, name) in elements.enumerated() {
            let count = name.utf8CodeUnitCount
            guard from + count < n, matchesFolded(name, p + from) else { continue }
            switch p[from + count] {
            case 0x20, 0x09, 0x0A, 0x0C, 0x0D, 0x2F, 0x3E: return index
            default: continue
            }
        }
        return nil
    }

    /// Offset of the `<` of `</name` (any case) at or after `from`.
    private static func findEndTag(_ element: Int, in p: UnsafePointer<UInt8>, from: Int, to n: Int) -> Int? {
        var i = from
        let name = elements[element]
        let count = name.utf8CodeUnitCount
        while i < n, let found = memchr(p + i, 0x3C, n - i) {
            let at = p.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if at + 1 + count < n, p[at + 1] == 0x2F, matchesFolded(name, p + at + 2) { return at }
            i = at + 1
        }
        return nil
    }

    /// Offset of the next `-->` at or after `from`.
    private static func findCommentEnd(in p: UnsafePointer<UInt8>, from: Int, to n: Int) -> Int? {
        var i = from
        while i < n, let found = memchr(p + i, 0x3E, n - i) {
            let at = p.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if at >= from + 2, p[at - 1] == 0x2D, p[at - 2] == 0x2D { return at - 2 }
            i = at + 1
        }
        return nil
    }

    private static func matchesFolded(_ name: StaticString, _ p: UnsafePointer<UInt8>) -> Bool {
        let bytes = name.utf8Start
        for k in 0..<name.utf8CodeUnitCount where p[k] | 0x20 != bytes[k] { return false }
        return true
    }

    private static func containsJSONLD(_ p: UnsafePointer<UInt8>, from: Int, to end: Int) -> Bool {
        var i = from
        while i + 7 <= end {
            if p[i] | 0x20 == 0x6C, p[i + 2] == 0x2B, matchesFolded("ld+json", p + i) { return true }
            i += 1
        }
        return false
    }
}
