import CUchardet
import Foundation

/// Decides which character encoding a feed document is in and turns it into UTF-8 before
/// libxml2 sees it, so every encoding takes one path and one bad byte costs one character.
///
/// The order is RFC 7303's: a byte order mark, then the HTTP `charset`, then the XML
/// declaration. Two things come before a declaration because a declaration cannot be read
/// or cannot be true without them: UTF-16/UTF-32 recognised from the `<` pattern of their
/// first bytes, and bytes that fail to decode in the declared encoding (or, for a Latin
/// single-byte declaration, bytes that are plainly UTF-8, Cyrillic or CJK). When nothing
/// declares an encoding and the bytes are not UTF-8, uchardet guesses it.
public enum FeedEncoding {
    /// Where the encoding came from.
    public enum Source: String, Sendable { case bom, http, sniffed, declaration, detected, defaulted }

    /// UTF-8 bytes (control characters XML forbids turned into spaces) and how they were read.
    public struct Decoded: Sendable {
        public var bytes: [UInt8]
        /// The encoding the input was read as (iconv's name).
        public var encoding: String
        public var source: Source
    }

    /// Decodes `bytes`; `httpCharset` is the `charset` of the HTTP `Content-Type`, if any.
    public static func decode(_ bytes: [UInt8], httpCharset: String?) -> Decoded {
        if let (bom, length) = byteOrderMark(bytes) {
            return finish(Array(bytes[length...]), bom, .bom)
        }
        if let wide = sniffWide(bytes) { return finish(bytes, wide, .sniffed) }
        if let http = httpCharset.map(normalize), !http.isEmpty, Transcoder.isKnown(http) {
            return finish(bytes, http, .http)
        }
        let valid = String(validating: bytes, as: UTF8.self) != nil
        let hasNonASCII = bytes.contains { $0 >= 0x80 }
        if let declared = declaredEncoding(bytes).map(normalize), !declared.isEmpty {
            guard Transcoder.isKnown(declared) else {
                // An encoding nobody knows: read the bytes as what they look like.
                return finish(bytes, valid ? "UTF-8" : (detect(bytes) ?? "WINDOWS-1252"), .detected)
            }
            if declared == "UTF-8" {
                if valid { return finish(bytes, "UTF-8", .declaration) }
                // Declared UTF-8 but not UTF-8: the declaration is wrong.
                return finish(bytes, detect(bytes) ?? "WINDOWS-1252", .detected)
            }
            if isWide(declared) {
                // A UTF-16/32 declaration read in ASCII is false (the wide forms were sniffed above).
                return finish(bytes, valid ? "UTF-8" : (detect(bytes) ?? "WINDOWS-1252"), valid ? .defaulted : .detected)
            }
            if hasNonASCII && valid && isSingleByte(declared) { return finish(bytes, "UTF-8", .detected) }
            if hasNonASCII, isLatin(declared), let guess = detect(bytes), isNonLatinScript(guess) {
                return finish(bytes, guess, .detected)
            }
            if hasNonASCII, !isSingleByte(declared), Transcoder.convert(bytes, from: declared).errors > 0,
               let guess = detect(bytes), guess != declared {
                return finish(bytes, guess, .detected)
            }
            return finish(bytes, declared, .declaration)
        }
        if valid { return finish(bytes, "UTF-8", .defaulted) }
        return finish(bytes, detect(bytes) ?? "WINDOWS-1252", .detected)
    }

    static func finish(_ bytes: [UInt8], _ encoding: String, _ source: Source) -> Decoded {
        var out: [UInt8]
        if encoding == "UTF-8" {
            out = String(validating: bytes, as: UTF8.self) != nil ? bytes : Array(String(decoding: bytes, as: UTF8.self).utf8)
        } else {
            out = Transcoder.convert(bytes, from: encoding).bytes
        }
        if out.starts(with: [0xEF, 0xBB, 0xBF]) { out.removeFirst(3) }
        for i in out.indices where out[i] < 0x20 && out[i] != 0x09 && out[i] != 0x0A && out[i] != 0x0D { out[i] = 0x20 }
        return Decoded(bytes: out, encoding: encoding, source: source)
    }

    // MARK: Clues

    static func byteOrderMark(_ b: [UInt8]) -> (String, Int)? {
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { return ("UTF-8", 3) }
        if b.starts(with: [0x00, 0x00, 0xFE, 0xFF]) { return ("UTF-32BE", 4) }
        if b.starts(with: [0xFF, 0xFE, 0x00, 0x00]) { return ("UTF-32LE", 4) }
        if b.starts(with: [0xFE, 0xFF]) { return ("UTF-16BE", 2) }
        if b.starts(with: [0xFF, 0xFE]) { return ("UTF-16LE", 2) }
        return nil
    }

    /// UTF-16 or UTF-32 without a BOM, from the zero bytes around the first characters
    /// (XML starts with `<` or whitespace, never with NUL).
    static func sniffWide(_ b: [UInt8]) -> String? {
        guard b.count >= 4 else { return nil }
        let z = b.prefix(4).map { $0 == 0 }
        switch (z[0], z[1], z[2], z[3]) {
        case (true, true, true, false): return "UTF-32BE"
        case (false, true, true, true): return "UTF-32LE"
        case (true, false, true, false): return "UTF-16BE"
        case (false, true, false, true): return "UTF-16LE"
        default: return nil
        }
    }

