import Foundation

/// Drops what the extractor never reads before libxml2 sees the page: the bodies of
/// `<script>` (JSON-LD kept), `<style>` and `<svg>`, comments, and every attribute but the
/// few the recorder looks at (`class`, `id`, `style`, `itemprop`, …; `href` on `<link>`).
/// Script bodies, `srcset`s, `data-*` blobs and link targets are about half of a typical
/// news page, and libxml2 decodes and copies them one character at a time.
///
/// The scan follows the HTML tokenizer where it matters: a raw-text body ends at the first
/// matching end tag, a comment at the first `-->`, a quoted attribute value at its quote.
/// Anything it cannot read with certainty (unterminated comments, bodies or quotes, a `<`
/// inside a tag) is copied unchanged for libxml2 to recover.
enum MarkupPrefilter {
    /// The filtered page. NUL bytes are dropped too, as browsers ignore them: libxml2 treats
    /// one as the end of the page, so a stray run of them in a saved page cut off everything
    /// after it. Pages in encodings that are not ASCII-compatible (UTF-16, where NULs are half
    /// of every ASCII character) pass through untouched with `asciiCompatible: false`.
    static func filter(_ bytes: [UInt8], asciiCompatible: Bool = true) -> [UInt8] {
        guard asciiCompatible else { return bytes }
        let hasNUL = bytes.withUnsafeBufferPointer { buffer in buffer.baseAddress.map { memchr($0, 0, buffer.count) != nil } ?? false }
        if hasNUL { return filter(bytes.filter { $0 != 0 }) }
        return bytes.withUnsafeBufferPointer { buffer -> [UInt8] in
            guard let base = buffer.baseAddress else { return [] }
            var scan = Scan(p: base, n: buffer.count)
            scan.run()
            return scan.out
        }
    }

    private struct Scan {
        let p: UnsafePointer<UInt8>
        let n: Int
        var out: [UInt8] = []
        /// Bytes before this offset are already in `out` or dropped.
        var copied = 0

        init(p: UnsafePointer<UInt8>, n: Int) {
            self.p = p
            self.n = n
            out.reserveCapacity(n)
        }

        mutating func run() {
            var i = 0
            while i < n, let found = memchr(p + i, 0x3C, n - i) {
                let at = p.distance(to: found.assumingMemoryBound(to: UInt8.self))
                i = at + 1
                guard at + 1 < n else { break }
                let next = p[at + 1]
                if next == 0x21 {
                    guard at + 3 < n, p[at + 2] == 0x2D, p[at + 3] == 0x2D else { continue } // <!--
                    guard let close = commentEnd(from: at + 4) else { break }
                    emit(upTo: at)
                    copied = close + 3
                    i = copied
                } else if ASCII.isAlnum(next), !(next >= 0x30 && next <= 0x39) {
                    i = startTag(at)
                }
            }
            emit(upTo: n)
        }

        private mutating func emit(upTo end: Int) {
            if end > copied { out.append(contentsOf: UnsafeBufferPointer(start: p + copied, count: end - copied)) }
            copied = max(copied, end)
        }

        /// Rewrites the start tag at `at` with only the attributes we read; skips a raw-text
        /// body. Returns where scanning continues.
        private mutating func startTag(_ at: Int) -> Int {
            var i = at + 1
            while i < n, isNameByte(p[i]) { i += 1 }
            let nameEnd = i
            let element = Element(p + at + 1, nameEnd - at - 1)
            var kept: [(start: Int, end: Int)] = []
            var dropped = false
            var jsonLD = false
            var selfClosing = false
            // Attributes: name [= value], separated by whitespace; '/' may precede '>'.
            while true {
                while i < n, isSpace(p[i]) || p[i] == 0x2F { selfClosing = p[i] == 0x2F; i += 1 }
                guard i < n else { return i }
                if p[i] == 0x3E { break }
                if p[i] == 0x3C || p[i] == 0x22 || p[i] == 0x27 || p[i] == 0x3D { return i } // not a tag we can read
                selfClosing = false
                let attrStart = i
                while i < n, !isSpace(p[i]), p[i] != 0x3E, p[i] != 0x2F, p[i] != 0x3D, p[i] != 0x3C { i += 1 }
                let attrName = (attrStart, i)
                var j = i
                while j < n, isSpace(p[j]) { j += 1 }
                if j < n, p[j] == 0x3D {
                    j += 1
                    while j < n, isSpace(p[j]) { j += 1 }
                    guard j < n else { return j }
                    if p[j] == 0x22 || p[j] == 0x27 {
                        guard let close = memchr(p + j + 1, Int32(p[j]), n - j - 1) else { return j }
                        j = p.distance(to: close.assumingMemoryBound(to: UInt8.self)) + 1
                    } else {
                        while j < n, !isSpace(p[j]), p[j] != 0x3E { if p[j] == 0x3C { return j }; j += 1 }
                    }
                    i = j
                }
                if keeps(attrName, on: element) {
                    kept.append((attrStart, i))
                    if element == .script, contains("ld+json", from: attrStart, to: i) { jsonLD = true }
                } else {
                    dropped = true
                }
            }
            let tagEnd = i // at '>'
            if dropped {
                emit(upTo: nameEnd)
                for (start, end) in kept {
                    out.append(0x20)
                    out.append(contentsOf: UnsafeBufferPointer(start: p + start, count: end - start))
                }
                // libxml2 closes any element written `<x/>`.
                if selfClosing { out.append(0x2F) }
                copied = tagEnd
            }
            guard element.hasRawText, !selfClosing else { return tagEnd + 1 }
            guard let bodyEnd = endTag(of: element, from: tagEnd + 1) else { return tagEnd + 1 }
            // JSON-LD is read: its body passes untouched (its strings may hold markup).
            if jsonLD { return bodyEnd + 2 }
            emit(upTo: tagEnd + 1)
            copied = bodyEnd
            return bodyEnd + 2
        }

