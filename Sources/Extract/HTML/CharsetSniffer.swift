/// Finds the character encoding of an HTML page: BOM, then `<meta charset>` or
/// `http-equiv` in the first 4 KiB, then UTF-8 when the bytes are valid UTF-8,
/// else Windows-1252.
public enum CharsetSniffer {
    public static func sniff(_ bytes: [UInt8]) -> String {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return "UTF-8" }
        if bytes.starts(with: [0xFF, 0xFE]) { return "UTF-16LE" }
        if bytes.starts(with: [0xFE, 0xFF]) { return "UTF-16BE" }
        let head = String(decoding: bytes.prefix(4096), as: UTF8.self).lowercased()
        if let declared = metaCharset(head) { return normalizeLabel(declared) }
        if TextDecoding.firstInvalidUTF8(bytes[...]) == nil { return "UTF-8" }
        return "windows-1252"
    }

    static func metaCharset(_ head: String) -> String? {
        guard let range = head.range(of: "charset=") else { return nil }
        var label = ""
        for c in head[range.upperBound...].drop(while: { $0 == "\"" || $0 == "'" || $0 == " " }) {
            if c.isLetter || c.isNumber || c == "-" || c == "_" || c == ":" || c == "." { label.append(c) } else { break }
        }
        return label.isEmpty ? nil : label
    }

    /// WHATWG treats latin1 and ascii labels as windows-1252; so do browsers, so we do.
    static func normalizeLabel(_ label: String) -> String {
        switch label.lowercased() {
        case "iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii", "iso8859-1", "l1", "cp1252": return "windows-1252"
        case "utf8": return "UTF-8"
        default: return label
        }
    }
}
