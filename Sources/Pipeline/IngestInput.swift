import Foundation
import Extract
import WinnowCore

/// One document entering the pipeline: raw bytes plus where they came from.
public struct IngestInput: Sendable {
    public var bytes: [UInt8]
    public var kind: InputKind
    /// Inbox file name, file path (`winnow ingest`) or feed URL; recorded as `origin`.
    public var origin: String
    /// The article's URL when known (feed entries).
    public var url: String?
    /// Charset from an HTTP `Content-Type` header, if any.
    public var charset: String?
    /// A name for the source (feed title or site), when the document itself names none.
    public var sourceName: String?
    /// Metadata and text to fall back on when extraction yields nothing (a feed entry's own
    /// content).
    public var fallback: ExtractedDocument?

    public init(bytes: [UInt8], kind: InputKind, origin: String, url: String? = nil, charset: String? = nil,
                sourceName: String? = nil, fallback: ExtractedDocument? = nil) {
        self.bytes = bytes
        self.kind = kind
        self.origin = origin
        self.url = url
        self.charset = charset
        self.sourceName = sourceName
        self.fallback = fallback
    }

    /// Hash of the raw bytes: identifies the same input across restarts.
    public var inputHash: String { Hash64.hex(Hash64.hash(bytes)) }
}

/// What became of an input.
public struct IngestResult: Sendable, Equatable {
    public enum Status: String, Sendable { case stored, duplicate, failed }
    public var status: Status
    public var origin: String
    public var id: String?
    /// Path relative to the archive root.
    public var path: String?
    public var title: String?
    public var published: Date?
    public var duplicateOf: String?
    public var similarity: Double?
    public var containment: Double?
    public var error: String?
    /// How a duplicate was found: "exact" (same normalised body) or "near" (log only).
    public var match: String?

    public init(status: Status, origin: String) {
        self.status = status
        self.origin = origin
    }

    /// The `winnow ingest` output line for this result.
    public func jsonLine(file: String) -> String {
        var line = JSONLine()
        line.add("file", file)
        line.add("status", status.rawValue)
        line.add("id", id)
        line.add("path", path)
        line.add("title", title)
        line.add("published", published?.rfc3339)
        line.add("duplicate_of", duplicateOf)
        line.add("similarity", similarity)
        line.add("containment", containment)
        line.add("error", error)
        return line.string
    }
}
