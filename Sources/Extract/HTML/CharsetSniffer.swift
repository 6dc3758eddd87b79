/// Decides the character encoding handed to libxml2.
///
/// Order: byte-order mark; valid UTF-8 (a wrong header or meta
/// declaration is far more common than Latin-1 text that happens to be valid UTF-8);
/// the HTTP header charset; `<meta charset>` / `http-equiv` in the first 16 KiB; UTF-8
/// when the bytes are valid; else Windows-1252.
public enum CharsetSniffer {
    public static func sniff(_ bytes: [UInt8], declared header: String? = nil) -> String {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return "UTF-8" }
        if bytes.starts(with: [0xFF, 0xFE]) { return "UTF-16LE" }
        if bytes.starts(with: [0xFE, 0xFF]) { return "UTF-16BE" }
        // Valid UTF-8 wins; for pure ASCII any ASCII-compatible choice decodes the same.
        let validUTF8 = UTF8Check.isValid(bytes)
        if validUTF8 { return "UTF-8" }
        if let header, !header.isEmpty { return normalizeLabel(header) }
        let head = String(decoding: bytes.prefix(16384), as: UTF8.self).lowercased()
        if let declared = metaCharset(head) {
            let label = normalizeLabel(declared)
            // A page that is not valid UTF-8 cannot be UTF-8, whatever it says.
            if !(label == "UTF-8" && !validUTF8), !label.hasPrefix("UTF-16") { return label }
        }
        return validUTF8 ? "UTF-8" : "windows-1252"
    }

    /// The charset named in a `<meta>` tag (not, say, `<script charset>` of an archive banner).
    static func metaCharset(_ head: String) -> String? {
        var rest = head[...]
        while let meta = rest.range(of: "<meta") {
            let tagEnd = rest[meta.upperBound...].firstIndex(of: ">") ?? rest.endIndex
            if let label = charsetLabel(rest[meta.upperBound..<tagEnd]) { return label }
            rest = rest[tagEnd...]
        }
        return nil
    }

    private static func charsetLabel(_ tag: Substring) -> String? {
        var search = tag
        while let range = search.range(of: "charset=") {
            var label = ""
            for c in search[range.upperBound...].drop(while: { $0 == "\"" || $0 == "'" || $0 == " " }) {
                if c.isLetter || c.isNumber || c == "-" || c == "_" || c == ":" || c == "." { label.append(c) } else { break }
            }
            if !label.isEmpty { return label }
            search = search[range.upperBound...]
        }
        return nil
    }

    /// WHATWG treats latin1 and ascii labels as windows-1252 and gb2312 as GBK; so do browsers, so we do.
    static func normalizeLabel(_ label: String) -> String {
        switch label.lowercased() {
        case "iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii", "iso8859-1", "iso_8859-1", "l1", "cp1252", "windows1252":
            return "windows-1252"
        case "utf8", "utf-8", "unicode-1-1-utf-8": return "UTF-8"
        case "gb2312", "gb_2312-80", "x-gbk", "chinese": return "GBK"
        case "x-sjis", "sjis", "ms_kanji", "windows-31j": return "SHIFT_JIS"
        case "iso-8859-9", "latin5": return "windows-1254"
        default: return label
        }
    }
}

/// UTF-8 validity with an eight-bytes-at-a-time ASCII fast path (pages are mostly ASCII).
enum UTF8Check {
    static func isValid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            let n = raw.count
            var i = 0
            while i < n {
                if i + 8 <= n, raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                    continue
                }
                let b = raw[i]
                if b < 0x80 { i += 1; continue }
                let length: Int
                var value: UInt32
                let minimum: UInt32
                if b & 0xE0 == 0xC0 { length = 2; minimum = 0x80; value = UInt32(b & 0x1F) }
                else if b & 0xF0 == 0xE0 { length = 3; minimum = 0x800; value = UInt32(b & 0x0F) }
                else if b & 0xF8 == 0xF0 { length = 4; minimum = 0x10000; value = UInt32(b & 0x07) }
                else { return false }
                guard i + length <= n else { return false }
                for k in 1..<length {
                    let c = raw[i + k]
                    guard c & 0xC0 == 0x80 else { return false }
                    value = value << 6 | UInt32(c & 0x3F)
                }
                if value < minimum || value > 0x10FFFF || (0xD800...0xDFFF).contains(value) { return false }
                i += length
            }
            return true
        }
    }
}
