import Foundation
import WinnowCore

/// What nodes sharing a PostgreSQL index need beyond what one machine does: advisory
/// locks around dedupe decisions, following the signatures other nodes commit, feed
/// leases, and a record of the nodes seen.
extension ArchiveIndex {
    /// True when other nodes may write this index at the same time.
    public var isShared: Bool { db.isPostgres }

    /// Takes transaction-scoped advisory locks on `keys`, in ascending order so two nodes
    /// locking overlapping sets never deadlock; they are released at commit or rollback.
    /// Nothing on SQLite (one writer).
    public func lockForDecision(_ keys: [UInt64]) throws {
        guard isShared, !keys.isEmpty else { return }
        let sorted = Set(keys.map { Int64(bitPattern: $0) }).sorted()
        for start in stride(from: 0, to: sorted.count, by: 500) {
            // A target list runs left to right: the locks are taken in this order.
            let calls = sorted[start..<min(start + 500, sorted.count)].map { "pg_advisory_xact_lock(\($0))" }
            try db.execute("SELECT " + calls.joined(separator: ", "))
        }
    }

    /// Articles with a signature and a row id above `rowid`, in row order (how a node
    /// learns what others stored): (row id, id, ingested, signature).
    public func signatures(after rowid: Int64, _ body: (Int64, String, String, [UInt8]) throws -> Void) throws {
        try db.prepare("SELECT rowid, id, ingested, signature FROM articles WHERE rowid > ? AND signature IS NOT NULL ORDER BY rowid")
            .query([.integer(rowid)]) { try body(Int64($0.int(0) ?? 0), $0.string(1) ?? "", $0.string(2) ?? "", $0.blob(3) ?? []) }
    }

    /// The highest article row id (0 when empty).
    public func maxArticleRowid() throws -> Int64 {
        var value: Int64 = 0
        try db.prepare("SELECT coalesce(max(rowid), 0) FROM articles").query { value = Int64($0.int(0) ?? 0) }
        return value
    }

    /// Tells listening nodes that new signatures were committed (sent at commit).
    public func notifySignatures() throws {
        guard isShared else { return }
        try db.execute("NOTIFY winnow_signatures")
    }

    // MARK: Feed leases

    /// Leases feeds that are due to this node: feeds in `urls` whose lease is free or
    /// expired (or already this node's), due by `now` or holding entries a node left
    /// pending (it died mid-poll: the poll saved the next due time before the entries
    /// were done), oldest due first, at most `limit`, skipping rows another node is
    /// leasing at this very moment. Returns the leased URLs.
    /// On SQLite every due feed is this node's.
    public func leaseDueFeeds(_ urls: [String], node: String, now: Date, seconds: Int, limit: Int) throws -> [String] {
        guard isShared else { return urls }
        guard !urls.isEmpty else { return [] }
        var leased: [String] = []
        let list = Self.textArray(urls)
        try db.prepare("""
            UPDATE feeds SET lease_node = ?, lease_until = now() + make_interval(secs => ?)
            WHERE url IN (
                SELECT url FROM feeds WHERE url = ANY(?::text[])
                    AND (next_due IS NULL OR next_due <= ?
                         OR EXISTS (SELECT 1 FROM entries WHERE entries.feed_url = feeds.url AND entries.status = 'pending'))
                    AND (lease_until IS NULL OR lease_until < now() OR lease_node = ?)
                ORDER BY next_due NULLS FIRST LIMIT ? FOR UPDATE SKIP LOCKED)
            RETURNING url
            """).query([.text(node), .integer(Int64(seconds)), .text(list), .text(now.rfc3339), .text(node), .integer(Int64(limit))]) {
            leased.append($0.string(0) ?? "")
        }
        return leased
    }

    /// Gives every configured feed a row, so it can be leased (once per refresh of the
    /// feed list, in one statement).
    public func ensureFeedRows(_ urls: [String]) throws {
        guard isShared, !urls.isEmpty else { return }
        try db.prepare("INSERT INTO feeds(url) SELECT unnest(?::text[]) ON CONFLICT DO NOTHING").run([.text(Self.textArray(urls))])
    }

    /// A PostgreSQL array literal of texts.
    static func textArray(_ values: [String]) -> String {
        "{" + values.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }

    /// Extends this node's leases on feeds it is still polling.
    public func renewLeases(_ urls: [String], node: String, seconds: Int) throws {
        guard isShared, !urls.isEmpty else { return }
        try db.prepare("UPDATE feeds SET lease_until = now() + make_interval(secs => ?) WHERE url = ANY(?::text[]) AND lease_node = ?")
            .run([.integer(Int64(seconds)), .text(Self.textArray(urls)), .text(node)])
    }

    /// Gives a feed back after its poll (its new schedule is already saved).
    public func releaseLease(_ url: String, node: String) throws {
        guard isShared else { return }
        try db.prepare("UPDATE feeds SET lease_node = NULL, lease_until = NULL WHERE url = ? AND lease_node = ?")
            .run([.text(url), .text(node)])
    }

    // MARK: Nodes

    /// A node of the cluster as last seen.
    public struct NodeRecord: Sendable, Equatable {
        public var id: String
        public var host: String
        public var pid: Int
        public var heartbeat: String
        public var secondsSinceHeartbeat: Double
    }

    /// Records that this node is alive (at start and on every heartbeat).
    public func heartbeat(node: String, host: String, pid: Int32) throws {
        guard isShared else { return }
        try db.prepare("""
            INSERT INTO nodes(id, host, pid, started, heartbeat) VALUES(?, ?, ?, now(), now())
            ON CONFLICT(id) DO UPDATE SET host = excluded.host, pid = excluded.pid, heartbeat = now(),
                started = CASE WHEN nodes.pid = excluded.pid THEN nodes.started ELSE now() END
            """).run([.text(node), .text(host), .integer(Int64(pid))])
    }

    /// The nodes seen, by id.
    public func nodes() throws -> [NodeRecord] {
        guard isShared else { return [] }
        var rows: [NodeRecord] = []
        try db.prepare("""
            SELECT id, host, pid, to_char(heartbeat AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                extract(epoch FROM now() - heartbeat) FROM nodes ORDER BY id
            """).query {
            rows.append(NodeRecord(id: $0.string(0) ?? "", host: $0.string(1) ?? "", pid: $0.int(2) ?? 0, heartbeat: $0.string(3) ?? "",
                                   secondsSinceHeartbeat: $0.double(4) ?? 0))
        }
        return rows
    }
}

extension ArchiveIndex {
    /// Starts listening for `NOTIFY winnow_signatures`; returns the connection's socket to
    /// watch (readable when a notification may have arrived), or nil on SQLite.
    public func listenForSignatures() throws -> Int32? {
        guard let connection = db.postgres else { return nil }
        try connection.execute("LISTEN winnow_signatures")
        return connection.socket
    }

    /// Reads what arrived on the socket; true when another node announced new signatures.
    public func receivedSignatureNotice() -> Bool {
        guard let connection = db.postgres else { return false }
        return connection.notifications().contains { $0.channel == "winnow_signatures" }
    }
}

extension ArchiveIndex {
    /// Feeds leased now, with the node holding each (empty on SQLite).
    public func currentLeases() throws -> [String: String] {
        guard isShared else { return [:] }
        var leases: [String: String] = [:]
        try db.prepare("SELECT url, lease_node FROM feeds WHERE lease_until > now()").query { leases[$0.string(0) ?? ""] = $0.string(1) }
        return leases
    }
}
