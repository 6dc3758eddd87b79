import Foundation
import Testing
import WinnowTestSupport

/// `winnow feeds add/remove/disable/enable/import/export` and the feed table, with the built
/// binary against loopback sites.
@Suite struct FeedsManageEndToEndTests {
    static let config = "[fetch]\nhost_delay_ms = 0\ntimeout_seconds = 10\nconnect_timeout_seconds = 5\n"

    static func homePage(_ head: String) -> String {
        "<!DOCTYPE html><html><head><title>Home</title>\(head)</head><body><h1>Welcome</h1><p>Nothing here.</p></body></html>"
    }

    @Test func discoveryByLinkTagByCommonPathAndNone() throws {
        // Site one links its feed from the home page; site two has it only at /feed; site three has none.
        let one = Routes(), two = Routes(), three = Routes()
        let s1 = try LoopbackHTTPServer(handler: one.handler), s2 = try LoopbackHTTPServer(handler: two.handler)
        let s3 = try LoopbackHTTPServer(handler: three.handler)
        defer { s1.stop(); s2.stop(); s3.stop() }
        FeedFixtures.serveFeed(one, base: s1.baseURL, path: "/news/atom.xml", count: 2, atom: true, seed: 70)
        one.serve("/", Self.homePage("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"News\" href=\"/news/atom.xml\">"),
                  type: "text/html; charset=utf-8")
        FeedFixtures.serveFeed(two, base: s2.baseURL, path: "/feed", count: 3, seed: 71)
        two.serve("/", Self.homePage(""), type: "text/html")
        three.serve("/", Self.homePage(""), type: "text/html")
        let ws = TestWorkspace(extra: Self.config)

        let linked = try WinnowBinary.run(["feeds", "add", "--config", ws.configPath, s1.baseURL + "/"])
        #expect(linked.status == 0, "\(linked.stderr)")
        #expect(linked.stdout.contains("added \(s1.baseURL)/news/atom.xml") && linked.stdout.contains("<link rel=\"alternate\">"))
        let common = try WinnowBinary.run(["feeds", "add", "--config", ws.configPath, "--name", "Site Two", "--interval", "90",
                                           s2.baseURL + "/"])
        #expect(common.status == 0, "\(common.stderr)")
        #expect(common.stdout.contains("added \(s2.baseURL)/feed (Site Two, 3 entries)") && common.stdout.contains("found at /feed"))
        let none = try WinnowBinary.run(["feeds", "add", "--config", ws.configPath, s3.baseURL + "/"])
        #expect(none.status == 1)
        #expect(none.stderr.contains("\(s3.baseURL)/ is an HTML page with no feed link"))
        let again = try WinnowBinary.run(["feeds", "add", "--config", ws.configPath, s2.baseURL + "/feed"])
        #expect(again.stdout.contains("is already a feed"))

        let table = try WinnowBinary.run(["feeds", "--json", "--config", ws.configPath])
        #expect(table.lines.count == 2)
        #expect(table.lines.contains { $0.contains("\"name\":\"Site Two\"") && $0.contains("\"interval_minutes\":90") })

        // Both are polled by `once`, their articles stored and counted per feed.
        let run = try WinnowBinary.run(["once", "--config", ws.configPath])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(ws.directory.files(under: "archive").filter { $0.hasSuffix(".md") }.count == 5)
        let after = try WinnowBinary.run(["feeds", "--config", ws.configPath])
        let row = try #require(after.lines.first { $0.contains(s2.baseURL + "/feed") })
        #expect(row.hasPrefix("Site Two") && row.contains(" ok ") && row.contains(" 3 "))
    }

