import Foundation

/// Byte-to-text decoding shared by the HTML and text paths.
public enum TextDecoding {
    public enum UTF8Result { case success(String), failure(offset: Int) }

    /// Strict UTF-8 decoding (a leading BOM is dropped); reports the first bad offset.
    public static func decodeUTF8(_ bytes: [UInt8]) -> UTF8Result {
        var slice = bytes[...]
        if slice.starts(with: [0xEF, 0xBB, 0xBF]) { slice = slice.dropFirst(3) }
        if let offset = firstInvalidUTF8(slice) { return .failure(offset: offset + (bytes.count - slice.count)) }
        return .success(String(decoding: slice, as: UTF8.self))
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
