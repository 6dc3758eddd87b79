import Foundation
import Testing
import WinnowTestSupport

/// The built `winnow` binary against a loopback HTTP server running in the test process.
@Suite struct FeedsEndToEndTests {
    static func feedsConfig(_ urls: [String]) -> String {
        """
        [fetch]
        host_delay_ms = 0
        timeout_seconds = 10
        connect_timeout_seconds = 5

        \(urls.map { "[[feeds]]\nurl = \"\($0)\"\n" }.joined(separator: "\n"))
        """
    }

    @Test func onceStoresEveryEntryThenOnlyRevalidates() throws {
        let routes = Routes()
        let server = try LoopbackHTTPServer(handler: routes.handler)
        defer { server.stop() }
        let paths = ["/news.xml", "/blog.atom", "/tech.xml"]
        let urls = paths.enumerated().map { i, path in
            FeedFixtures.serveFeed(routes, base: server.baseURL, path: path, count: 50, atom: path.hasSuffix(".atom"), seed: 10 + i)
        }
        let ws = TestWorkspace(extra: Self.feedsConfig(urls))

        let first = try WinnowBinary.run(["once", "--config", ws.configPath])
        #expect(first.status == 0, "\(first.stderr)")
        let polled = first.stderr.split(separator: "\n").filter { $0.contains("event=feed.polled") }
        #expect(polled.count == 3)
        #expect(polled.allSatisfy { $0.contains("status=200") && $0.contains("new=50") && $0.contains("stored=50") })
        #expect(ws.directory.files(under: "archive").filter { $0.hasSuffix(".md") }.count == 150)
        #expect(!first.stderr.contains("event=duplicate"))

        // Not due: a plain `once` asks for nothing.
        let requestsBefore = server.log.count
        let idle = try WinnowBinary.run(["once", "--config", ws.configPath])
        #expect(idle.status == 0)
        #expect(server.log.count == requestsBefore)

        // Forced: every feed revalidates with a 304, no body, nothing stored.
        let second = try WinnowBinary.run(["once", "--all-feeds", "--config", ws.configPath])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(!second.stderr.contains("event=stored"))
        #expect(second.stderr.split(separator: "\n").filter { $0.contains("event=feed.polled") && $0.contains("status=304") }.count == 3)
        for path in paths {
            let exchanges = server.requests(path: path)
            #expect(exchanges.map(\.status) == [200, 304])
            #expect(exchanges.last?.bodyBytesSent == 0)
        }
        #expect(server.log.filter { $0.request.path.hasPrefix("/articles/") }.count == 150)
        #expect(ws.directory.files(under: "archive").filter { $0.hasSuffix(".md") }.count == 150)

        let table = try WinnowBinary.run(["feeds", "--config", ws.configPath])
        #expect(table.status == 0)
        let rows = table.lines.dropFirst()
        #expect(rows.count == 3)
        #expect(rows.allSatisfy { $0.contains(" ok ") && $0.contains(" 304 ") })
    }

    @Test func aBrokenFeedIsLoggedBackedOffAndShownWhileOthersWork() throws {
        let routes = Routes()
        let server = try LoopbackHTTPServer(handler: routes.handler)
        defer { server.stop() }
        let good = FeedFixtures.serveFeed(routes, base: server.baseURL, path: "/good.xml", count: 3, seed: 40)
        routes["/down.xml"] = .respond(status: 503, headers: ["Retry-After": "3600"], body: [])
        routes["/evil.xml"] = .respond(status: 302, headers: ["Location": "file:///etc/passwd"], body: [])
        let ws = TestWorkspace(extra: Self.feedsConfig([good, server.baseURL + "/down.xml", server.baseURL + "/evil.xml"]))
        let run = try WinnowBinary.run(["once", "--config", ws.configPath])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(ws.directory.files(under: "archive").filter { $0.hasSuffix(".md") }.count == 3)
        let failures = run.stderr.split(separator: "\n").filter { $0.contains("event=feed.failed") }
        #expect(failures.count == 2)
        #expect(failures.contains { $0.contains("/down.xml") && $0.contains("HTTP 503") && $0.contains("next_due=") })
        #expect(failures.contains { $0.contains("/evil.xml") && $0.contains("refused_protocol") })
        #expect(!run.stderr.contains("root:x:"))

        let table = try WinnowBinary.run(["feeds", "--config", ws.configPath])
        let downRow = try #require(table.lines.firstIndex { $0.contains("/down.xml") })
        #expect(table.lines[downRow].contains("failing") && table.lines[downRow].contains(" 1 "))
        // The last error is printed in full under its row.
        #expect(table.lines[downRow + 1].contains("last error: HTTP 503"))
        #expect(table.lines.first { $0.contains("/good.xml") }?.contains(" ok ") == true)
    }

