import CLibPQ
import Foundation

/// An error from PostgreSQL: its SQLSTATE code (e.g. `23505` unique violation) and message.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    public var sqlState: String
    public var message: String
    public var description: String { "postgresql error \(sqlState): \(message)" }

    /// A unique or primary-key constraint refused the row.
    public var isUniqueViolation: Bool { sqlState == "23505" }
}

/// One libpq connection, synchronous like the rest of the index code. Not thread-safe:
/// confine it to one queue. Values go out as text (blobs as binary `bytea`) and come back
/// as text, so no type is guessed on either side.
public final class PostgresConnection {
    let handle: OpaquePointer
    /// Rows the last command changed (`UPDATE`, `INSERT … ON CONFLICT DO NOTHING`).
    public private(set) var changes = 0

    /// Connects with a libpq connection string (`postgresql://…` or `key=value …`). The
    /// password comes from the string, `PGPASSWORD`, or the file `PGPASSFILE`/`~/.pgpass`
    /// names (libpq's own rules); errors never repeat the string.
    public init(_ conninfo: String) throws(PostgresError) {
        guard let connection = PQconnectdb(conninfo) else { throw PostgresError(sqlState: "08001", message: "out of memory") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(connection))
            PQfinish(connection)
            throw PostgresError(sqlState: "08001", message: "cannot connect to PostgreSQL at \(Self.redacted(conninfo)): \(message)")
        }
        handle = connection
        // libpq prints server notices ("relation already exists, skipping") on stderr by default.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
    }

    deinit { PQfinish(handle) }

    /// A connection string with any password replaced, for logs and errors.
    public static func redacted(_ conninfo: String) -> String {
        var text = conninfo
        if let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") {
            let credentials = text[scheme.upperBound..<at]
            if let colon = credentials.firstIndex(of: ":") { text.replaceSubrange(colon..<at, with: ":***") }
        }
        return text.replacingOccurrences(of: #"password\s*=\s*\S+"#, with: "password=***", options: .regularExpression)
    }

    private static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown error" }
        return String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\n", with: "; ")
    }

    /// Runs one or more statements without parameters.
    public func execute(_ sql: String) throws(PostgresError) {
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result)
    }

    /// Runs one statement with `$1…$n` parameters and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ values: [SQLValue] = []) throws(PostgresError) -> PostgresResult {
        var texts: [UnsafeMutablePointer<CChar>?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        var types: [Oid] = []
        defer { for t in texts { free(t) } }
        for value in values {
            switch value {
            case .null: texts.append(nil); lengths.append(0); formats.append(0); types.append(0)
            case .integer(let v): texts.append(strdup(String(v))); lengths.append(0); formats.append(0); types.append(20)
            case .real(let v): texts.append(strdup(String(v))); lengths.append(0); formats.append(0); types.append(701)
            case .text(let v): texts.append(strdup(v)); lengths.append(0); formats.append(0); types.append(0)
            case .blob(let v):
                let copy = malloc(max(v.count, 1))!.assumingMemoryBound(to: CChar.self)
                v.withUnsafeBytes { if let base = $0.baseAddress { memcpy(copy, base, v.count) } }
                texts.append(copy); lengths.append(Int32(v.count)); formats.append(1); types.append(17)
            }
        }
        let result = texts.withUnsafeBufferPointer { textPointers in
            textPointers.withMemoryRebound(to: UnsafePointer<CChar>?.self) { pointers in
                PQexecParams(handle, sql, Int32(values.count), types, pointers.baseAddress, lengths, formats, 0)
            }
        }
        do {
            try check(result)
        } catch {
            PQclear(result)
            throw error
        }
        changes = Int(String(cString: PQcmdTuples(result))) ?? 0
        return PostgresResult(result!)
    }

    private func check(_ result: OpaquePointer?) throws(PostgresError) {
        guard let result else { throw PostgresError(sqlState: "08006", message: Self.trimmed(PQerrorMessage(handle))) }
        let status = PQresultStatus(result)
        guard status != PGRES_COMMAND_OK, status != PGRES_TUPLES_OK else { return }
        let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? "XX000"
        let primary = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) } ?? Self.trimmed(PQresultErrorMessage(result))
        throw PostgresError(sqlState: state, message: primary)
    }

    /// True while the connection is usable.
    public var isConnected: Bool { PQstatus(handle) == CONNECTION_OK }

    // MARK: Notifications

    /// The socket to wait on for `LISTEN` notifications.
    public var socket: Int32 { PQsocket(handle) }

    /// Notifications received so far (after `LISTEN channel`), each as (channel, payload).
    public func notifications() -> [(channel: String, payload: String)] {
        _ = PQconsumeInput(handle)
        var received: [(String, String)] = []
        while let notify = PQnotifies(handle) {
            received.append((String(cString: notify.pointee.relname), String(cString: notify.pointee.extra)))
            PQfreemem(notify)
        }
        return received
    }
}

/// The rows of one statement, as text; freed with the value.
public final class PostgresResult {
    let handle: OpaquePointer
    init(_ handle: OpaquePointer) { self.handle = handle }
    deinit { PQclear(handle) }

    public var rowCount: Int { Int(PQntuples(handle)) }
    public var columnCount: Int { Int(PQnfields(handle)) }

    func isNull(_ row: Int, _ column: Int) -> Bool { PQgetisnull(handle, Int32(row), Int32(column)) != 0 }

    public func string(_ row: Int, _ column: Int) -> String? {
        isNull(row, column) ? nil : String(cString: PQgetvalue(handle, Int32(row), Int32(column)))
    }

    public func int(_ row: Int, _ column: Int) -> Int? { string(row, column).flatMap { Int($0) } }

    public func double(_ row: Int, _ column: Int) -> Double? { string(row, column).flatMap { Double($0) } }

    /// A `bytea` column: PostgreSQL's text form is `\x` and two hex digits per byte.
    public func blob(_ row: Int, _ column: Int) -> [UInt8]? {
        guard !isNull(row, column), let value = PQgetvalue(handle, Int32(row), Int32(column)) else { return nil }
        let length = Int(PQgetlength(handle, Int32(row), Int32(column)))
        return UnsafeBufferPointer(start: value, count: length).withMemoryRebound(to: UInt8.self) { text in
            guard length >= 2, text[0] == UInt8(ascii: "\\"), text[1] == UInt8(ascii: "x") else { return Array(text) }
            func nibble(_ c: UInt8) -> UInt8 { c <= UInt8(ascii: "9") ? c &- 48 : (c | 0x20) &- 87 }
            var bytes = [UInt8](repeating: 0, count: (length - 2) / 2)
            for i in 0..<bytes.count { bytes[i] = nibble(text[2 + 2 * i]) << 4 | nibble(text[3 + 2 * i]) }
            return bytes
        }
    }

    /// A column's value typed by its PostgreSQL type.
    public func value(_ row: Int, _ column: Int) -> SQLValue {
        guard !isNull(row, column) else { return .null }
        switch PQftype(handle, Int32(column)) {
        case 16: return .integer(string(row, column) == "t" ? 1 : 0)
        case 20, 21, 23: return int(row, column).map { .integer(Int64($0)) } ?? .null
        case 700, 701, 1700: return double(row, column).map { .real($0) } ?? .null
        case 17: return .blob(blob(row, column) ?? [])
        default: return .text(string(row, column) ?? "")
        }
    }
}
