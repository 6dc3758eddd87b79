import Foundation

/// The connection under an `ArchiveIndex`: SQLite (one machine, the default) or PostgreSQL
/// (several nodes sharing one index). The index writes its SQL once, in the subset both
/// understand (`?` placeholders, `ON CONFLICT`, savepoints); the few places that differ
/// (schema, migrations, search) ask `isPostgres`. Not thread-safe: use it from one queue.
public final class IndexDatabase {
    public enum Backend {
        case sqlite(SQLiteDatabase)
        case postgres(PostgresConnection)
    }

    public let backend: Backend
    private var transactionDepth = 0
    /// Work waiting for the end of the open transaction (`deferUntilCommit`); the first
    /// of it is number `deferredBase` of this transaction's deferrals.
    private var deferred: [() throws -> Void] = []
    private var deferredBase = 0
    /// Deferrals held at most: past this many they run at once (a rebuild indexes a whole
    /// archive in one transaction, and each holds an article's text).
    static let deferredLimit = 256

    public init(_ backend: Backend) { self.backend = backend }

    public var isPostgres: Bool {
        if case .postgres = backend { return true }
        return false
    }

    /// The SQLite connection, for the SQLite-only fast paths (nil on PostgreSQL).
    public var sqlite: SQLiteDatabase? {
        if case .sqlite(let db) = backend { return db }
        return nil
    }

    /// The PostgreSQL connection, for cluster coordination (nil on SQLite).
    public var postgres: PostgresConnection? {
        if case .postgres(let connection) = backend { return connection }
        return nil
    }

    /// Runs statements without parameters.
    public func execute(_ sql: String) throws {
        switch backend {
        case .sqlite(let db): try db.execute(sql)
        case .postgres(let connection): try connection.execute(sql)
        }
    }

    public func prepare(_ sql: String) throws -> IndexStatement {
        switch backend {
        case .sqlite(let db): return IndexStatement(kind: .sqlite(try db.prepare(sql)))
        case .postgres(let connection): return IndexStatement(kind: .postgres(connection, Self.numberedPlaceholders(sql)))
        }
    }

    /// A statement kept for reuse on SQLite (hot inserts: preparing costs as much as a small
    /// insert); PostgreSQL gets the text each time.
    public func cached(_ sql: String) throws -> IndexStatement {
        switch backend {
        case .sqlite(let db): return IndexStatement(kind: .sqlite(try db.cached(sql)))
        case .postgres(let connection): return IndexStatement(kind: .postgres(connection, Self.numberedPlaceholders(sql)))
        }
    }

    /// Rows changed by the last statement.
    public var changes: Int {
        switch backend {
        case .sqlite(let db): return db.changes
        case .postgres(let connection): return connection.changes
        }
    }

    /// Runs `body` as one unit, undone whole when it throws: a transaction, or inside one a
    /// savepoint of it. Statements deferred inside it run just before the outermost unit
    /// commits, inside the transaction; a unit rolled back drops those it deferred.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        let nested = transactionDepth > 0
        let name = "unit\(transactionDepth)"
        let mark = deferredBase + deferred.count
        try execute(nested ? "SAVEPOINT \(name)" : isPostgres ? "BEGIN" : "BEGIN IMMEDIATE")
        transactionDepth += 1
        defer {
            transactionDepth -= 1
            if !nested { deferredBase = 0 }
        }
        do {
            let value = try body()
            if !nested { try runDeferred() }
            try execute(nested ? "RELEASE SAVEPOINT \(name)" : "COMMIT")
            return value
        } catch {
            try? execute(nested ? "ROLLBACK TO SAVEPOINT \(name); RELEASE SAVEPOINT \(name)" : "ROLLBACK")
            // What this unit deferred and already ran, the rollback undid; the rest goes here.
            let kept = max(0, mark - deferredBase)
            if kept < deferred.count { deferred.removeSubrange(kept...) }
            throw error
        }
    }

    /// Runs `work` at the end of the open transaction, just before it commits (at once
    /// outside one). For writes that are cheaper done together: FTS5 writes its pending
    /// terms out as a new segment at every savepoint, so an article's search text inserted
    /// beside its row, under the row's savepoint, made one segment per article.
    public func deferUntilCommit(_ work: @escaping () throws -> Void) throws {
        guard inTransaction else { return try work() }
        deferred.append(work)
        if deferred.count >= Self.deferredLimit { try runDeferred() }
    }

    private func runDeferred() throws {
        let pending = deferred
        deferredBase += pending.count
        deferred.removeAll(keepingCapacity: true)
        for work in pending { try work() }
    }

    /// True inside `transaction`.
    public var inTransaction: Bool { transactionDepth > 0 }

    /// `?` placeholders as PostgreSQL's `$1…$n` (quoted text and identifiers left alone).
    static func numberedPlaceholders(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var quote: Character?
        var number = 0
        for c in sql {
            if let q = quote {
                if c == q { quote = nil }
                out.append(c)
            } else if c == "'" || c == "\"" {
                quote = c
                out.append(c)
            } else if c == "?" {
                number += 1
                out += "$\(number)"
            } else {
                out.append(c)
            }
        }
        return out
    }
}

/// A statement ready to run with values.
public final class IndexStatement {
    enum Kind {
        case sqlite(SQLiteStatement)
        case postgres(PostgresConnection, String)
    }

    let kind: Kind
    init(kind: Kind) { self.kind = kind }

    /// Executes a statement that returns no rows.
    public func run(_ values: [SQLValue] = []) throws {
        switch kind {
        case .sqlite(let statement): try statement.run(values)
        case .postgres(let connection, let sql): try connection.query(sql, values)
        }
    }

    /// Executes a query and calls `row` for every result row.
    public func query(_ values: [SQLValue] = [], row: (IndexRow) throws -> Void) throws {
        switch kind {
        case .sqlite(let statement):
            try statement.query(values) { try row(IndexRow(kind: .sqlite($0))) }
        case .postgres(let connection, let sql):
            let result = try connection.query(sql, values)
            for i in 0..<result.rowCount { try row(IndexRow(kind: .postgres(result, i))) }
        }
    }

    /// The rows of a query, materialised.
    public func all(_ values: [SQLValue] = []) throws -> [[SQLValue]] {
        var rows: [[SQLValue]] = []
        try query(values) { rows.append($0.values) }
        return rows
    }
}

/// A result row, valid only inside the `query` callback.
public struct IndexRow {
    enum Kind {
        case sqlite(SQLiteRow)
        case postgres(PostgresResult, Int)
    }

    let kind: Kind

    public var count: Int {
        switch kind {
        case .sqlite(let r): return r.count
        case .postgres(let result, _): return result.columnCount
        }
    }

    public func string(_ i: Int) -> String? {
        switch kind {
        case .sqlite(let r): return r.string(i)
        case .postgres(let result, let row): return result.string(row, i)
        }
    }

    public func int(_ i: Int) -> Int? {
        switch kind {
        case .sqlite(let r): return r.int(i)
        case .postgres(let result, let row): return result.int(row, i)
        }
    }

    public func double(_ i: Int) -> Double? {
        switch kind {
        case .sqlite(let r): return r.double(i)
        case .postgres(let result, let row): return result.double(row, i)
        }
    }

    public func blob(_ i: Int) -> [UInt8]? {
        switch kind {
        case .sqlite(let r): return r.blob(i)
        case .postgres(let result, let row): return result.blob(row, i)
        }
    }

    public var values: [SQLValue] {
        switch kind {
        case .sqlite(let r): return r.values
        case .postgres(let result, let row): return (0..<result.columnCount).map { result.value(row, $0) }
        }
    }
}
