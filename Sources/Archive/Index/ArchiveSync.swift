import Foundation
import WinnowCore

/// Keeps the index in step with the archive tree, which is the source of truth.
public struct ArchiveSync {
    public let store: ArchiveStore
    public let index: ArchiveIndex

    public init(store: ArchiveStore, index: ArchiveIndex) {
        self.store = store
        self.index = index
    }

    /// Differences between the archive and the index.
    public struct Report: Sendable, Equatable {
        /// Files in the archive that the index lacks (e.g. written just before a crash).
        public var missingFromIndex: [String] = []
        /// Index rows whose file is gone.
        public var missingFromArchive: [String] = []
        /// Files that could not be read as articles, with the reason.
        public var unreadable: [String] = []
        public var isClean: Bool { missingFromIndex.isEmpty && missingFromArchive.isEmpty }
    }

    public func compare() throws -> Report {
        let files = store.allArticlePaths()
        let indexed = try index.articlePaths()
        var report = Report()
        report.missingFromIndex = files.filter { !indexed.contains($0) }
        let fileSet = Set(files)
        report.missingFromArchive = indexed.filter { !fileSet.contains($0) }.sorted()
        return report
    }

    /// Indexes orphaned files and drops rows of deleted files; returns what was done.
    /// `signature` computes a dedupe signature for an article being (re)indexed.
    @discardableResult
    public func repair(signature: (Article) -> [UInt8]? = { _ in nil }) throws -> Report {
        var report = try compare()
        var unreadable: [String] = []
        try index.transaction {
            for path in report.missingFromArchive { try index.removeArticle(path: path) }
            for path in report.missingFromIndex {
                do {
                    let article = try store.read(path)
                    if try index.article(id: article.id) != nil {
                        unreadable.append("\(path): id \(article.id) is already indexed for another file")
                        continue
                    }
                    try index.insert(article, path: path, signature: signature(article))
                } catch let error as InputError {
                    unreadable.append("\(path): \(error.message)")
                }
            }
        }
        report.unreadable = unreadable
        return report
    }

    /// Rebuilds the article table from the files alone; returns the number indexed.
    @discardableResult
    public func rebuild(signature: (Article) -> [UInt8]? = { _ in nil }, progress: (Int, Int) -> Void = { _, _ in }) throws -> (indexed: Int, unreadable: [String]) {
        let files = store.allArticlePaths()
        var unreadable: [String] = []
        var count = 0
        try index.transaction {
            try index.database.execute("DELETE FROM articles")
            for (i, path) in files.enumerated() {
                progress(i + 1, files.count)
                do {
                    let article = try store.read(path)
                    if try index.article(id: article.id) != nil {
                        unreadable.append("\(path): id \(article.id) is already indexed for another file")
                        continue
                    }
                    try index.insert(article, path: path, signature: signature(article))
                    count += 1
                } catch let error as InputError {
                    unreadable.append("\(path): \(error.message)")
                }
            }
        }
        return (count, unreadable)
    }
}
