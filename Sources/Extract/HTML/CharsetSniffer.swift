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
        // Without a byte-order mark, bytes that are mostly ASCII-compatible (few NULs) are
        // not UTF-16 or UTF-32, whatever the header or page says: such a declaration is a lie.
        let wideLie = { (label: String) in isWide(label) && !looksWide(bytes) }
        if let header, !header.isEmpty, !wideLie(header) { return normalizeLabel(header) }
        let head = bytes.prefix(16384).map { ASCII.lower($0) }
        if let declared = metaCharset(head) {
            let label = normalizeLabel(declared)
            // A page that is not valid UTF-8 cannot be UTF-8, whatever it says; a meta
            // declaration is read from ASCII bytes, so it never names a wide encoding truly.
            if !(label == "UTF-8" && !validUTF8), !isWide(label) { return label }
        }
        return validUTF8 ? "UTF-8" : "windows-1252"
    }

    /// UTF-16, UTF-32 and their aliases: encodings in which ASCII text has NUL bytes.
    static func isWide(_ label: String) -> Bool {
        let upper = label.uppercased()
        return ["UTF-16", "UTF16", "UTF-32", "UTF32", "UCS-2", "UCS2", "UCS-4", "UCS4", "UNICODE", "ISO-10646-UCS", "CSUNICODE"]
            .contains { upper.hasPrefix($0) }
    }

    /// Whether the first bytes have the NULs of UTF-16 or UTF-32 text (one byte in four at least).
    static func looksWide(_ bytes: [UInt8]) -> Bool {
        let sample = bytes.prefix(4096)
        return sample.count >= 2 && sample.lazy.filter { $0 == 0 }.count * 4 >= sample.count
    }

    /// The charset named in a `<meta>` tag (not, say, `<script charset>` of an archive banner);
    /// `head` is lowercased ASCII.
    static func metaCharset(_ head: [UInt8]) -> String? {
        var i = 0
        while let meta = find(metaOpen, in: head[...], from: i) {
            let tagEnd = head[meta...].firstIndex(of: 0x3E) ?? head.endIndex
            var search = meta + 5
            while let at = find(charsetKey, in: head[..<tagEnd], from: search) {
                var k = at + 8
                while k < tagEnd, head[k] == 0x22 || head[k] == 0x27 || head[k] == 0x20 { k += 1 }
                let start = k
                while k < tagEnd, ASCII.isAlnum(head[k]) || head[k] == 0x2D || head[k] == 0x5F || head[k] == 0x3A || head[k] == 0x2E { k += 1 }
                if k > start { return String(decoding: head[start..<k], as: UTF8.self) }
                search = at + 8
            }
            i = tagEnd
        }
        return nil
    }

    private static let metaOpen = Array("<meta".utf8), charsetKey = Array("charset=".utf8)

    private static func find(_ needle: [UInt8], in hay: ArraySlice<UInt8>, from: Int) -> Int? {
        guard from < hay.endIndex, needle.count <= hay.endIndex - from else { return nil }
        for i in from...(hay.endIndex - needle.count) where hay[i] == needle[0] {
            if hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
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

/// Pages that are UTF-8 with a few stray Latin-1 bytes (templates mixing sources) would
/// otherwise be decoded entirely as Windows-1252; we repair the stray bytes instead.
enum MixedUTF8 {
    /// Counts (well-formed multi-byte sequences, bytes that fit no sequence).
    static func census(_ bytes: [UInt8]) -> (multibyte: Int, invalid: Int) {
        var multibyte = 0, invalid = 0
        var i = 0
        while i < bytes.count {
            let length = sequenceLength(bytes, i)
            if length == 0 { invalid += 1; i += 1 } else { if length > 1 { multibyte += 1 }; i += length }
        }
        return (multibyte, invalid)
    }

    /// Bytes with every byte that is not part of a valid UTF-8 sequence replaced by the
    /// UTF-8 form of its Windows-1252 character.
    static func repair(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 64)
        var i = 0
        while i < bytes.count {
            let length = sequenceLength(bytes, i)
            if length > 0 {
                out.append(contentsOf: bytes[i..<(i + length)])
                i += length
                continue
            }
            let scalar = windows1252(bytes[i])
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
            i += 1
        }
        return out
    }

    /// Length of the valid UTF-8 sequence at `i` (1 for ASCII), 0 when there is none.
    private static func sequenceLength(_ b: [UInt8], _ i: Int) -> Int {
        let c = b[i]
        if c < 0x80 { return 1 }
        let length: Int, minimum: UInt32
        var value: UInt32
        if c & 0xE0 == 0xC0 { length = 2; minimum = 0x80; value = UInt32(c & 0x1F) }
        else if c & 0xF0 == 0xE0 { length = 3; minimum = 0x800; value = UInt32(c & 0x0F) }
        else if c & 0xF8 == 0xF0 { length = 4; minimum = 0x10000; value = UInt32(c & 0x07) }
        else { return 0 }
        guard i + length <= b.count else { return 0 }
        for k in 1..<length {
            guard b[i + k] & 0xC0 == 0x80 else { return 0 }
            value = value << 6 | UInt32(b[i + k] & 0x3F)
        }
        return value < minimum || value > 0x10FFFF || (0xD800...0xDFFF).contains(value) ? 0 : length
    }

    private static let high: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]

    private static func windows1252(_ b: UInt8) -> Unicode.Scalar {
        let value = (0x80...0x9F).contains(b) ? high[Int(b) - 0x80] : UInt32(b)
        return Unicode.Scalar(value) ?? "\u{FFFD}"
    }
}