    @Test func removeDisableEnableAndTheWriterLock() throws {
        let routes = Routes()
        let server = try LoopbackHTTPServer(handler: routes.handler)
        defer { server.stop() }
        let added = FeedFixtures.serveFeed(routes, base: server.baseURL, path: "/added.xml", count: 2, seed: 72)
        let configured = FeedFixtures.serveFeed(routes, base: server.baseURL, path: "/configured.xml", count: 2, seed: 73)
        let ws = TestWorkspace(extra: Self.config + "\n[[feeds]]\nurl = \"\(configured)\"\n")
        #expect(try WinnowBinary.run(["feeds", "add", "--config", ws.configPath, added]).status == 0)

        let disabled = try WinnowBinary.run(["feeds", "disable", "--config", ws.configPath, configured])
        #expect(disabled.stdout.contains("disabled \(configured)"))
        let run = try WinnowBinary.run(["once", "--config", ws.configPath])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(server.requests(path: "/configured.xml").isEmpty)
        #expect(server.requests(path: "/added.xml").count == 2)  // `feeds add` fetched it, then `once`
        let table = try WinnowBinary.run(["feeds", "--config", ws.configPath])
        #expect(table.lines.first { $0.contains("/configured.xml") }?.contains(" disabled ") == true)

        #expect(try WinnowBinary.run(["feeds", "enable", "--config", ws.configPath, configured]).stdout.contains("enabled"))
        #expect(try WinnowBinary.run(["once", "--config", ws.configPath]).status == 0)
        #expect(server.requests(path: "/configured.xml").count == 1)

        let refused = try WinnowBinary.run(["feeds", "remove", "--config", ws.configPath, configured])
        #expect(refused.status == 1 && refused.stderr.contains("is in the config"))
        let removed = try WinnowBinary.run(["feeds", "remove", "--config", ws.configPath, added])
        #expect(removed.status == 0 && removed.stdout.contains("removed \(added)"))
        #expect(try WinnowBinary.run(["feeds", "--config", ws.configPath]).lines.allSatisfy { !$0.contains("/added.xml") })
        #expect(try WinnowBinary.run(["feeds", "remove", "--config", ws.configPath, added]).status == 1)

        // Writers are refused while the daemon runs; the list still answers.
        let daemon = try DaemonProcess(["run", "--config", ws.configPath])
        defer { daemon.signal(SIGTERM); _ = daemon.waitForExit() }
        #expect(daemon.waitForLine { $0.contains("event=started") } != nil)
        for arguments in [["feeds", "add", added], ["feeds", "remove", added], ["feeds", "disable", configured],
                          ["feeds", "enable", configured]] {
            let out = try WinnowBinary.run(arguments + ["--config", ws.configPath])
            #expect(out.status == 1, "\(arguments)")
            #expect(out.stderr.contains("holds"), "\(arguments): \(out.stderr)")
        }
        #expect(try WinnowBinary.run(["feeds", "--config", ws.configPath]).status == 0)
    }

    @Test func opmlImportSaysWhatItDidAndKeepsFolders() throws {
        let ws = TestWorkspace(extra: Self.config + "\n[[feeds]]\nurl = \"http://127.0.0.1:9/configured.xml\"\n")
        let opml = ws.directory.write("subs.opml", """
            <?xml version="1.0"?><opml version="2.0"><head><title>S</title></head><body>
            <outline text="News"><outline text="Tech">
              <outline text="Gadgets" type="rss" xmlUrl="http://127.0.0.1:9/gadgets.xml"/>
            </outline>
              <outline text="World" type="rss" xmlUrl="http://127.0.0.1:9/world.xml"/>
            </outline>
            <outline text="Configured" type="rss" xmlUrl="http://127.0.0.1:9/configured.xml"/>
            <outline text="Local file" type="rss" xmlUrl="file:///etc/passwd"/>
            <outline text="No URL" type="rss"/>
            <outline text="Loose" type="rss" xmlUrl="http://127.0.0.1:9/loose.xml"/>
            </body></opml>
            """)
        let first = try WinnowBinary.run(["feeds", "import", "--config", ws.configPath, opml])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.lines.first == "imported 3 feeds (1 already known), skipped 2:")
        #expect(first.stdout.contains("skipped Local file: file: URL file:///etc/passwd (only http and https are fetched)"))
        #expect(first.stdout.contains("skipped No URL: no xmlUrl"))
        let again = try WinnowBinary.run(["feeds", "import", "--config", ws.configPath, opml])
        #expect(again.lines.first == "imported 0 feeds (4 already known), skipped 2:")

        let exported = try WinnowBinary.run(["feeds", "export", "--config", ws.configPath])
        let back = ws.directory.write("back.opml", exported.stdout)
        let other = TestWorkspace(extra: Self.config)
        let reimported = try WinnowBinary.run(["feeds", "import", "--config", other.configPath, back])
        #expect(reimported.lines.first == "imported 4 feeds (0 already known)")
        let json = try WinnowBinary.run(["feeds", "--json", "--config", other.configPath])
        #expect(json.lines.contains { $0.contains("gadgets.xml") && $0.contains("\"category\":\"News/Tech\"") })
        #expect(json.lines.contains { $0.contains("world.xml") && $0.contains("\"category\":\"News\"") })
        #expect(json.lines.contains { $0.contains("loose.xml") && !$0.contains("category") })
    }
}
