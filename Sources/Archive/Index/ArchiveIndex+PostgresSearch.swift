import Foundation

extension ArchiveIndex {
    /// Search on PostgreSQL: the same query language as on SQLite (words, `"phrases"`,
    /// `prefix*`, `OR`, `NOT`) turned into a `tsquery` over the `article_text.words`
    /// column, ranked by `ts_rank` with title words weighted as on SQLite.
    func postgresSearch(_ query: SearchQuery, text: String) throws -> [SearchHit] {
        let tsquery = try Self.tsquery(text)
        let (filters, filterValues) = Self.searchFilters(query)
        var values: [SQLValue] = [.text(tsquery)] + filterValues
        var sql = """
            SELECT a.id, a.path, a.title, a.source, a.language, coalesce(a.published, a.ingested), a.url, t.body,
                ts_rank('{0.1, 0.1, \(1 / Self.titleWeight), 1.0}', t.words, q) AS score
            FROM article_text t JOIN articles a ON a.rowid = t.rowid, to_tsquery('simple', ?) q
            WHERE t.words @@ q\(filters) ORDER BY score DESC, a.id
            """
        if query.limit > 0 { sql += " LIMIT ?"; values.append(.integer(Int64(query.limit))) }
        var hits: [SearchHit] = []
        let snippet = SearchSnippet(query: text)
        try db.prepare(sql).query(values) { r in
            hits.append(SearchHit(id: r.string(0) ?? "", path: r.string(1) ?? "", title: r.string(2) ?? "", source: r.string(3),
                                  language: r.string(4), date: r.string(5) ?? "", url: r.string(6),
                                  snippet: query.details ? snippet.make(from: r.string(7) ?? "", open: query.highlight.open,
                                                                        close: query.highlight.close) : "",
                                  score: r.double(8) ?? 0))
        }
        return hits
    }

    /// A search query as a PostgreSQL `tsquery`: terms are ANDed, `OR` and `NOT` as in
    /// FTS5, a quoted phrase becomes `a <-> b`, `word*` a prefix match. Throws
    /// `SearchQueryError` for what FTS5 would also refuse (an unterminated phrase, an
    /// operator with nothing after it).
    static func tsquery(_ text: String) throws -> String {
        var terms: [String] = []  // tsquery operands and operators, in order
        var pendingOperator: String?
        func add(_ operand: String) {
            if !terms.isEmpty { terms.append(pendingOperator ?? "&") }
            pendingOperator = nil
            terms.append(operand)
        }
        func words(_ s: Substring) -> [String] {
            s.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
        }
        var rest = Substring(text)
        while let first = rest.first {
            if first.isWhitespace { rest = rest.dropFirst(); continue }
            if first == "\"" {
                guard let close = rest.dropFirst().firstIndex(of: "\"") else {
                    throw SearchQueryError(query: text, problem: "unterminated string")
                }
                let phrase = words(rest[rest.index(after: rest.startIndex)..<close])
                if !phrase.isEmpty { add("(" + phrase.joined(separator: " <-> ") + ")") }
                rest = rest[rest.index(after: close)...]
                continue
            }
            let end = rest.firstIndex(where: { $0.isWhitespace || $0 == "\"" }) ?? rest.endIndex
            let token = rest[..<end]
            rest = rest[end...]
            switch token {
            case "OR": guard !terms.isEmpty else { throw SearchQueryError(query: text, problem: "syntax error near \"OR\"") }
                pendingOperator = "|"
            case "AND": guard !terms.isEmpty else { throw SearchQueryError(query: text, problem: "syntax error near \"AND\"") }
                pendingOperator = "&"
            case "NOT": guard !terms.isEmpty else { throw SearchQueryError(query: text, problem: "syntax error near \"NOT\"") }
                pendingOperator = "& !"
            default:
                let prefix = token.hasSuffix("*")
                let parts = words(token)
                guard !parts.isEmpty else { continue }
                var operand = parts.joined(separator: " <-> ")
                if prefix { operand += ":*" }
                add(parts.count > 1 ? "(" + operand + ")" : operand)
            }
        }
        if pendingOperator != nil { throw SearchQueryError(query: text, problem: "syntax error at the end of the query") }
        guard !terms.isEmpty else { throw SearchQueryError(query: text, problem: "it has no words") }
        return terms.joined(separator: " ")
    }
}
