import CSQLite
import Foundation

/// An error from SQLite, with the statement or operation that failed.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public var code: Int32
    public var message: String
    public var description: String { "sqlite error \(code): \(message)" }
}

/// A minimal SQLite connection. Not thread-safe: confine it to one queue.
public final class SQLiteDatabase {
    let handle: OpaquePointer

    /// Opens `path`; `readOnly` never creates the file and refuses every write
    /// (`query_only`), so a reader cannot change what the writer owns.
    public init(path: String, readOnly: Bool = false) throws(SQLiteError) {
        var db: OpaquePointer?
        // A reader still opens read-write (without CREATE) when it can: a WAL database's
        // last connection then checkpoints and removes its -wal/-shm files on close,
        // instead of leaving them behind; `query_only` keeps it from writing data.
        let flags = readOnly ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        var rc = sqlite3_open_v2(path, &db, flags, nil)
        if readOnly, rc != SQLITE_OK, access(path, F_OK) == 0 {
            if let db { sqlite3_close(db) }
            db = nil
            rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
        }
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let db { sqlite3_close(db) }
            throw SQLiteError(code: rc, message: "\(path): \(message)")
        }
        handle = db
        sqlite3_busy_timeout(db, 5000)
        if readOnly { try execute("PRAGMA query_only=1") }
    }

    /// SQLite's own integrity check: nil when the file is sound, else its first complaints.
    public func integrityProblems(limit: Int = 5) -> String? {
        var problems: [String] = []
        do {
            try prepare("PRAGMA integrity_check(\(limit))").query { problems.append($0.string(0) ?? "") }
        } catch {
            return "\(error)"
        }
        return problems == ["ok"] ? nil : problems.joined(separator: "; ")
    }

    deinit { sqlite3_close_v2(handle) }

    public func execute(_ sql: String) throws(SQLiteError) {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "error"
            sqlite3_free(error)
            throw SQLiteError(code: rc, message: message)
        }
    }

    /// Statements kept prepared for the hot paths (`cached`), by their SQL.
    private var statements: [String: SQLiteStatement] = [:]

    /// A prepared statement kept for reuse (the article insert runs per stored article;
    /// preparing costs as much as a small insert). Statements reset after each use, and
    /// SQLite re-prepares one whose tables changed; only for statements never run from
    /// inside their own row callback.
    public func cached(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        if let statement = statements[sql] { return statement }
        let statement = try prepare(sql)
        statements[sql] = statement
        return statement
    }

    /// Forgets the kept statements (they hold the connection: its owner calls this when done).
    public func clearCachedStatements() { statements.removeAll() }

    public func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw SQLiteError(code: rc, message: "\(lastMessage) in: \(sql)") }
        return SQLiteStatement(statement, database: self)
    }

    var lastMessage: String { String(cString: sqlite3_errmsg(handle)) }

    public var changes: Int { Int(sqlite3_changes(handle)) }
}

/// A prepared statement; reset after each use.
public final class SQLiteStatement {
    let handle: OpaquePointer
    let database: SQLiteDatabase

    init(_ handle: OpaquePointer, database: SQLiteDatabase) {
        self.handle = handle
        self.database = database
    }

    deinit { sqlite3_finalize(handle) }

    public func bind(_ values: [SQLValue]) throws(SQLiteError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(handle, index)
            case .integer(let v): rc = sqlite3_bind_int64(handle, index, v)
            case .real(let v): rc = sqlite3_bind_double(handle, index, v)
            case .text(let v): rc = sqlite3_bind_text(handle, index, v, -1, winnow_sqlite_transient())
            case .blob(let v):
                rc = v.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), winnow_sqlite_transient()) }
            }
            guard rc == SQLITE_OK else { throw SQLiteError(code: rc, message: database.lastMessage) }
        }
    }

    /// Executes a statement that returns no rows.
    public func run(_ values: [SQLValue] = []) throws(SQLiteError) {
        try bind(values)
        let rc = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else { throw SQLiteError(code: rc, message: database.lastMessage) }
    }

    /// Executes a query and calls `row` for every result row.
    public func query(_ values: [SQLValue] = [], row: (SQLiteRow) throws -> Void) throws {
        try bind(values)
        defer { sqlite3_reset(handle) }
        while true {
            let rc = sqlite3_step(handle)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { throw SQLiteError(code: rc, message: database.lastMessage) }
            try row(SQLiteRow(handle: handle))
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
public struct SQLiteRow {
    let handle: OpaquePointer

    public var count: Int { Int(sqlite3_column_count(handle)) }

    public func string(_ i: Int) -> String? {
        guard sqlite3_column_type(handle, Int32(i)) != SQLITE_NULL, let text = sqlite3_column_text(handle, Int32(i)) else { return nil }
        return String(cString: text)
    }

    public func int(_ i: Int) -> Int? {
        sqlite3_column_type(handle, Int32(i)) == SQLITE_NULL ? nil : Int(sqlite3_column_int64(handle, Int32(i)))
    }

    public func double(_ i: Int) -> Double? {
        sqlite3_column_type(handle, Int32(i)) == SQLITE_NULL ? nil : sqlite3_column_double(handle, Int32(i))
    }

    public func blob(_ i: Int) -> [UInt8]? {
        guard sqlite3_column_type(handle, Int32(i)) != SQLITE_NULL else { return nil }
        let count = Int(sqlite3_column_bytes(handle, Int32(i)))
        guard count > 0, let pointer = sqlite3_column_blob(handle, Int32(i)) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    public var values: [SQLValue] {
        (0..<count).map { i in
            switch sqlite3_column_type(handle, Int32(i)) {
            case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, Int32(i)))
            case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, Int32(i)))
            case SQLITE_TEXT: return .text(string(i) ?? "")
            case SQLITE_BLOB: return .blob(blob(i) ?? [])
            default: return .null
            }
        }
    }
}
