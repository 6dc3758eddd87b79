import Foundation
import WinnowCore

/// The kinds of input Winnow cleans.
public enum InputKind: Sendable {
    case html
    case text

    /// The one classifier every command and the inbox use: the kind for a file name, or
    /// an error saying why Winnow does not take it.
    public static func of(fileName: String) throws(InputError) -> InputKind {
        if let kind = InputKind(fileName: fileName) { return kind }
        let ext = (fileName as NSString).pathExtension
        throw InputError("unsupported file type" + (ext.isEmpty ? " (no extension)" : " '.\(ext)'") + "; expected .html, .htm or .txt")
    }

    /// The kind for a file name, or nil when Winnow does not take such files.
    public init?(fileName: String) {
        switch (fileName as NSString).pathExtension.lowercased() {
        case "html", "htm", "xhtml": self = .html
        case "txt", "text": self = .text
        default: return nil
        }
    }
}

/// Entry point of the extraction stage: validates raw bytes and dispatches to the HTML
/// extractor or the text-clipping cleaner.
public enum Extractor {
    /// Inputs larger than this are refused before parsing.
    public static let defaultMaxBytes = 20 * 1024 * 1024

    /// Cleans `bytes`; throws an `InputError` saying why when they cannot yield an article.
    public static func extract(_ bytes: [UInt8], kind: InputKind, url: String? = nil, charset: String? = nil,
                               maxBytes: Int = defaultMaxBytes) throws(InputError) -> ExtractedDocument {
        if bytes.isEmpty { throw InputError("file is empty") }
        if bytes.count > maxBytes { throw InputError("file is \(bytes.count) bytes, over the limit of \(maxBytes) bytes") }
        // A UTF-16/32 byte-order mark is honoured: such input is full of NULs, so it is
        // transcoded to UTF-8 before the binary check.
        let bytes = TextDecoding.transcodeWide(bytes) ?? bytes
        if looksBinary(bytes) { throw InputError("file looks binary, not text or HTML") }
        var document: ExtractedDocument
        switch kind {
        case .html:
            document = HTMLExtractor.extract(bytes, url: url, charset: charset)
            // libxml2 decoded the text: marks are capped on the strings it gave.
            document.title = document.title.map { CombiningMarks.cap($0) }
            document.author = document.author.map { CombiningMarks.cap($0) }
            document.site = document.site.map { CombiningMarks.cap($0) }
            document.paragraphs = document.paragraphs.map { CombiningMarks.cap($0) }
        case .text:
            let text: String
            switch TextDecoding.decodeUTF8(bytes) {
            case .success(let s): text = s
            case .failure(let offset): throw InputError("file is not valid UTF-8 text (invalid byte at offset \(offset))")
            }
            document = TextCleaner.clean(text)
        }
        document.title = document.title.map(UnicodeForm.nfc)
        document.paragraphs = document.paragraphs.map(UnicodeForm.nfc)
        if document.paragraphs.isEmpty { throw InputError("no article text found") }
        if Garbled.isGarbled(title: document.title, paragraphs: document.paragraphs) {
            throw InputError("text is mostly replacement, unassigned or control characters (wrong or unknown charset)")
        }
        return document
    }

    /// More than a few NUL bytes or a high share of control bytes in the first 8 KiB mean a
    /// binary file. A handful of stray NULs occurs in real saved pages and is tolerated.
    static func looksBinary(_ bytes: [UInt8]) -> Bool {
        let sample = bytes.prefix(8192)
        var control = 0
        var nul = 0
        for b in sample {
            if b == 0 { nul += 1 }
            if b < 0x20, b != 0x09, b != 0x0A, b != 0x0D, b != 0x0C, b != 0x1B { control += 1 }
        }
        return nul > 16 || control * 20 > sample.count
    }
}
