import Foundation

/// Byte-to-text decoding shared by the HTML and text paths.
public enum TextDecoding {
    public enum UTF8Result { case success(String), failure(offset: Int) }

    /// Strict UTF-8 decoding (a leading BOM is dropped); reports the first bad offset. Runs
    /// of combining marks are capped (``CombiningMarks``) before the bytes become a `String`.
    public static func decodeUTF8(_ bytes: [UInt8]) -> UTF8Result {
        var slice = bytes[...]
        if slice.starts(with: [0xEF, 0xBB, 0xBF]) { slice = slice.dropFirst(3) }
        if let offset = firstInvalidUTF8(slice) { return .failure(offset: offset + (bytes.count - slice.count)) }
        return .success(String(decoding: CombiningMarks.cap(utf8: Array(slice)), as: UTF8.self))
    }

    /// Offset of the first byte that does not start or continue a valid UTF-8 sequence.
    public static func firstInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> Int? {
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let length: Int
            var minimum: UInt32
            var value: UInt32
            if b & 0xE0 == 0xC0 { length = 2; minimum = 0x80; value = UInt32(b & 0x1F) } else if b & 0xF0 == 0xE0 { length = 3; minimum = 0x800; value = UInt32(b & 0x0F) } else if b & 0xF8 == 0xF0 { length = 4; minimum = 0x10000; value = UInt32(b & 0x07) } else { return i - bytes.startIndex }
            guard i + length <= end else { return i - bytes.startIndex }
            for k in 1..<length {
                let c = bytes[i + k]
                guard c & 0xC0 == 0x80 else { return i - bytes.startIndex }
                value = value << 6 | UInt32(c & 0x3F)
            }
            if value < minimum || value > 0x10FFFF || (0xD800...0xDFFF).contains(value) { return i - bytes.startIndex }
            i += length
        }
        return nil
    }
}

extension TextDecoding {
    /// Unicode encodings announced by a byte-order mark.
    public enum ByteOrderMark: Equatable, Sendable {
        case utf8, utf16LE, utf16BE, utf32LE, utf32BE

        /// The mark `bytes` start with, if any. `FF FE 00 00` is UTF-32LE (not UTF-16LE
        /// starting with a NUL) when the length fits 4-byte units.
        public init?(_ bytes: [UInt8]) {
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { self = .utf8 }
            else if bytes.starts(with: [0xFF, 0xFE, 0, 0]), bytes.count % 4 == 0 { self = .utf32LE }
            else if bytes.starts(with: [0, 0, 0xFE, 0xFF]) { self = .utf32BE }
            else if bytes.starts(with: [0xFF, 0xFE]) { self = .utf16LE }
            else if bytes.starts(with: [0xFE, 0xFF]) { self = .utf16BE }
            else { return nil }
        }

        /// Length of the mark in bytes.
        public var length: Int {
            switch self {
            case .utf8: 3
            case .utf16LE, .utf16BE: 2
            case .utf32LE, .utf32BE: 4
            }
        }
    }

    /// UTF-8 bytes (without the mark) of input whose mark says UTF-16 or UTF-32; nil for any
    /// other input. Ill-formed units become U+FFFD. Wide input is full of NUL bytes, so it
    /// must be transcoded before the binary check, and the parsers then see plain UTF-8.
    public static func transcodeWide(_ bytes: [UInt8]) -> [UInt8]? {
        guard let mark = ByteOrderMark(bytes), mark != .utf8 else { return nil }
        let body = bytes[mark.length...]
        let text: String
        switch mark {
        case .utf16LE, .utf16BE:
            let big = mark == .utf16BE
            var units = [UInt16]()
            units.reserveCapacity(body.count / 2 + 1)
            var i = body.startIndex
            while i + 1 < body.endIndex {
                let (a, b) = (UInt16(body[i]), UInt16(body[i + 1]))
                units.append(big ? a << 8 | b : b << 8 | a)
                i += 2
            }
            if i < body.endIndex { units.append(0xFFFD) } // an odd trailing byte
            text = String(decoding: units, as: UTF16.self)
        case .utf32LE, .utf32BE:
            let big = mark == .utf32BE
            var units = [UInt32]()
            units.reserveCapacity(body.count / 4 + 1)
            var i = body.startIndex
            while i + 3 < body.endIndex {
                let b = (UInt32(body[i]), UInt32(body[i + 1]), UInt32(body[i + 2]), UInt32(body[i + 3]))
                units.append(big ? b.0 << 24 | b.1 << 16 | b.2 << 8 | b.3 : b.3 << 24 | b.2 << 16 | b.1 << 8 | b.0)
                i += 4
            }
            if i < body.endIndex { units.append(0xFFFD) }
            text = String(decoding: units, as: UTF32.self)
        case .utf8:
            return nil
        }
        return Array(text.utf8)
    }
}
