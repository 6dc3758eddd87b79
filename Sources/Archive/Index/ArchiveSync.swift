import Foundation
import WinnowCore

/// Start-up found most of the index's articles missing from the archive: more likely an
/// unmounted or emptied archive folder than a person deleting files, so nothing is pruned.
public struct ArchiveSyncError: Error, CustomStringConvertible, Sendable {
    public var archive: String
    public var missing: Int
    public var indexed: Int
    public var description: String {
        "\(missing) of \(indexed) indexed articles are missing from \(archive) (is it mounted?); "
            + "refusing to drop them from the index at start-up. If the files are really gone, run `winnow reindex`"
    }
}

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
        /// Files whose content no longer matches their index row (edited by hand), with what differs.
        public var changed: [String] = []
        /// Duplicate and failure records: in the archive's ledger vs in the index.
        public var ledgerDuplicates = 0, indexedDuplicates = 0
        public var ledgerFailures = 0, indexedFailures = 0
        /// Files that could not be read as articles, with the reason.
        public var unreadable: [String] = []
        /// Search-table rows that do not hold their file's title and body (or are missing).
        public var searchDiffers: [String] = []
        /// Articles the writer has indexed but whose text is not yet searchable.
        public var searchUnfilled = false
        public var isClean: Bool {
            missingFromIndex.isEmpty && missingFromArchive.isEmpty && changed.isEmpty && searchDiffers.isEmpty && !searchUnfilled
                && ledgerDuplicates == indexedDuplicates && ledgerFailures == indexedFailures
        }
    }

    /// The list of files against the list of rows (cheap: no file is read). A reader
    /// passes `removeTemporaries: false` so that comparing changes nothing.
    public func compare(removeTemporaries: Bool = true, settledFor age: TimeInterval = 0) throws -> Report {
        let files = store.allArticlePaths(removeTemporaries: removeTemporaries, olderThan: age)
        let indexed = try index.articlePaths()
        var report = Report()
        // A file younger than `age` may be another node's, published and not yet committed.
        let cutoff = Date().timeIntervalSince1970 - age
        report.missingFromIndex = files.filter { path in
            guard !indexed.contains(path) else { return false }
            guard age > 0 else { return true }
            var st = stat()
            return lstat(store.root + "/" + path, &st) == 0 && Double(st.st_mtim.tv_sec) <= cutoff
        }
        let fileSet = Set(files)
        report.missingFromArchive = indexed.filter { !fileSet.contains($0) }.sorted()
        return report
    }

    /// `compare()` plus every file read and checked against its row (id, title, body
    /// hash, dates, URL, origin) and its search text, and the ledger's records against the index's.
    public func compareContent() throws -> Report {
        var report = try compare(removeTemporaries: false)
        let rows = Dictionary(try index.allArticles().map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        var texts: [String: (title: String, body: String)] = [:]
        let searchable = try index.hasSearchTable()
        if searchable {
            try index.searchTexts { path, title, body in texts[path] = (title, body) }
            report.searchUnfilled = try !index.isSearchFilled()
        } else {
            report.searchUnfilled = !rows.isEmpty
        }
        let missing = Set(report.missingFromIndex)
        for path in store.allArticlePaths(removeTemporaries: false) where !missing.contains(path) {
            guard let row = rows[path] else { continue }
            let article: Article
            do { article = try store.read(path) } catch {
                report.unreadable.append("\(path): \(error.message)")
                report.changed.append("\(path): unreadable")
                continue
            }
            var differences: [String] = []
            if article.id != row.id { differences.append("id") }
            if article.title != row.title { differences.append("title") }
            if article.contentHash != row.contentHash { differences.append("body") }
            if article.published?.rfc3339 != row.published { differences.append("published") }
            if article.ingested.rfc3339 != row.ingested { differences.append("ingested") }
            if article.url != row.url { differences.append("url") }
            if article.origin != row.origin { differences.append("origin") }
            if searchable {
                if let text = texts[path] {
                    if text.title != article.title || text.body != article.body { report.searchDiffers.append("\(path): search text differs") }
                } else {
                    report.searchDiffers.append("\(path): not in the search index")
                }
            }
            if !differences.isEmpty { report.changed.append("\(path): \(differences.joined(separator: ", ")) differ") }
        }
        let ledger = store.ledger.records()
        let decisions = try index.decisions()
        report.ledgerDuplicates = ledger.duplicates.count
        report.ledgerFailures = ledger.failures.count
        report.indexedDuplicates = decisions.duplicates.count
        report.indexedFailures = decisions.failures.count
        if searchable, try index.searchRowCount() != texts.count { report.searchDiffers.append("search rows without an article") }
        return report
    }

    /// Indexes orphaned files and drops rows of deleted files; returns what was done.
    /// `signature` computes a dedupe signature for an article being (re)indexed.
    ///
    /// Refuses (throws `ArchiveSyncError`, changing nothing) to drop every row, or more
    /// than `maxPruneShare` of them (at least 5 rows are always allowed): an unmounted
    /// archive must not empty the index. `winnow reindex` is the explicit way.
    @discardableResult
    public func repair(signature: (Article) -> [UInt8]? = { _ in nil }, maxPruneShare: Double = 0.1) throws -> Report {
        // Shared index: files younger than any batch lasts may be another node's, mid-commit.
        var report = try compare(settledFor: index.isShared ? 600 : 0)
        let pruning = report.missingFromArchive.count
        if pruning > 0 {
            let indexed = try index.articleCount()
            if pruning >= indexed || pruning > max(5, Int(Double(indexed) * maxPruneShare)) {
                throw ArchiveSyncError(archive: store.root, missing: pruning, indexed: indexed)
            }
        }
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
        if try !index.isSearchFilled() { report.unreadable += try fillSearch() }
        return report
    }

    /// Puts every indexed article's text into the search table (an index made before
    /// search existed), reading the files, in one transaction; returns unreadable files.
    func fillSearch() throws -> [String] {
        var unreadable: [String] = []
        try index.transaction {
            try index.clearSearchText()
            for row in try index.allArticles() {
                do {
                    try index.insertSearchText(try store.read(row.path), path: row.path)
                } catch let error as InputError {
                    unreadable.append("\(row.path): \(error.message) (not searchable)")
                }
            }
            try index.markSearchFilled()
        }
        return unreadable
    }

    /// What `rebuild` did.
    public struct Rebuilt: Sendable {
        public var indexed = 0
        public var duplicates = 0
        public var failures = 0
        public var unreadable: [String] = []
    }

    /// Rebuilds the article, duplicate and failure tables from the archive alone (the
    /// files and the ledger), in one transaction.
    @discardableResult
    public func rebuild(signature: (Article) -> [UInt8]? = { _ in nil }, progress: (Int, Int) -> Void = { _, _ in }) throws -> Rebuilt {
        let files = store.allArticlePaths()
        let ledger = store.ledger.records()
        var result = Rebuilt()
        try index.transaction {
            try index.database.execute("DELETE FROM articles; DELETE FROM duplicates; DELETE FROM failures;")
            try index.clearSearchText()
            for (i, path) in files.enumerated() {
                progress(i + 1, files.count)
                do {
                    let article = try store.read(path)
                    if try index.article(id: article.id) != nil {
                        result.unreadable.append("\(path): id \(article.id) is already indexed for another file")
                        continue
                    }
                    try index.insert(article, path: path, signature: signature(article))
                    result.indexed += 1
                } catch let error as InputError {
                    result.unreadable.append("\(path): \(error.message)")
                }
            }
            for record in ledger.duplicates { try index.insert(record) }
            for record in ledger.failures { try index.insert(record) }
            try index.markSearchFilled()
        }
        result.duplicates = ledger.duplicates.count
        result.failures = ledger.failures.count
        if ledger.unreadable > 0 { result.unreadable.append("\(store.ledger.folder): \(ledger.unreadable) unreadable ledger lines skipped") }
        return result
    }
}