    /// The `encoding` pseudo-attribute of an ASCII-compatible XML declaration.
    static func declaredEncoding(_ bytes: [UInt8]) -> String? {
        var start = 0
        while start < min(bytes.count, 64), [0x20, 0x09, 0x0A, 0x0D].contains(bytes[start]) { start += 1 }
        guard bytes[start...].starts(with: Array("<?xml".utf8)) else { return nil }
        let head = bytes[start...].prefix(256)
        guard let end = head.firstIndex(of: UInt8(ascii: ">")) else { return nil }
        let decl = String(decoding: head[..<end], as: UTF8.self)
        guard let range = decl.range(of: "encoding") else { return nil }
        let rest = decl[range.upperBound...].drop(while: { $0 == " " || $0 == "=" })
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        return String(rest.dropFirst().prefix(while: { $0 != quote }))
    }

    /// uchardet's guess, in iconv's spelling; nil when it has none.
    static func detect(_ bytes: [UInt8]) -> String? {
        guard let detector = uchardet_new() else { return nil }
        defer { uchardet_delete(detector) }
        let sample = bytes.prefix(256 << 10)
        let fed = sample.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                uchardet_handle_data(detector, $0, buffer.count)
            }
        }
        guard fed == 0 else { return nil }
        uchardet_data_end(detector)
        guard let raw = uchardet_get_charset(detector) else { return nil }
        let name = normalize(String(cString: raw))
        guard !name.isEmpty, name != "ASCII", Transcoder.isKnown(name) else { return nil }
        return name
    }

    // MARK: Names

    /// Upper-cased iconv names; ISO-8859-1 and ASCII are read as their superset windows-1252,
    /// as browsers do, and GB2312/GBK as GB18030.
    static func normalize(_ raw: String) -> String {
        let name = raw.trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'")).uppercased()
        switch name {
        case "UTF8", "UNICODE-1-1-UTF-8", "UTF-8": return "UTF-8"
        case "ISO-8859-1", "ISO8859-1", "LATIN1", "LATIN-1", "L1", "ISO_8859-1", "US-ASCII", "ASCII", "CP1252", "X-CP1252",
             "WINDOWS-1252", "ISO-8859-1:1987": return "WINDOWS-1252"
        case "GB2312", "GBK", "X-GBK", "CP936", "EUC-CN": return "GB18030"
        case "SHIFT-JIS", "SJIS", "X-SJIS", "MS_KANJI", "CSSHIFTJIS": return "SHIFT_JIS"
        case "UTF-16", "UTF16": return "UTF-16"
        case "UTF-32", "UTF32": return "UTF-32"
        case "MACROMAN", "MAC", "X-MAC-ROMAN": return "MACINTOSH"
        default:
            // `windows_1252`, `cp-1251`: iconv wants hyphens, or none.
            let hyphenated = name.replacingOccurrences(of: "_", with: "-")
            if hyphenated != name, Transcoder.isKnown(hyphenated) { return hyphenated }
            return name
        }
    }

    static func isWide(_ name: String) -> Bool { name.hasPrefix("UTF-16") || name.hasPrefix("UTF-32") || name.hasPrefix("UCS-") }

    static func isLatin(_ name: String) -> Bool {
        name == "WINDOWS-1252" || name.hasPrefix("ISO-8859-1") || name == "ISO-8859-15" || name == "LATIN9"
    }

    /// Guesses that a Latin declaration cannot explain (Latin text is never read as these).
    static func isNonLatinScript(_ name: String) -> Bool {
        ["1251", "KOI8", "IBM866", "ISO-8859-5", "CYRILLIC", "SHIFT_JIS", "EUC-", "GB18030", "BIG5", "ISO-2022", "1253",
         "ISO-8859-7", "1255", "ISO-8859-8", "TIS-620"].contains { name.contains($0) }
    }

    static func isSingleByte(_ name: String) -> Bool {
        name.hasPrefix("WINDOWS-125") || name.hasPrefix("ISO-8859-") || name.hasPrefix("KOI8") || name.hasPrefix("CP125")
            || name == "IBM866" || name == "MACINTOSH" || name == "LATIN9"
    }
}

/// Byte conversion through glibc's iconv: invalid or truncated sequences become U+FFFD.
enum Transcoder {
    static func isKnown(_ name: String) -> Bool {
        if name == "UTF-8" { return true }
        let cd = iconv_open("UTF-8", name)
        if cd == iconv_t(bitPattern: -1) { return false }
        iconv_close(cd)
        return true
    }

    static func convert(_ input: [UInt8], from name: String) -> (bytes: [UInt8], errors: Int) {
        let cd = iconv_open("UTF-8", name)
        guard cd != iconv_t(bitPattern: -1) else { return (Array(String(decoding: input, as: UTF8.self).utf8), 0) }
        defer { iconv_close(cd) }
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 2)
        var errors = 0
        let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
        // Wide encodings skip a whole unit after a bad sequence, others one byte.
        let unit = name.hasPrefix("UTF-32") ? 4 : (name.hasPrefix("UTF-16") ? 2 : 1)
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        input.withUnsafeBufferPointer { source in
            var inPtr = UnsafeMutablePointer<CChar>(mutating: UnsafeRawPointer(source.baseAddress!).assumingMemoryBound(to: CChar.self))
            var inLeft = source.count
            while inLeft > 0 {
                var produced = 0
                let result: Int = chunk.withUnsafeMutableBufferPointer { out in
                    var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(out.baseAddress!).assumingMemoryBound(to: CChar.self)
                    var outLeft = out.count
                    var inOpt: UnsafeMutablePointer<CChar>? = inPtr
                    let r = iconv(cd, &inOpt, &inLeft, &outPtr, &outLeft)
                    inPtr = inOpt!
                    produced = out.count - outLeft
                    return r == -1 ? Int(errno) : 0
                }
                output += chunk[0..<produced]
                if result == 0 || result == E2BIG { continue }
                // EILSEQ (invalid) or EINVAL (cut short at the end).
                errors += 1
                output += replacement
                let skip = min(unit, inLeft)
                inPtr += skip
                inLeft -= skip
            }
        }
        return (output, errors)
    }
}
