import Foundation
import WinnowCore

/// The archive's own Atom feed, `<archive>/feed.atom`: the latest stored articles with
/// their full clean text and the other publications of each story.
public struct OutboundFeed {
    public let store: ArchiveStore
    public let index: ArchiveIndex

    public init(store: ArchiveStore, index: ArchiveIndex) {
        self.store = store
        self.index = index
    }

    /// Where the daemon keeps the feed.
    public static func path(archive: String) -> String { archive + "/feed.atom" }

    /// The feed's permanent id, from the archive folder.
    public var feedID: String { "urn:winnow:feed:" + Hash64.hex(Hash64.hash(store.root)) }

    /// The feed text for a slice of the archive, newest first. Articles whose file cannot be
    /// read are left out and named in `skipped`.
    public func render(limit: Int, since: String? = nil, source: String? = nil) throws -> (text: String, skipped: [String]) {
        var entries: [AtomFeed.Entry] = []
        var skipped: [String] = []
        for row in try index.latestArticles(limit: limit, since: since, source: source) {
            do {
                entries.append(AtomFeed.Entry(article: try store.read(row.path), related: try index.duplicates(of: row.id)))
            } catch let error as InputError {
                skipped.append("\(row.path): \(error.message)")
            }
        }
        return (AtomFeed.render(entries, id: feedID), skipped)
    }

    /// Rewrites `<archive>/feed.atom` with the last `entries` articles: temp file, fsync,
    /// rename, so a reader sees the old feed or the new one, never half of one.
    @discardableResult
    public func write(entries: Int) throws -> [String] {
        let (text, skipped) = try render(limit: entries)
        try FileOps.writeAtomically(Array(text.utf8), to: Self.path(archive: store.root))
        return skipped
    }
}
