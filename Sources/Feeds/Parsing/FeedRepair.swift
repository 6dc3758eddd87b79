import CLibXML2
import Foundation

/// Fixes for the well-formedness errors feeds make most, applied only after a strict parse
/// failed: HTML entities XML does not define (`&acirc;` in RSS 2.0) become character
/// references, bare `&` becomes `&amp;`, and an unterminated CDATA section is closed before
/// the end tag of the element it was opened in.
enum FeedRepair {
    static let xmlEntities: Set<String> = ["amp", "lt", "gt", "quot", "apos"]

    /// The repaired bytes and what was repaired (empty when nothing was).
    static func repair(_ bytes: [UInt8]) -> (bytes: [UInt8], notes: [String]) {
        var notes: [String] = []
        var out = closeCDATA(bytes, notes: &notes)
        out = fixEntities(out, notes: &notes)
        return (out, notes)
    }

    static func find(_ needle: [UInt8], in b: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, from >= 0, b.count >= needle.count, from <= b.count - needle.count else { return nil }
        var i = from
        while i <= b.count - needle.count {
            if b[i] == needle[0], b[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// Names declared with `<!ENTITY` in an internal DTD subset (those are not undefined).
    static func declaredEntities(_ b: [UInt8]) -> Set<String> {
        var names = Set<String>()
        var i = 0
        let marker = Array("<!ENTITY".utf8)
        while let at = find(marker, in: b, from: i), names.count < 10_000 {
            var j = at + marker.count
            while j < b.count, b[j] == 0x20 || b[j] == 0x09 || b[j] == 0x0A || b[j] == 0x0D || b[j] == UInt8(ascii: "%") { j += 1 }
            let start = j
            while j < b.count, b[j] != 0x20 && b[j] != 0x09 && b[j] != 0x0A && b[j] != 0x0D { j += 1 }
            names.insert(String(decoding: b[start..<j], as: UTF8.self))
            i = j
        }
        return names
    }

    static func fixEntities(_ b: [UInt8], notes: inout [String]) -> [UInt8] {
        let declared = declaredEntities(b)
        var out: [UInt8] = []
        out.reserveCapacity(b.count + 64)
        var undefined: [String] = []
        var bare = 0
        var i = 0
        let cdataOpen = Array("<![CDATA[".utf8), cdataClose = Array("]]>".utf8)
        while i < b.count {
            // CDATA sections are copied as they are: an `&` in them is text already.
            if b[i] == UInt8(ascii: "<"), b[i...].starts(with: cdataOpen) {
                let end = find(cdataClose, in: b, from: i + cdataOpen.count).map { $0 + 3 } ?? b.count
                out += b[i..<end]
                i = end
                continue
            }
            guard b[i] == UInt8(ascii: "&") else { out.append(b[i]); i += 1; continue }
            var j = i + 1
            if j < b.count, b[j] == UInt8(ascii: "#") { j += 1 }
            let nameStart = j
            while j < b.count, j - nameStart < 32, (b[j] >= 0x30 && b[j] <= 0x39) || (b[j] | 0x20 >= 0x61 && b[j] | 0x20 <= 0x7A)
                || b[j] == UInt8(ascii: "_") || b[j] == UInt8(ascii: "-") || b[j] == UInt8(ascii: ".") { j += 1 }
            let terminated = j < b.count && b[j] == UInt8(ascii: ";") && j > nameStart
            let name = String(decoding: b[nameStart..<j], as: UTF8.self)
            if terminated, nameStart > i + 1, name.hasPrefix("X") {
                // `&#X41;`: XML allows only a lower-case x.
                out += Array("&#x".utf8) + b[(nameStart + 1)...j]
                i = j + 1
            } else if terminated && (nameStart > i + 1 || xmlEntities.contains(name) || declared.contains(name)) {
                out += b[i...j]
                i = j + 1
            } else if terminated, let entity = htmlEntityLookup(name) {
                out += Array("&#\(entity.pointee.value);".utf8)
                if undefined.count < 3, !undefined.contains("&\(name);") { undefined.append("&\(name);") }
                i = j + 1
            } else {
                out += Array("&amp;".utf8)
                bare += 1
                i += 1
            }
        }
        if !undefined.isEmpty { notes.append("undefined entities \(undefined.joined(separator: " ")) read as HTML") }
        if bare > 0 { notes.append("\(bare) bare & escaped") }
        return out
    }

    /// Closes a CDATA section left open: `]]>` goes before the end tag of the element the
    /// section was opened in.
    static func closeCDATA(_ b: [UInt8], notes: inout [String]) -> [UInt8] {
        guard b.count < 64 << 20, find(Array("<![CDATA[".utf8), in: b, from: 0) != nil else { return b }
        let open = Array("<![CDATA[".utf8), close = Array("]]>".utf8)
        var out = b
        var from = 0
        var fixed = 0
        while let start = find(open, in: out, from: from), fixed < 1000 {
            let body = start + open.count
            if let end = find(close, in: out, from: body) {
                // A section that runs past its element's end tag was not closed either.
                if let name = enclosingElement(out, before: start), let endTag = find(Array("</\(name)>".utf8), in: out, from: body),
                   endTag < end {
                    out.insert(contentsOf: close, at: endTag)
                    fixed += 1
                    from = endTag + close.count
                } else {
                    from = end + close.count
                }
                continue
            }
            guard let name = enclosingElement(out, before: start), let endTag = find(Array("</\(name)>".utf8), in: out, from: body) else {
                out += close
                fixed += 1
                break
            }
            out.insert(contentsOf: close, at: endTag)
            fixed += 1
            from = endTag + close.count
        }
        if fixed > 0 { notes.append("\(fixed) unterminated CDATA closed") }
        return out
    }

    /// The name of the last start tag before `index`.
    static func enclosingElement(_ b: [UInt8], before index: Int) -> String? {
        var i = index - 1
        while i >= 0 {
            if b[i] == UInt8(ascii: "<"), i + 1 < b.count, b[i + 1] != UInt8(ascii: "/"), b[i + 1] != UInt8(ascii: "!"),
               b[i + 1] != UInt8(ascii: "?") {
                var j = i + 1
                while j < b.count, b[j] != 0x20, b[j] != UInt8(ascii: ">"), b[j] != UInt8(ascii: "/"), b[j] != 0x0A, b[j] != 0x09,
                      b[j] != 0x0D { j += 1 }
                let name = String(decoding: b[(i + 1)..<j], as: UTF8.self)
                return name.isEmpty ? nil : name
            }
            i -= 1
        }
        return nil
    }
}
