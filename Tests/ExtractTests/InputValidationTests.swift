import Testing
import WinnowCore
@testable import Extract

@Suite struct InputValidationTests {
    func reason(_ bytes: [UInt8], _ kind: InputKind, maxBytes: Int = Extractor.defaultMaxBytes) -> String? {
        do { _ = try Extractor.extract(bytes, kind: kind, maxBytes: maxBytes); return nil } catch { return error.message }
    }

    @Test func refusesBadInputWithAReason() {
        #expect(reason([], .text) == "file is empty")
        #expect(reason([0x7F, 0x45, 0x4C, 0x46, 0, 0, 1, 2], .html) == "file looks binary, not text or HTML")
        #expect(reason(Array("Caf\u{E9}".utf8) + [0xE9, 0x20], .text)?.hasPrefix("file is not valid UTF-8 text (invalid byte at offset 5)") == true)
        #expect(reason(Array(repeating: 0x41, count: 100), .text, maxBytes: 50) == "file is 100 bytes, over the limit of 50 bytes")
        #expect(reason(Array("<html><body><script>x()</script></body></html>".utf8), .html) == "no article text found")
    }
}
