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
        let validUTF8 = TextDecoding.firstInvalidUTF8(bytes[...]) == nil
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
