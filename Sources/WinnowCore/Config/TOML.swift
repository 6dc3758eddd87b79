import Foundation

/// A value from a TOML document, with the line it was written on so that configuration
/// errors can name the place.
public indirect enum TOMLValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    case array([TOMLValue])
    case table(TOMLTable)
    case tables([TOMLTable])

    var typeName: String {
        switch self {
        case .string: return "string"
        case .integer: return "integer"
        case .float: return "float"
        case .boolean: return "boolean"
        case .array: return "array"
        case .table: return "table"
        case .tables: return "array of tables"
        }
    }
}

/// A TOML table that remembers the line of each key.
public struct TOMLTable: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var value: TOMLValue
        public var line: Int
    }
    public var entries: [String: Entry] = [:]
    public var order: [String] = []
    /// The line of the `[header]` that opened this table (0 for the root).
    public var line: Int = 0

    public init(line: Int = 0) { self.line = line }

    subscript(key: String) -> Entry? { entries[key] }

    mutating func set(_ key: String, _ value: TOMLValue, line: Int) {
        if entries[key] == nil { order.append(key) }
        entries[key] = Entry(value: value, line: line)
    }
}

/// A syntax error in a TOML document.
public struct TOMLError: Error, CustomStringConvertible, Sendable {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
}

/// A parser for the TOML subset a configuration file needs: comments, `[tables]`,
/// `[[arrays of tables]]`, dotted-free bare or quoted keys, basic and literal strings,
/// integers, floats, booleans and (possibly multi-line) arrays and inline tables.
public struct TOMLParser {
    private var lines: [Substring]
    private var lineIndex = 0
    private var rest: Substring = ""

