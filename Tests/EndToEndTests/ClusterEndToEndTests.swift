import Foundation
import Testing
import WinnowCore
import WinnowTestSupport

/// Several `winnow run` nodes sharing one PostgreSQL index (a throw-away cluster started by
/// the test) and one archive folder, polling feeds from a loopback server. The full-size
/// run (40 feeds × 50 entries, release build) is `scripts/cluster-test`.
@Suite struct ClusterEndToEndTests {
    /// Feeds × entries; entries of the second half of the feeds are near-copies (two words
    /// changed) of entries of the first half, so the same story reaches nodes from two feeds.
    static let feeds = 8, entries = 8

    struct Cluster {
        let directory: TemporaryDirectory
        let server: LoopbackHTTPServer
        let configs: [String]
        var archive: String { directory.path + "/archive" }
    }

    static func paragraphs(_ seed: Int, changed: Bool) -> [String] {
        var paragraphs = FeedFixtures.paragraphs(seed: seed, count: 5)
        if changed {
            var words = paragraphs[0].split(separator: " ").map(String.init)
            words[3] = "changed"
            words[9] = "reworded"
            paragraphs[0] = words.joined(separator: " ")
        }
        return paragraphs
    }

    static func makeCluster(nodes: Int, postgresURL: String, routes: Routes) throws -> Cluster {
        let server = try LoopbackHTTPServer(handler: routes.handler)
        var urls: [String] = []
        for feed in 0..<feeds {
            var items: [FeedFixtures.Item] = []
            for entry in 0..<entries {
                let copy = feed >= feeds / 2
                let seed = 7_000 + (feed % (feeds / 2)) * 100 + entry
                let title = "Story \(seed)" + (copy ? " (as carried by feed \(feed))" : "")
                let body = paragraphs(seed, changed: copy).map { "<p>\($0)</p>" }.joined()
                let page = "/pages/\(feed)/\(entry).html"
                routes.serve(page, "<html><head><title>\(title)</title></head><body><article><h1>\(title)</h1>\(body)</article></body></html>",
                             type: "text/html; charset=utf-8")
                items.append(FeedFixtures.Item(id: "f\(feed)-e\(entry)", link: server.baseURL + page, title: title))
            }
            routes.serve("/feed\(feed).xml", FeedFixtures.rss(title: "Feed \(feed)", items: items), type: "application/rss+xml")
            urls.append(server.baseURL + "/feed\(feed).xml")
        }
        let directory = TemporaryDirectory("winnow-cluster")
        var configs: [String] = []
        for node in 0..<nodes {
            configs.append(directory.write("node\(node)/winnow.toml", """
                [paths]
                archive = "\(directory.path)/archive"
                inbox = "inbox"
                state = "state"
                [log]
                level = "debug"
                [index]
                backend = "postgres"
                url = "\(postgresURL)"
                node = "node\(node)"
                lease_seconds = 5
                [fetch]
                host_delay_ms = 0
                per_host = 4
                [schedule]
                interval_minutes = 600
                \(urls.map { "[[feeds]]\nurl = \"\($0)\"\n" }.joined())
                """))
        }
        return Cluster(directory: directory, server: server, configs: configs)
    }

    static func decided(_ config: String) throws -> (stored: Int, duplicates: Int, failed: Int) {
        let status = try WinnowBinary.run(["status", "--config", config])
        guard let line = status.lines.first(where: { $0.hasPrefix("total") }) else { return (0, 0, 0) }
        let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        return numbers.count >= 3 ? (numbers[0], numbers[1], numbers[2]) : (0, 0, 0)
    }

    static func json(_ line: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
    }

    static func shingles(_ text: String) -> Set<String> {
        let words = text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        guard words.count >= 3 else { return [] }
        return Set((0...(words.count - 3)).map { words[$0..<$0 + 3].joined(separator: " ") })
    }

