import Fetch
import Foundation
import Testing
import WinnowCore
import WinnowTestSupport

@Suite struct HTTPClientTests {
    static func settings(timeoutMs: Int = 15_000, maxBody: Int = 1 << 20, perHost: Int = 2, redirects: Int = 5) -> FetchSettings {
        var config = Config(archive: "", inbox: "", state: "").fetch
        config.hostDelayMilliseconds = 0
        var s = FetchSettings(config)
        s.connectTimeoutMilliseconds = 5000
        s.timeoutMilliseconds = timeoutMs
        s.maxBodyBytes = maxBody
        s.perHost = perHost
        s.maxRedirects = redirects
        return s
    }

    func withClient(_ settings: FetchSettings = settings(), _ body: (HTTPClient, LoopbackHTTPServer, Routes) throws -> Void) throws {
        let routes = Routes()
        let server = try LoopbackHTTPServer(handler: routes.handler)
        let client = HTTPClient(settings: settings)
        defer {
            client.shutdown()
            server.stop()
        }
        try body(client, server, routes)
    }

    @Test func getsABodyWithHeadersAndIdentifiesItself() throws {
        try withClient { client, server, routes in
            routes["/hello"] = .respond(status: 200, headers: ["Content-Type": "text/plain; charset=ISO-8859-1", "ETag": "\"v1\""],
                                        body: Array("hello".utf8))
            let response = try client.fetchSync(HTTPRequest(url: server.baseURL + "/hello", headers: ["X-Test: 1"])).get()
            #expect(response.status == 200)
            #expect(response.body == Array("hello".utf8))
            #expect(response.header("ETag") == "\"v1\"")
            #expect(response.charset == "ISO-8859-1")
            let request = try #require(server.requests(path: "/hello").first?.request)
            #expect(request.headers["user-agent"]?.contains("Winnow/") == true)
            #expect(request.headers["x-test"] == "1")
            #expect(request.headers["accept-encoding"]?.contains("gzip") == true)
        }
    }

    @Test func conditionalRequestGetsA304WithoutABody() throws {
        try withClient { client, server, routes in
            routes.serve("/feed", String(repeating: "x", count: 5000), etag: "\"abc\"")
            let first = try client.fetchSync(HTTPRequest(url: server.baseURL + "/feed")).get()
            #expect(first.status == 200)
            let second = try client.fetchSync(HTTPRequest(url: server.baseURL + "/feed", headers: ["If-None-Match: \"abc\""])).get()
            #expect(second.status == 304)
            #expect(second.body.isEmpty)
            #expect(server.requests(path: "/feed").map(\.bodyBytesSent) == [5000, 0])
        }
    }

    @Test(arguments: ["gzip", "br", "zstd"])
    func decodesCompressedBodies(_ encoding: String) throws {
        let original = Array(String(repeating: "<p>Compressed feed body text.</p>\n", count: 4000).utf8)
        let compressed: [UInt8]
        switch encoding {
        case "gzip": compressed = try TestCompression.gzip(original)
        case "zstd": compressed = try TestCompression.zstd(original)
        default: compressed = TestCompression.brotliStored(original)
        }
        #expect(!compressed.isEmpty)
        try withClient { client, server, routes in
            routes["/c"] = .respond(status: 200, headers: ["Content-Encoding": encoding, "Content-Type": "text/html"], body: compressed)
            let response = try client.fetchSync(HTTPRequest(url: server.baseURL + "/c")).get()
            #expect(response.status == 200)
            #expect(response.body == original)
        }
    }

    @Test func truncatedGzipNeverYieldsTheWholeBody() throws {
        let original = Array((0..<20000).map { "line \($0) of a feed body\n" }.joined().utf8)
        let compressed = try TestCompression.gzip(original)
        try withClient { client, server, routes in
            routes["/t"] = .respond(status: 200, headers: ["Content-Encoding": "gzip"], body: Array(compressed.prefix(compressed.count / 2)))
            switch client.fetchSync(HTTPRequest(url: server.baseURL + "/t")) {
            case .success(let response): #expect(response.body.count < original.count)
            case .failure(let error): #expect(!error.message.isEmpty)
            }
        }
    }

    @Test func truncatedBodyIsAnError() throws {
        try withClient { client, server, routes in
            routes["/short"] = .truncated(headers: [:], body: Array("partial".utf8), announced: 1000)
            let result = client.fetchSync(HTTPRequest(url: server.baseURL + "/short"))
            guard case .failure(let error) = result else { Issue.record("expected a failure"); return }
            #expect(error.kind == .network)
        }
    }

