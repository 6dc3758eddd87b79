import Foundation
import WinnowCore

extension ArchiveIndex {
    /// The same tables as the SQLite schema with every later column in place (a new
    /// backend has no old files to migrate), plus what a cluster needs: a `rowid` on
    /// articles and entries (the order SQLite gives for free; followers read signatures by
    /// it), feed leases, and the nodes seen. Identical content is refused by a unique
    /// constraint, whichever node stores it first.
    static let postgresSchema = """
        CREATE TABLE IF NOT EXISTS articles(
            rowid BIGSERIAL UNIQUE, id TEXT PRIMARY KEY, path TEXT NOT NULL UNIQUE, url TEXT, title TEXT NOT NULL,
            source TEXT, published TEXT, ingested TEXT NOT NULL, author TEXT, language TEXT, origin TEXT NOT NULL,
            input_hash TEXT, content_hash TEXT NOT NULL UNIQUE, words INTEGER NOT NULL, signature BYTEA);
        CREATE INDEX IF NOT EXISTS articles_input ON articles(input_hash);
        CREATE INDEX IF NOT EXISTS articles_url ON articles(url);
        CREATE INDEX IF NOT EXISTS articles_ingested ON articles(ingested);
        CREATE TABLE IF NOT EXISTS duplicates(
            seq BIGSERIAL PRIMARY KEY, duplicate_of TEXT NOT NULL, similarity DOUBLE PRECISION NOT NULL,
            containment DOUBLE PRECISION NOT NULL, title TEXT, url TEXT, origin TEXT NOT NULL, input_hash TEXT,
            recorded TEXT NOT NULL, source TEXT);
        CREATE INDEX IF NOT EXISTS duplicates_input ON duplicates(input_hash);
        CREATE INDEX IF NOT EXISTS duplicates_of ON duplicates(duplicate_of);
        CREATE TABLE IF NOT EXISTS failures(
            seq BIGSERIAL PRIMARY KEY, origin TEXT NOT NULL, url TEXT, input_hash TEXT, reason TEXT NOT NULL, recorded TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS failures_input ON failures(input_hash);
        CREATE TABLE IF NOT EXISTS claims(origin TEXT NOT NULL, input_hash TEXT NOT NULL, claimed TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 1, PRIMARY KEY(origin, input_hash));
        CREATE TABLE IF NOT EXISTS feeds(
            url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, last_fetch TEXT, last_status INTEGER,
            error_count INTEGER NOT NULL DEFAULT 0, last_error TEXT, next_due TEXT, last_success TEXT, title TEXT,
            imported INTEGER NOT NULL DEFAULT 0, name TEXT, interval_minutes INTEGER, disabled INTEGER NOT NULL DEFAULT 0,
            category TEXT, lease_node TEXT, lease_until TIMESTAMPTZ);
        CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS entries(
            rowid BIGSERIAL UNIQUE, feed_url TEXT NOT NULL, entry_key TEXT NOT NULL, status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0, article_id TEXT, last_error TEXT, first_seen TEXT NOT NULL, link TEXT,
            title TEXT, published TEXT, author TEXT, content TEXT, updated TEXT, PRIMARY KEY(feed_url, entry_key));
        CREATE INDEX IF NOT EXISTS entries_status ON entries(feed_url, status);
        CREATE TABLE IF NOT EXISTS nodes(id TEXT PRIMARY KEY, host TEXT NOT NULL, pid INTEGER NOT NULL,
            started TIMESTAMPTZ NOT NULL, heartbeat TIMESTAMPTZ NOT NULL);
        CREATE TABLE IF NOT EXISTS article_text(
            rowid BIGINT PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL,
            words TSVECTOR GENERATED ALWAYS AS (
                setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', body), 'B')) STORED);
        CREATE INDEX IF NOT EXISTS article_text_words ON article_text USING GIN(words);
        """

    /// Opens (creating the tables if needed) the index in a PostgreSQL database that
    /// several nodes share. `readOnly` makes every transaction read-only (readers).
    public convenience init(postgres conninfo: String, readOnly: Bool = false) throws {
        let connection = try PostgresConnection(conninfo)
        try connection.execute("SET client_min_messages = warning")
        if readOnly {
            try connection.execute("SET default_transaction_read_only = on")
        } else {
            // Two nodes creating the tables at once would collide on the catalog.
            try connection.execute("SELECT pg_advisory_lock(\(Self.schemaLockKey))")
            defer { try? connection.execute("SELECT pg_advisory_unlock(\(Self.schemaLockKey))") }
            try connection.execute(Self.postgresSchema)
        }
        self.init(database: IndexDatabase(.postgres(connection)), path: Self.redactedLocation(conninfo), readOnly: readOnly)
        if !readOnly, try meta(Self.searchFilledKey) == nil, try articleCount() == 0 { try markSearchFilled() }
    }

    /// Where the index is, as logs and errors may show it (no password).
    static func redactedLocation(_ conninfo: String) -> String { PostgresConnection.redacted(conninfo) }

    /// Advisory lock key held while creating the schema ("winnow" in ASCII).
    static let schemaLockKey: Int64 = 0x77_69_6e_6e_6f_77
}