    @Test func threeNodesDecideEveryEntryOnceAndTakeOverADeadNodesFeeds() throws {
        let url = try PostgresServer.shared.get().makeDatabase()
        let routes = Routes()
        let cluster = try Self.makeCluster(nodes: 3, postgresURL: url, routes: routes)
        defer { cluster.server.stop() }
        // The third node starts first and dies with SIGKILL as soon as it holds a lease, mid-poll.
        var nodes = [try DaemonProcess(["run", "--config", cluster.configs[2]])]
        defer { for node in nodes { node.signal(SIGKILL) } }
        #expect(nodes[0].waitForLine(timeout: 60) { $0.contains("event=feed.leased") } != nil)
        nodes[0].signal(SIGKILL)
        nodes = try cluster.configs[0..<2].map { try DaemonProcess(["run", "--config", $0]) } + nodes
        _ = nodes[2].waitForExit()
        func leases(_ log: [String]) -> [(url: String, at: Date)] {
            log.compactMap { line in
                guard line.contains("event=feed.leased"), let stamp = line.split(separator: " ").first.flatMap({ DateParser.parse(String($0)) }),
                      let url = line.split(separator: " ").first(where: { $0.hasPrefix("url=") }) else { return nil }
                return (String(url.dropFirst(4)), stamp)
            }
        }
        let leasedByKilled = Dictionary(leases(nodes[2].log).map { ($0.url, $0.at) }, uniquingKeysWith: { a, _ in a })
        #expect(!leasedByKilled.isEmpty)

        // The others finish everything, the dead node's feeds included once its leases expire.
        let total = Self.feeds * Self.entries
        let deadline = Date().addingTimeInterval(120)
        var counts = try Self.decided(cluster.configs[0])
        while counts.stored + counts.duplicates + counts.failed < total, Date() < deadline {
            _ = nodes[0].waitForLine(from: nodes[0].log.count, timeout: 2) { $0.contains("event=feed.polled") }
            counts = try Self.decided(cluster.configs[0])
        }
        #expect(counts.stored + counts.duplicates == total, "\(counts)")
        #expect(counts.failed == 0)
        #expect(counts.duplicates >= total / 2, "every copy is found: \(counts)")

        // Each feed the dead node held was polled again by another node, after its lease ran out.
        let survivors = nodes[0].log + nodes[1].log
        let takeovers = leases(survivors)
        for (feed, leasedAt) in leasedByKilled {
            let later = takeovers.filter { $0.url == feed }.map(\.at).min()
            #expect(later != nil, "\(feed) was never taken over")
            if let later { #expect(later.timeIntervalSince(leasedAt) >= 4, "\(feed) taken over before its 5 s lease expired") }
        }

        // `winnow feeds` shows who holds which feed while the two survivors are up.
        let table = try WinnowBinary.run(["feeds", "--config", cluster.configs[0]])
        #expect(table.status == 0 && table.lines.first?.contains("LEASED BY") == true, "\(table.stdout)")

        // The restarted node rejoins and finds nothing left to do.
        nodes[2] = try DaemonProcess(["run", "--config", cluster.configs[2]])
        #expect(nodes[2].waitForLine(timeout: 60) { $0.contains("event=started") } != nil)
        let status = try WinnowBinary.run(["status", "--config", cluster.configs[2]])
        #expect(status.stdout.contains("cluster    3 nodes"), "\(status.stdout)")
        for node in nodes { node.signal(SIGTERM) }
        for node in nodes { #expect(node.waitForExit(timeout: 30) == 0) }

        // No near-duplicate pair stored, each file indexed, and the index matches the archive.
        let files = cluster.directory.articleFiles(under: "archive")
        #expect(files.count == counts.stored)
        let sets = try files.map { Self.shingles(try String(contentsOfFile: cluster.archive + "/" + $0, encoding: .utf8)) }
        for i in sets.indices {
            for j in sets.indices where j > i {
                let jaccard = Double(sets[i].intersection(sets[j]).count) / Double(max(1, sets[i].union(sets[j]).count))
                #expect(jaccard < 0.7, "\(files[i]) and \(files[j]) are near-duplicates (\(jaccard))")
            }
        }
        let check = try WinnowBinary.run(["reindex", "--check", "--config", cluster.configs[0]])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }

    @Test func anUnreachableDatabaseIsOneLineWithoutThePassword() throws {
        let ws = TestWorkspace(extra: "[index]\nbackend = \"postgres\"\nurl = \"postgresql://winnow:s3cret@127.0.0.1:1/news\"\n")
        for command in [["status"], ["once"]] {
            let out = try WinnowBinary.run(command + ["--config", ws.configPath])
            #expect(out.status != 0)
            let errors = out.stderr.split(separator: "\n").filter { $0.contains("cannot connect to PostgreSQL") }
            #expect(!errors.isEmpty, "\(command): \(out.stderr)")
            #expect(errors.allSatisfy { $0.contains("postgresql://winnow:***@127.0.0.1:1/news") }, "\(out.stderr)")
            #expect(!out.stderr.contains("s3cret") && !out.stdout.contains("s3cret"))
        }
    }

    @Test func seedsOnPostgresSearchShowAndRebuild() throws {
        let url = try PostgresServer.shared.get().makeDatabase()
        let ws = TestWorkspace(extra: "[index]\nbackend = \"postgres\"\nurl = \"\(url)\"\nnode = \"solo\"\n")
        let ingest = try WinnowBinary.run(["ingest", "--json", "--config", ws.configPath] + TestWorkspace.seedPaths)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let results = ingest.lines.map(Self.json)
        #expect(results.filter { $0["status"] as? String == "stored" }.count == 5, "\(ingest.stdout)")
        let first = results.first?["id"] as? String ?? ""
        let copy = ws.directory.write("copies/forwarded.txt", try String(contentsOfFile: TestWorkspace.seedPaths[0], encoding: .utf8))
        let again = try WinnowBinary.run(["ingest", "--json", "--config", ws.configPath, copy])
        #expect(again.lines.map(Self.json).first?["duplicate_of"] as? String == first, "\(again.stdout)")

        let search = try WinnowBinary.run(["search", "missile", "--json", "--config", ws.configPath])
        #expect(search.status == 0 && !search.lines.isEmpty, "\(search.stdout)\(search.stderr)")
        let show = try WinnowBinary.run(["show", "--json", "--config", ws.configPath, first])
        #expect(show.status == 0 && show.stdout.contains("forwarded.txt"), "the copy is in the story: \(show.stdout)\(show.stderr)")

        #expect(try WinnowBinary.run(["reindex", "--check", "--config", ws.configPath]).status == 0)
        let rebuilt = try WinnowBinary.run(["reindex", "--config", ws.configPath])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        let after = try WinnowBinary.run(["show", "--json", "--config", ws.configPath, first])
        #expect(after.stdout == show.stdout)
        #expect(try WinnowBinary.run(["reindex", "--check", "--config", ws.configPath]).status == 0)
    }
}