        private func keeps(_ name: (Int, Int), on element: Element) -> Bool {
            let length = name.1 - name.0
            guard length >= 2, length <= 10 else { return false }
            let key = NameKey.of(p + name.0, length)
            if key == MarkupPrefilter.href { return element == .link }
            for kept in MarkupPrefilter.keptAttributes where kept == key { return true }
            return false
        }

        /// Offset of the `<` of `</name` (any case) at or after `from`.
        private func endTag(of element: Element, from: Int) -> Int? {
            var i = from
            let name = element.name
            while i < n, let found = memchr(p + i, 0x3C, n - i) {
                let at = p.distance(to: found.assumingMemoryBound(to: UInt8.self))
                if at + 1 + name.count < n, p[at + 1] == 0x2F, matchesFolded(name, at + 2) { return at }
                i = at + 1
            }
            return nil
        }

        /// Offset of the next `-->` at or after `from`.
        private func commentEnd(from: Int) -> Int? {
            var i = from
            while i < n, let found = memchr(p + i, 0x3E, n - i) {
                let at = p.distance(to: found.assumingMemoryBound(to: UInt8.self))
                if at >= from + 2, p[at - 1] == 0x2D, p[at - 2] == 0x2D { return at - 2 }
                i = at + 1
            }
            return nil
        }

        private func matchesFolded(_ name: [UInt8], _ at: Int) -> Bool {
            for k in 0..<name.count where p[at + k] | 0x20 != name[k] { return false }
            return true
        }

        private func contains(_ needle: StaticString, from: Int, to end: Int) -> Bool {
            let count = needle.utf8CodeUnitCount
            var i = from
            while i + count <= end {
                var k = 0
                while k < count, p[i + k] | 0x20 == needle.utf8Start[k] { k += 1 }
                if k == count { return true }
                i += 1
            }
            return false
        }

        @inline(__always) private func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D || b == 0x0C }
        @inline(__always) private func isNameByte(_ b: UInt8) -> Bool { ASCII.isAlnum(b) || b == 0x2D || b == 0x3A || b == 0x5F }
    }

    /// The elements the scan treats specially.
    private enum Element {
        case script, style, svg, link, other

        init(_ p: UnsafePointer<UInt8>, _ length: Int) {
            switch length > 6 ? UInt64.max : NameKey.of(p, length) {
            case MarkupPrefilter.scriptKey: self = .script
            case MarkupPrefilter.styleKey: self = .style
            case MarkupPrefilter.svgKey: self = .svg
            case MarkupPrefilter.linkKey: self = .link
            default: self = .other
            }
        }

        var hasRawText: Bool { self == .script || self == .style || self == .svg }
        var name: [UInt8] {
            switch self {
            case .script: Array("script".utf8)
            case .style: Array("style".utf8)
            case .svg: Array("svg".utf8)
            case .link: Array("link".utf8)
            case .other: []
            }
        }
    }

    private static let scriptKey = NameKey.of("script"), styleKey = NameKey.of("style"), svgKey = NameKey.of("svg")
    private static let linkKey = NameKey.of("link"), href = NameKey.of("href")
    /// What `PageRecorder` reads (plus `charset`, which libxml2 reads when we name no encoding).
    private static let keptAttributes: [UInt64] = (["class", "id", "role", "itemprop", "hidden", "style", "lang",
                                                          "datetime", "rel", "content", "name", "property", "type",
                                                          "http-equiv", "charset"] as [String]).map { NameKey.of($0) }
}
