import CICU
import Foundation
import Synchronization

/// ICU's `Any-Latin; Latin-ASCII` transliterator, built once and reused. Building one
/// takes milliseconds (it compiles dozens of rule sets), running it microseconds, and
/// every stored article in another script needs one for its file name.
enum Transliteration {
    static let id = "Any-Latin; Latin-ASCII"

    /// Open transliterators not in use. An ICU transliterator serves one thread at a time;
    /// extraction workers take one from here, or open another when all are busy.
    private static let idle = Mutex<[Handle]>([])

    /// An open transliterator, passed between threads but used by one at a time.
    private struct Handle: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    /// `text` in Latin letters (ASCII with marks folded as ICU folds them); nil when ICU
    /// cannot open the transliterator or fails on this text.
    static func toLatin(_ text: String) -> String? {
        guard let handle = take() else { return nil }
        defer { idle.withLock { $0.append(handle) } }
        let transliterator = handle.pointer
        let units = Array(text.utf16)
        var capacity = units.count * 8 + 16
        for _ in 0..<4 {
            var buffer = units + [UInt16](repeating: 0, count: capacity - units.count)
            let length = buffer.withUnsafeMutableBufferPointer {
                winnow_transliterator_run(transliterator, $0.baseAddress, Int32(units.count), Int32(capacity))
            }
            if length < 0 { return nil }
            if Int(length) <= capacity { return String(decoding: buffer[..<Int(length)], as: UTF16.self) }
            capacity = max(Int(length), capacity * 4)
        }
        return nil
    }

    private static func take() -> Handle? {
        if let ready = idle.withLock({ $0.popLast() }) { return ready }
        let name = Array(id.utf16)
        return name.withUnsafeBufferPointer { winnow_transliterator_open($0.baseAddress, Int32(name.count)) }.map(Handle.init)
    }
}