    public static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        let (table, errors) = parseRecovering(text)
        if let first = errors.first { throw first }
        return table
    }

    /// Parses as much as it can: a line with a syntax error is reported and skipped, and
    /// parsing goes on with the next line, so one typo does not hide every other problem.
    public static func parseRecovering(_ text: String) -> (TOMLTable, [TOMLError]) {
        var parser = TOMLParser(text: text)
        let table = parser.parseDocument()
        return (table, parser.errors)
    }

    private var errors: [TOMLError] = []

    private init(text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    private var lineNumber: Int { lineIndex + 1 }

    private mutating func parseDocument() -> TOMLTable {
        var root = TOMLTable()
        // Path of the table currently written to: (key, isArrayElement)
        var current: (key: String, array: Bool)? = nil
        var definedTables = Set<String>()
        while lineIndex < lines.count {
            do {
                try parseLine(root: &root, current: &current, definedTables: &definedTables)
            } catch {
                errors.append(error)
                // Keys under a broken table header belong to no table: skip them rather
                // than report them as unknown keys of the table before it.
                if lines[lineIndex].drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("[") { current = (key: "", array: false) }
            }
            lineIndex += 1
        }
        return root
    }

    private mutating func parseLine(root: inout TOMLTable, current: inout (key: String, array: Bool)?,
                                    definedTables: inout Set<String>) throws(TOMLError) {
        do {
            rest = lines[lineIndex]
            skipSpaceAndComment()
            if rest.isEmpty { return }
            if rest.hasPrefix("[[") {
                rest = rest.dropFirst(2)
                let key = try parseKey()
                skipSpace()
                guard rest.hasPrefix("]]") else { throw fail("expected ']]' after table name") }
                rest = rest.dropFirst(2)
                try expectEndOfLine()
                var list: [TOMLTable] = []
                if let existing = root[key] {
                    guard case .tables(let t) = existing.value else { throw fail("'\(key)' is already defined as a \(existing.value.typeName)") }
                    list = t
                }
                list.append(TOMLTable(line: lineNumber))
                root.set(key, .tables(list), line: root[key]?.line ?? lineNumber)
                current = (key, true)
            } else if rest.hasPrefix("[") {
                rest = rest.dropFirst()
                let key = try parseKey()
                skipSpace()
                guard rest.hasPrefix("]") else { throw fail("expected ']' after table name") }
                rest = rest.dropFirst()
                try expectEndOfLine()
                guard !definedTables.contains(key) else { throw fail("table [\(key)] is defined twice") }
                if let existing = root[key], case .table = existing.value {} else if root[key] != nil {
                    throw fail("'\(key)' is already defined as a value")
                }
                definedTables.insert(key)
                root.set(key, .table(TOMLTable(line: lineNumber)), line: lineNumber)
                current = (key, false)
            } else {
                let line = lineNumber
                let (key, value) = try parseKeyValue()
                try expectEndOfLine()
                func insert(into table: inout TOMLTable) throws(TOMLError) {
                    guard table[key] == nil else { throw TOMLError(line: line, message: "key '\(key)' is defined twice") }
                    table.set(key, value, line: line)
                }
                if let current {
                    guard let entry = root[current.key] else { return }
                    switch entry.value {
                    case .table(var t):
                        try insert(into: &t)
                        root.set(current.key, .table(t), line: entry.line)
                    case .tables(var list):
                        try insert(into: &list[list.count - 1])
                        root.set(current.key, .tables(list), line: entry.line)
                    default: break
                    }
                } else {
                    try insert(into: &root)
                }
            }
        }
    }

    private func fail(_ message: String) -> TOMLError { TOMLError(line: lineNumber, message: message) }

    private mutating func skipSpace() {
        while let c = rest.first, c == " " || c == "\t" || c == "\r" { rest = rest.dropFirst() }
    }

    private mutating func skipSpaceAndComment() {
        skipSpace()
        if rest.first == "#" { rest = "" }
    }

    private mutating func expectEndOfLine() throws(TOMLError) {
        skipSpaceAndComment()
        guard rest.isEmpty else { throw fail("unexpected text '\(rest.prefix(20))'") }
    }

    /// Moves to the next line inside a multi-line array or string.
    private mutating func nextLine() -> Bool {
        guard lineIndex + 1 < lines.count else { return false }
        lineIndex += 1
        rest = lines[lineIndex]
        return true
    }

    private mutating func parseKey() throws(TOMLError) -> String {
        skipSpace()
        if rest.first == "\"" || rest.first == "'" {
            guard case .string(let s) = try parseValue() else { throw fail("bad key") }
            return s
        }
        let key = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        guard !key.isEmpty else { throw fail("expected a key") }
        rest = rest.dropFirst(key.count)
        if rest.first == "." { throw fail("dotted keys are not supported; use a [table]") }
        return String(key)
    }

    private mutating func parseKeyValue() throws(TOMLError) -> (String, TOMLValue) {
        let key = try parseKey()
        skipSpace()
        guard rest.first == "=" else { throw fail("expected '=' after key '\(key)'") }
        rest = rest.dropFirst()
        skipSpace()
        do {
            return (key, try parseValue())
        } catch {
            throw TOMLError(line: error.line, message: "\(key): \(error.message)")
        }
    }

    private mutating func parseValue() throws(TOMLError) -> TOMLValue {
        skipSpace()
        guard let c = rest.first else { throw fail("missing value") }
        switch c {
        case "\"":
            if rest.hasPrefix("\"\"\"") { return .string(try parseMultilineString()) }
            rest = rest.dropFirst()
            return .string(try parseBasicString())
        case "'":
            rest = rest.dropFirst()
            guard let end = rest.firstIndex(of: "'") else { throw fail("unterminated string") }
            let s = String(rest[..<end])
            rest = rest[rest.index(after: end)...]
            return .string(s)
        case "[":
            rest = rest.dropFirst()
            var items: [TOMLValue] = []
            while true {
                skipSpaceAndComment()
                if rest.isEmpty { guard nextLine() else { throw fail("unterminated array") }; continue }
                if rest.first == "]" { rest = rest.dropFirst(); return .array(items) }
                items.append(try parseValue())
                skipSpaceAndComment()
                while rest.isEmpty { guard nextLine() else { throw fail("unterminated array") }; skipSpaceAndComment() }
                if rest.first == "," { rest = rest.dropFirst() } else if rest.first != "]" { throw fail("expected ',' or ']' in array") }
            }
        case "{":
            rest = rest.dropFirst()
            var table = TOMLTable(line: lineNumber)
            skipSpace()
            if rest.first == "}" { rest = rest.dropFirst(); return .table(table) }
            while true {
                let line = lineNumber
                let (k, v) = try parseKeyValue()
                guard table[k] == nil else { throw fail("key '\(k)' is defined twice") }
                table.set(k, v, line: line)
                skipSpace()
                if rest.first == "," { rest = rest.dropFirst(); continue }
                if rest.first == "}" { rest = rest.dropFirst(); return .table(table) }
                throw fail("expected ',' or '}' in inline table")
            }
        case "t" where rest.hasPrefix("true"):
            rest = rest.dropFirst(4); return .boolean(true)
        case "f" where rest.hasPrefix("false"):
            rest = rest.dropFirst(5); return .boolean(false)
        default:
            let token = rest.prefix { !($0 == "," || $0 == "]" || $0 == "}" || $0 == " " || $0 == "\t" || $0 == "#" || $0 == "\r") }
            guard !token.isEmpty else { throw fail("unexpected '\(c)'") }
            rest = rest.dropFirst(token.count)
            let cleaned = token.replacingOccurrences(of: "_", with: "")
            if let i = Int(cleaned) { return .integer(i) }
            if let d = Double(cleaned), cleaned.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return .float(d) }
            throw fail("'\(token)' is not a valid value (strings need quotes)")
        }
    }

    private mutating func parseBasicString() throws(TOMLError) -> String {
        var out = ""
        var iterator = rest.unicodeScalars.makeIterator()
        var consumed = 0
        while let s = iterator.next() {
            consumed += 1
            switch s {
            case "\"":
                rest = Substring(rest.unicodeScalars.dropFirst(consumed))
                return out
            case "\\":
                guard let e = iterator.next() else { throw fail("unterminated escape") }
                consumed += 1
                switch e {
                case "n": out += "\n"
                case "t": out += "\t"
                case "r": out += "\r"
                case "\\": out += "\\"
                case "\"": out += "\""
                case "u", "U":
                    var hex = ""
                    for _ in 0..<(e == "u" ? 4 : 8) { if let h = iterator.next() { hex.unicodeScalars.append(h); consumed += 1 } }
                    guard let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) else { throw fail("bad unicode escape") }
                    out.unicodeScalars.append(scalar)
                default: throw fail("unknown escape '\\\(e)'")
                }
            default:
                out.unicodeScalars.append(s)
            }
        }
        throw fail("unterminated string")
    }

    private mutating func parseMultilineString() throws(TOMLError) -> String {
        rest = rest.dropFirst(3)
        var out = ""
        var first = true
        while true {
            if let end = rest.range(of: "\"\"\"") {
                out += rest[..<end.lowerBound]
                rest = rest[end.upperBound...]
                return out
            }
            if !(first && rest.isEmpty) { out += rest + "\n" }
            first = false
            guard nextLine() else { throw fail("unterminated multi-line string") }
        }
    }
}