    @Test func opmlImportAndExport() throws {
        let routes = Routes()
        let server = try LoopbackHTTPServer(handler: routes.handler)
        defer { server.stop() }
        let a = FeedFixtures.serveFeed(routes, base: server.baseURL, path: "/a.xml", count: 2, seed: 50)
        let b = FeedFixtures.serveFeed(routes, base: server.baseURL, path: "/b.xml", count: 2, seed: 51)
        let ws = TestWorkspace(extra: "[fetch]\nhost_delay_ms = 0\n")
        let opml = ws.directory.write("subs.opml", """
            <?xml version="1.0"?><opml version="2.0"><head><title>S</title></head><body>
            <outline text="A feed" type="rss" xmlUrl="\(a)"/><outline text="B feed" type="rss" xmlUrl="\(b)"/>
            </body></opml>
            """)
        let imported = try WinnowBinary.run(["feeds", "import", "--config", ws.configPath, opml])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("imported 2 feeds"))
        let again = try WinnowBinary.run(["feeds", "import", "--config", ws.configPath, opml])
        #expect(again.stdout.contains("imported 0 feeds (2 already known)"))
        let exported = try WinnowBinary.run(["feeds", "export", "--config", ws.configPath])
        #expect(exported.stdout.contains("xmlUrl=\"\(a)\"") && exported.stdout.contains("xmlUrl=\"\(b)\""))
        let run = try WinnowBinary.run(["once", "--config", ws.configPath])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(ws.directory.files(under: "archive").filter { $0.hasSuffix(".md") }.count == 4)
    }
}

@Suite struct FeedsCrashEndToEndTests {
    @Test func killedMidFeedLosesNothingAndStoresNothingTwice() throws {
        let routes = Routes()
        let server = try LoopbackHTTPServer(handler: routes.handler)
        defer { server.stop() }
        let url = FeedFixtures.serveFeed(routes, base: server.baseURL, path: "/crash.xml", count: 5, seed: 60)
        let ws = TestWorkspace(extra: FeedsEndToEndTests.feedsConfig([url]))
        // Dies (SIGKILL) right after the first batch's article files are published, before
        // they are indexed (how many pages one batch holds depends on when they arrived).
        let crashed = try WinnowBinary.run(["once", "--config", ws.configPath], environment: ["WINNOW_FAULT": "after-article-write"])
        #expect(crashed.status != 0)
        let published = ws.directory.files(under: "archive").filter { $0.hasSuffix(".md") }.count
        #expect(published >= 1)

        let resumed = try WinnowBinary.run(["once", "--config", ws.configPath])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        // The feed itself was recorded before the crash (304 now), the pending entries are finished.
        #expect(resumed.stderr.contains("status=304"))
        #expect(ws.directory.files(under: "archive").filter { $0.hasSuffix(".md") }.count == 5)
        #expect(!resumed.stderr.contains("event=duplicate"))
        let check = try WinnowBinary.run(["reindex", "--check", "--config", ws.configPath])
        #expect(check.status == 0, "\(check.stdout)")
        let table = try WinnowBinary.run(["feeds", "--config", ws.configPath])
        #expect(table.lines.dropFirst().first?.contains(" ok ") == true)
    }
}
