import CICU
import Synchronization

/// ICU's `Any-Latin; Latin-ASCII` transliterator, built once and shared. Building one
/// takes milliseconds, and it builds each script's rules (Han's are large) again inside
/// every new instance, while running it on a title takes microseconds: one instance,
/// used under a lock, costs less than one per thread.
enum Transliteration {
    static let id = "Any-Latin; Latin-ASCII"

    /// The transliterator; nil until first used, and nil after ICU refused to open it.
    private static let shared = Mutex<(opened: Bool, handle: Handle?)>((false, nil))

    /// An open transliterator, used by one thread at a time (under `shared`'s lock).
    private struct Handle: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    /// `text` in Latin letters (ASCII with marks folded as ICU folds them); nil when ICU
    /// cannot open the transliterator or fails on this text.
    static func toLatin(_ text: String) -> String? {
        let units = Array(text.utf16)
        return shared.withLock { state -> String? in
            if !state.opened {
                state.opened = true
                let name = Array(id.utf16)
                state.handle = name.withUnsafeBufferPointer { winnow_transliterator_open($0.baseAddress, Int32(name.count)) }.map(Handle.init)
            }
            guard let transliterator = state.handle?.pointer else { return nil }
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
    }
}