    @Test func followsARedirectChain() throws {
        try withClient { client, server, routes in
            routes["/r1"] = .respond(status: 301, headers: ["Location": "/r2"], body: [])
            routes["/r2"] = .respond(status: 302, headers: ["Location": server.baseURL + "/r3"], body: [])
            routes["/r3"] = .respond(status: 302, headers: ["Location": "/final"], body: [])
            routes.serve("/final", "done")
            let response = try client.fetchSync(HTTPRequest(url: server.baseURL + "/r1")).get()
            #expect(response.status == 200)
            #expect(response.body == Array("done".utf8))
            #expect(response.redirects == 3)
            #expect(response.effectiveURL == server.baseURL + "/final")
        }
    }

    @Test func refusesARedirectToFile() throws {
        try withClient { client, server, routes in
            routes["/evil"] = .respond(status: 302, headers: ["Location": "file:///etc/passwd"], body: [])
            let result = client.fetchSync(HTTPRequest(url: server.baseURL + "/evil"))
            guard case .failure(let error) = result else {
                Issue.record("a redirect to file:// must fail, got \(result)")
                return
            }
            #expect(error.kind == .refusedProtocol)
            #expect(!error.message.contains("root:"))
        }
    }

    @Test func refusesNonHTTPURLs() throws {
        try withClient { client, _, _ in
            for url in ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/"] {
                guard case .failure(let error) = client.fetchSync(HTTPRequest(url: url)) else { Issue.record("\(url) fetched"); continue }
                #expect(error.kind == .badURL)
            }
        }
    }

    @Test func stopsARedirectLoop() throws {
        try withClient { client, server, routes in
            routes["/loop"] = .respond(status: 302, headers: ["Location": "/loop"], body: [])
            guard case .failure(let error) = client.fetchSync(HTTPRequest(url: server.baseURL + "/loop")) else {
                Issue.record("expected too many redirects")
                return
            }
            #expect(error.kind == .tooManyRedirects)
            #expect(server.requests(path: "/loop").count <= 6)
        }
    }

    @Test func errorStatusesAreResponsesWithRetryAfter() throws {
        try withClient { client, server, routes in
            routes["/busy"] = .respond(status: 503, headers: ["Retry-After": "120"], body: Array("later".utf8))
            routes["/slowdown"] = .respond(status: 429, headers: ["Retry-After": "Wed, 21 Oct 2037 07:28:00 GMT"], body: [])
            routes["/boom"] = .respond(status: 500, headers: [:], body: [])
            let busy = try client.fetchSync(HTTPRequest(url: server.baseURL + "/busy")).get()
            #expect(busy.status == 503)
            #expect(busy.retryAfter() == 120)
            let slow = try client.fetchSync(HTTPRequest(url: server.baseURL + "/slowdown")).get()
            #expect(slow.status == 429)
            #expect((slow.retryAfter() ?? 0) > 86400)
            #expect(try client.fetchSync(HTTPRequest(url: server.baseURL + "/boom")).get().status == 500)
            #expect(try client.fetchSync(HTTPRequest(url: server.baseURL + "/missing")).get().status == 404)
        }
    }

    @Test func timesOutOnAServerThatNeverAnswers() throws {
        try withClient(Self.settings(timeoutMs: 800)) { client, server, routes in
            routes["/hang"] = .hang
            guard case .failure(let error) = client.fetchSync(HTTPRequest(url: server.baseURL + "/hang")) else {
                Issue.record("expected a timeout")
                return
            }
            #expect(error.kind == .timeout)
        }
    }

    @Test func timesOutOnASlowDrip() throws {
        try withClient(Self.settings(timeoutMs: 800)) { client, server, routes in
            routes["/drip"] = .drip(headers: [:], body: Array(repeating: UInt8(ascii: "a"), count: 200), chunk: 1, pauseMilliseconds: 50)
            guard case .failure(let error) = client.fetchSync(HTTPRequest(url: server.baseURL + "/drip")) else {
                Issue.record("expected a timeout")
                return
            }
            #expect(error.kind == .timeout)
        }
    }

    @Test func abortsABodyOverTheCapWhileStreaming() throws {
        let cap = 256 * 1024
        let total = 64 * 1024 * 1024
        try withClient(Self.settings(maxBody: cap)) { client, server, routes in
            routes["/flood"] = .flood(headers: ["Content-Type": "text/html"], total: total)
            guard case .failure(let error) = client.fetchSync(HTTPRequest(url: server.baseURL + "/flood")) else {
                Issue.record("expected too large")
                return
            }
            #expect(error.kind == .tooLarge)
            #expect(server.waitUntil { $0.contains { $0.request.path == "/flood" && $0.complete } })
            let sent = try #require(server.requests(path: "/flood").first).bodyBytesSent
            #expect(sent < total)
        }
    }

    @Test func refusesAnAnnouncedLengthOverTheCap() throws {
        try withClient(Self.settings(maxBody: 64 * 1024)) { client, server, routes in
            routes["/big"] = .respond(status: 200, headers: [:], body: Array(repeating: 0x61, count: 8 * 1024 * 1024))
            guard case .failure(let error) = client.fetchSync(HTTPRequest(url: server.baseURL + "/big")) else {
                Issue.record("expected too large")
                return
            }
            #expect(error.kind == .tooLarge)
            #expect(server.waitUntil { $0.contains { $0.request.path == "/big" && $0.complete } })
            let exchange = try #require(server.requests(path: "/big").first)
            #expect(exchange.bodyBytesSent < 8 * 1024 * 1024)
        }
    }

    /// A self-signed certificate for 127.0.0.1, made for these tests only (`openssl req -x509
    /// -days 36500 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1`).
    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/" + name).path
    }

    @Test func verifiesTLSUnlessTheFeedOptsOut() throws {
        let server = try TLSLoopbackServer(certificate: Self.fixture("loopback-cert.pem"), key: Self.fixture("loopback-key.pem"),
                                           body: "secure hello")
        let client = HTTPClient(settings: Self.settings())
        defer {
            client.shutdown()
            server.stop()
        }
        // Verified by default: an unknown issuer is a TLS failure, with libcurl's reason.
        switch client.fetchSync(HTTPRequest(url: server.baseURL + "/feed")) {
        case .success(let response): Issue.record("self-signed certificate accepted: \(response.status)")
        case .failure(let error):
            #expect(error.kind == .tls)
            #expect(error.message.lowercased().contains("certificate"))
        }
        // `insecure_tls = true` on a feed: the same server is read over TLS.
        let response = try client.fetchSync(HTTPRequest(url: server.baseURL + "/feed", insecureTLS: true)).get()
        #expect(response.status == 200)
        #expect(response.body == Array("secure hello".utf8))
        #expect(response.effectiveURL.hasPrefix("https://127.0.0.1:"))
    }

    @Test func respectsThePerHostCap() throws {
        let concurrent = LockedBox((now: 0, max: 0))
        let server = try LoopbackHTTPServer { @Sendable _ in
            concurrent.mutate { $0.now += 1; $0.max = max($0.max, $0.now) }
            usleep(50_000)  // hold the connection open a little so overlap would show
            concurrent.mutate { $0.now -= 1 }
            return .respond(status: 200, headers: [:], body: Array("ok".utf8))
        }
        let client = HTTPClient(settings: Self.settings(perHost: 2))
        defer { client.shutdown(); server.stop() }
        let group = DispatchGroup()
        let statuses = LockedBox([Int]())
        for i in 0..<8 {
            group.enter()
            client.fetch(HTTPRequest(url: server.baseURL + "/p\(i)"), queue: .global()) { @Sendable result in
                statuses.mutate { $0.append((try? result.get().status) ?? 0) }
                group.leave()
            }
        }
        group.wait()
        #expect(statuses.get() == Array(repeating: 200, count: 8))
        #expect(concurrent.get().max <= 2)
    }

    @Test func goesThroughTheConfiguredProxy() throws {
        let routes = Routes()
        // A proxy sees the absolute URL as the request target.
        routes["http://feeds.example.invalid/proxied.xml"] = .respond(status: 200, headers: [:], body: Array("via proxy".utf8))
        let proxy = try LoopbackHTTPServer(handler: routes.handler)
        var settings = Self.settings()
        settings.proxy = proxy.baseURL
        let client = HTTPClient(settings: settings)
        defer { client.shutdown(); proxy.stop() }
        let response = try client.fetchSync(HTTPRequest(url: "http://feeds.example.invalid/proxied.xml")).get()
        #expect(response.status == 200)
        #expect(response.body == Array("via proxy".utf8))
        #expect(proxy.log.first?.request.headers["host"] == "feeds.example.invalid")
    }

    @Test func shutdownCancelsTransfersInFlight() throws {
        let routes = Routes()
        routes["/hang"] = .hang
        let server = try LoopbackHTTPServer(handler: routes.handler)
        let client = HTTPClient(settings: Self.settings(timeoutMs: 60_000))
        let done = DispatchSemaphore(value: 0)
        let outcome = LockedBox<FetchError?>(nil)
        client.fetch(HTTPRequest(url: server.baseURL + "/hang"), queue: .global()) { @Sendable result in
            if case .failure(let e) = result { outcome.set(e) }
            done.signal()
        }
        server.waitUntil { $0.contains { $0.request.path == "/hang" } }
        client.shutdown()
        done.wait()
        #expect(outcome.get()?.kind == .cancelled)
        server.stop()
    }
}
