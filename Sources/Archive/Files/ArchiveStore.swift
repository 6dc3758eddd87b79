import Foundation
import WinnowCore

/// The dated folder tree of article files: `<root>/YYYY/MM/DD/<slug>.md`.
public struct ArchiveStore: Sendable {
    public let root: String
    /// The cluster node writing through this store (nil on one machine): its ledger lines
    /// go to files of its own, as nodes share the archive.
    public let node: String?

    public init(root: String, node: String? = nil) {
        self.root = root
        self.node = node
    }

    /// Duplicate and failure records kept beside the articles.
    public var ledger: DecisionLedger { DecisionLedger(archiveRoot: root, node: node) }

    /// Writes a new article file atomically and returns its path relative to the root.
    /// An existing file is never replaced: a taken slug gets `-2`, `-3`… — unless the file
    /// under that name is this very article from this very input (an earlier attempt whose
    /// indexing failed or was cut short), which is reused instead of written again.
    ///
    /// With `syncFolder: false` the new name is not yet durable: the caller fsyncs the
    /// folder (`FileOps.syncDirectory(root + "/" + folder)`) once for a whole batch.
    public func write(_ article: Article, syncFolder: Bool = true) throws(FileError) -> String {
        let day = article.filingDate.utcDay  // YYYY-MM-DD
        let folder = day.replacingOccurrences(of: "-", with: "/")
        let directory = root + "/" + folder
        try FileOps.makeDirectory(directory)
        let bytes = Array(ArticleFile.render(article).utf8)
        let temp = try FileOps.writeTemporary(bytes, in: directory, hint: "article")
        let slug = Slug.make(article.title, fallback: article.id)
        for attempt in 1...10_000 {
            let name = Slug.candidate(slug, attempt: attempt) + ".md"
            if try FileOps.publishNew(temp, as: directory + "/" + name) {
                if syncFolder { FileOps.syncDirectory(directory) }
                return folder + "/" + name
            }
            if isEarlierCopy(of: article, at: folder + "/" + name) {
                unlink(temp)
                return folder + "/" + name
            }
        }
        unlink(temp)
        throw FileError(path: directory + "/" + slug, operation: "name", code: EEXIST)
    }

    /// An article file written under a temporary name with its final name chosen; the
    /// batch makes it durable and publishes it (`publish`). `temp` is nil when the name
    /// already holds this very article (an earlier attempt's file, reused).
    public struct Staged: Sendable {
        public var path: String
        public var temp: String?
    }

    /// Writes an article's file under a temporary name (no fsync) and picks its final name:
    /// free on disk and not `reserved` by an earlier article of the batch.
    /// `slug`, when given, is `Slug.make(article.title, fallback: article.id)` made beforehand
    /// (it transliterates, which is not free: the pipeline makes it on its workers).
    public func stage(_ article: Article, slug: String? = nil, reserved: inout Set<String>) throws(FileError) -> Staged {
        let folder = article.filingDate.utcDay.replacingOccurrences(of: "-", with: "/")
        let directory = root + "/" + folder
        try FileOps.makeDirectory(directory)
        let slug = slug ?? Slug.make(article.title, fallback: article.id)
        for attempt in 1...10_000 {
            let path = folder + "/" + Slug.candidate(slug, attempt: attempt) + ".md"
            if reserved.contains(path) { continue }
            var st = stat()
            if lstat(root + "/" + path, &st) == 0 {
                guard isEarlierCopy(of: article, at: path) else { continue }
                reserved.insert(path)
                return Staged(path: path, temp: nil)
            }
            let temp = try FileOps.writeTemporary(Array(ArticleFile.render(article).utf8), in: directory, hint: "article", sync: false)
            reserved.insert(path)
            return Staged(path: path, temp: temp)
        }
        throw FileError(path: directory + "/" + slug, operation: "name", code: EEXIST)
    }

    /// Publishes staged files under their names, never replacing a file. Their data must
    /// already be durable; their folders are made durable by the caller.
    public func publish(_ staged: [Staged]) throws(FileError) {
        for item in staged {
            guard let temp = item.temp else { continue }
            guard try FileOps.publishNew(temp, as: root + "/" + item.path) else {
                throw FileError(path: root + "/" + item.path, operation: "publish", code: EEXIST)
            }
        }
    }

    /// Removes a staged file that was not published.
    public func discard(_ staged: Staged) {
        if let temp = staged.temp { unlink(temp) }
    }

    private func isEarlierCopy(of article: Article, at relativePath: String) -> Bool {
        guard let existing = try? read(relativePath) else { return false }
        return existing.id == article.id && existing.inputHash == article.inputHash && existing.origin == article.origin
    }

    /// Unpublishes an article file whose indexing failed, so that no file stays in the
    /// archive without its index row (and a retry does not add a second copy).
    public func remove(_ relativePath: String) {
        let path = root + "/" + relativePath
        guard unlink(path) == 0 else { return }
        FileOps.syncDirectory((path as NSString).deletingLastPathComponent)
    }

    /// Every article file's relative path, sorted; leftover temp files are removed on the way
    /// (they are never complete articles).
    /// `olderThan`: only temporaries last changed at least that many seconds ago are
    /// removed, so that on an archive several nodes share, another node's batch in flight
    /// is not disturbed.
    public func allArticlePaths(removeTemporaries: Bool = true, olderThan age: TimeInterval = 0) -> [String] {
        let cutoff = Date().addingTimeInterval(-age)
        func settled(_ item: String) -> Bool {
            guard age > 0 else { return true }
            var st = stat()
            guard lstat(root + "/" + item, &st) == 0 else { return false }
            return Double(st.st_mtim.tv_sec) <= cutoff.timeIntervalSince1970
        }
        var paths: [String] = []
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        while let item = enumerator.nextObject() as? String {
            let name = (item as NSString).lastPathComponent
            if name.hasPrefix(".") {
                if name.hasSuffix(".tmp"), removeTemporaries, settled(item) { unlink(root + "/" + item) }
                if (enumerator.fileAttributes?[.type] as? FileAttributeType) == .typeDirectory { enumerator.skipDescendants() }
                continue
            }
            if name.hasSuffix(".md") { paths.append(item) }
        }
        return paths.sorted()
    }

    /// Reads and parses one article file.
    public func read(_ relativePath: String) throws(InputError) -> Article {
        let bytes: [UInt8]
        do { bytes = try FileOps.read(root + "/" + relativePath, limit: 64 * 1024 * 1024) } catch { throw InputError(error.description) }
        return try ArticleFile.parse(String(decoding: bytes, as: UTF8.self))
    }
}
