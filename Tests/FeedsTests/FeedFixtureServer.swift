import Feeds
import Fetch
import Foundation
import WinnowCore
import WinnowTestSupport

/// Serves the documents of Fixtures/corpus over loopback HTTP, each with the headers of its
/// `.headers` sidecar (default `Content-Type: application/xml`), and parses what comes back
/// the way the poller does: body, charset and Content-Location from the real response.
final class FeedFixtureServer {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/corpus")

    let routes = Routes()
    let server: LoopbackHTTPServer
    let client: HTTPClient

    init() throws {
        server = try LoopbackHTTPServer(handler: routes.handler)
        var fetch = Config(archive: "", inbox: "", state: "").fetch
        fetch.hostDelayMilliseconds = 0
        client = HTTPClient(settings: FetchSettings(fetch))
    }

    deinit {
        client.shutdown()
        server.stop()
    }

    static func headers(of name: String) -> [String: String] {
        var headers = ["Content-Type": "application/xml"]
        let side = corpus.appendingPathComponent(name + ".headers").path
        if let text = try? String(contentsOfFile: side, encoding: .utf8) {
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.count == 2 { headers[parts[0]] = parts[1] }
            }
        }
        return headers
    }

    /// Serves bytes at `/name` with `headers`, fetches and parses them.
    func parse(bytes: [UInt8], name: String, headers: [String: String]) throws -> ParsedFeed {
        routes["/" + name] = .respond(status: 200, headers: headers, body: bytes)
        let response = try client.fetchSync(HTTPRequest(url: server.baseURL + "/" + name)).get()
        return try FeedParser.parse(response.body, url: response.effectiveURL, charset: response.charset,
                                    contentLocation: response.header("content-location"))
    }

    /// A fixture file of the corpus, served with its sidecar headers.
    func parse(fixture name: String) throws -> ParsedFeed {
        let bytes = try Array(Data(contentsOf: Self.corpus.appendingPathComponent(name)))
        return try parse(bytes: bytes, name: name, headers: Self.headers(of: name))
    }
}
